//! The `campaign-lint` binary: arguments in, exit code out.

use std::io::Write;
use std::process::ExitCode;

/// The status a shell reports for a program killed by SIGPIPE (128 + 13): what a C tool
/// gives when its reader goes away, so `campaign-lint check … | head -1` under `set -o
/// pipefail` does not read as a clean check.
const BROKEN_PIPE: u8 = 141;

/// stderr for diagnostics: when it is closed or full, they are lost, but the run goes on
/// and its exit status stays what the check found (no panic, as `eprintln!` would).
struct Diagnostics<W>(W);

impl<W: Write> Write for Diagnostics<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

fn main() -> ExitCode {
    let mut err = Diagnostics(std::io::stderr().lock());
    let cli = match campaign_lint::cli::parse(std::env::args_os(), &mut err) {
        Ok(cli) => cli,
        Err(status) => return ExitCode::from(status as u8),
    };
    // The language server writes to stdout from its own thread: stdout must not be held
    // locked by this one.
    let status = if matches!(cli.command, campaign_lint::cli::Command::Server) {
        campaign_lint::cli::run(cli, &mut std::io::sink(), &mut err)
    } else {
        campaign_lint::cli::run(cli, &mut std::io::stdout().lock(), &mut err)
    };
    match status {
        Ok(status) => ExitCode::from(status as u8),
        // The reader stopped reading: end quietly, as a program killed by SIGPIPE would.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(BROKEN_PIPE),
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}
