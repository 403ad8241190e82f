//! The `campaign-lint` binary: arguments in, exit code out.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let cli = match campaign_lint::cli::parse(std::env::args_os(), &mut err) {
        Ok(cli) => cli,
        Err(status) => return ExitCode::from(status as u8),
    };
    match campaign_lint::cli::run(cli, &mut out, &mut err) {
        Ok(status) => ExitCode::from(status as u8),
        // `campaign-lint check ... | head` is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
