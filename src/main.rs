//! The `cozegen` binary: parse arguments, run, map errors to exit codes.

mod cli;

use std::process::ExitCode;

// A run is short and allocation-heavy (every name, path and line of output is a small string);
// mimalloc makes large documents markedly faster than the system allocator. The library
// leaves the choice to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run(&cli::command().get_matches()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
