//! paved: the paved road for Go services.
//!
//! Two halves share this crate and do not import each other: `scaffold` writes new services
//! (`paved new`), the lint half checks existing repositories (`paved lint`). `cli` holds the raw
//! flags; `commands` turns them into calls.

pub mod cli;
pub mod fix;
pub mod commands;
pub mod helm;
pub mod kustomize;
pub mod lint;
pub mod parse;
pub mod report;
pub mod scaffold;
pub mod vfs;

/// Process outcome, mapped to the exit codes DESIGN.md fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: success, or no finding at or above the fail threshold.
    Clean,
    /// 1: findings at or above the fail threshold.
    Findings,
    /// 2: usage, configuration or policy errors.
    Usage,
}

impl From<Status> for std::process::ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Clean => 0.into(),
            Status::Findings => 1.into(),
            Status::Usage => 2.into(),
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Status> {
    commands::dispatch(cli)
}
