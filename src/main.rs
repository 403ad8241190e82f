//! The `campaign-lint` binary: arguments in, exit code out.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = campaign_lint::cli::Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
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
