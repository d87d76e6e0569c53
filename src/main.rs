//! `rasd`: parse the command line, run the library, map the outcome to an exit code
//! (0 success, 1 runtime failure, 2 usage or configuration error). A broken pipe is success.

use clap::Parser;
use rasd::cli::Cli;
use rasd::config::ConfigError;
use std::process::ExitCode;

mod app;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // Configuration diagnostics already read `file:line:col: message`, one per line.
            if let Some(ConfigError::Invalid(diags)) = e.downcast_ref::<ConfigError>() {
                for d in diags {
                    eprintln!("{d}");
                }
                return ExitCode::from(2);
            }
            if let Some(app::Usage(msg)) = e.downcast_ref::<app::Usage>() {
                eprintln!("{msg}");
                return ExitCode::from(2);
            }
            eprintln!("rasd: {e:#}");
            ExitCode::from(1)
        }
    }
}
