//! The `cozegen` binary: parse arguments, run, map errors to exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

// A run is short and allocation-heavy (every name, path and line of output is a small string);
// mimalloc makes large documents markedly faster than the system allocator. The library
// leaves the choice to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
