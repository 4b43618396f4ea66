//! `paved lint`: flags → lint options → report → output and exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::Status;
use crate::cli::LintArgs;
use crate::lint::{self, finding::FailOn};
use crate::report::{self, Format};

pub fn run(args: LintArgs) -> Result<Status> {
    let Some(format) = Format::parse(&args.format) else {
        bail!("--format {:?}: supported formats are human and json", args.format);
    };
    let Some(fail_on) = FailOn::parse(&args.fail_on) else {
        bail!("--fail-on {:?}: expected error, warning, info or never", args.fail_on);
    };
    for (flag, given) in [
        ("--config", args.config.is_some()),
        ("--policy", !args.policy.is_empty()),
        ("--values", !args.values.is_empty()),
        ("--baseline", args.baseline.is_some()),
        ("--write-baseline", args.write_baseline.is_some()),
    ] {
        if given {
            bail!("{flag} is not implemented yet");
        }
    }
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let options = lint::Options { paths, fail_on, max_file_size: lint::DEFAULT_MAX_FILE_SIZE };
    let report = lint::run(&options)?;

    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = report::render(format, &report, color);
    match &args.output {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`paved lint | head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes());
        }
    }
    for e in &report.policy_errors {
        eprintln!("error: {e}");
    }
    Ok(if !report.policy_errors.is_empty() {
        Status::Usage
    } else if report.fails() {
        Status::Findings
    } else {
        Status::Clean
    })
}
