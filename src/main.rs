//! `rasd`: parse the command line, run the library, map the outcome to an exit code
//! (0 success, 1 runtime failure, 2 usage or configuration error). A broken pipe is success.

use clap::Parser;
use rasd::cli::Cli;
use std::process::ExitCode;

mod app;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let usage = e.chain().any(|c| {
                c.downcast_ref::<rasd::config::ConfigError>()
                    .is_some_and(|c| matches!(c, rasd::config::ConfigError::Invalid(_)))
            });
            eprintln!("rasd: {e:#}");
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}
