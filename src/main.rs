//! The `paved` binary: parse the command line, run the command, map the outcome to an exit code.
//! Everything else lives in the library so tests can drive it directly.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc malloc: parsing and policy evaluation allocate many small values
/// (YAML nodes, JSON input, Rego values), and glibc's allocator was a third of a lint's CPU
/// time in profiles (bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = paved::cli::Cli::parse();
    match paved::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("{} {err:#}", console::style("error:").red().bold());
            paved::Status::Usage.into()
        }
    }
}
