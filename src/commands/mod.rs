//! One function per subcommand: each turns raw flags into a call into the library halves.

use anyhow::Result;

use crate::Status;
use crate::cli::{Cli, Command};

mod lint;
mod new;
mod policy;
mod rules;

pub fn dispatch(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::New(args) => new::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Rules(args) => rules::rules(args),
        Command::Explain(args) => rules::explain(args),
        Command::Policy(args) => match args.command {
            crate::cli::PolicyCommand::Test { dirs } => policy::test(dirs),
        },
        Command::Render(_) => not_implemented("render"),
    }
}

/// Commands whose issues have not landed yet say so plainly and exit 2, never pretend.
fn not_implemented(command: &str) -> Result<Status> {
    eprintln!("paved {command}: not implemented yet");
    Ok(Status::Usage)
}
