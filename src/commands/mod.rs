//! One function per subcommand: each turns raw flags into a call into the library halves.

use anyhow::Result;

use crate::Status;
use crate::cli::{Cli, Command};

mod lint;
mod new;
mod policy;
mod render;
mod report;
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
        Command::Render(args) => render::run(args),
        Command::Report(args) => match args.command {
            crate::cli::ReportCommand::Merge { files, format, output } => report::merge(files, &format, output),
        },
    }
}
