//! `paved lint`: flags → lint options → report → output and exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::Status;
use crate::cli::LintArgs;
use crate::fix::{self, driver::FixOptions};
use crate::lint::{self, ConfigChoice, finding::FailOn};
use crate::report::{self, Format};

pub fn run(args: LintArgs) -> Result<Status> {
    let Some(format) = Format::parse(&args.format) else {
        bail!("--format {:?}: expected human, json, sarif, junit, github, gitlab or html", args.format);
    };
    let fail_on = match &args.fail_on {
        Some(s) => {
            Some(FailOn::parse(s).with_context(|| format!("--fail-on {s:?}: expected error, warning, info or never"))?)
        }
        None => None,
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let options = lint::Options {
        fail_on,
        config: match (args.config, args.no_config) {
            (Some(f), _) => ConfigChoice::File(f),
            (None, true) => ConfigChoice::None,
            (None, false) => ConfigChoice::Discover,
        },
        policies: args.policy,
        baseline: args.baseline,
        values: args.values,
        no_default_excludes: args.no_default_excludes,
        repo_name: args.repo_name,
        // Benchmarks only: parse everything, evaluate nothing (see bench/README.md).
        parse_only: std::env::var_os("PAVED_PARSE_ONLY").is_some_and(|v| v == "1"),
        ..lint::Options::new(paths)
    };
    if args.show_fixes && !args.fix {
        bail!("--show-fixes lists what --fix fixed: use it with --fix");
    }
    if args.diff {
        let outcome = fix::driver::run(&options, FixOptions { unsafe_fixes: args.unsafe_fixes, write: false })?;
        let mut out = std::io::stdout().lock();
        for c in &outcome.changes {
            let _ = out.write_all(fix::diff::unified(&c.path, &c.before, &c.after).as_bytes());
        }
        report_declined(&outcome.declined);
        eprintln!(
            "{} would fix {} in {}.",
            if outcome.changes.is_empty() { "Nothing to fix:" } else { "--fix" },
            plural(outcome.fixed.len(), "finding"),
            plural(outcome.changes.len(), "file")
        );
        for e in &outcome.report.policy_errors {
            eprintln!("error: {e}");
        }
        return Ok(if !outcome.report.policy_errors.is_empty() {
            Status::Usage
        } else if outcome.changes.is_empty() {
            Status::Clean
        } else {
            Status::Findings
        });
    }
    let report = if args.fix {
        let outcome = fix::driver::run(&options, FixOptions { unsafe_fixes: args.unsafe_fixes, write: true })?;
        if args.show_fixes {
            for f in &outcome.fixed {
                eprintln!(
                    "fixed {}:{}: {} {}",
                    f.path,
                    f.line,
                    f.rule,
                    f.fix.as_ref().map_or("", |x| x.title.as_str())
                );
            }
        }
        report_declined(&outcome.declined);
        for e in &outcome.write_errors {
            eprintln!("error: cannot write the fix: {e}");
        }
        eprintln!(
            "Fixed {} in {} ({} {}).",
            plural(outcome.fixed.len(), "finding"),
            plural(outcome.changes.len(), "file"),
            outcome.passes,
            if outcome.passes == 1 { "pass" } else { "passes" }
        );
        outcome.report
    } else {
        let mut report = lint::run(&options)?;
        if matches!(format, Format::Human | Format::Json | Format::Sarif | Format::Html) {
            fix::attach(&mut report);
        }
        report
    };
    if let Some(path) = &args.write_baseline {
        let dropped = lint::write_baseline(&report, path)?;
        let kept = report.findings.len()
            + report.suppressed.iter().filter(|s| s.kind == lint::finding::SuppressionKind::Baseline).count();
        let note = if dropped > 0 { format!("; dropped {dropped} that no longer match") } else { String::new() };
        eprintln!("wrote {kept} findings to the baseline {}{note}", path.display());
    }

    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if args.statistics {
        let text = match format {
            Format::Json => report::statistics::json(&report),
            Format::Human => report::statistics::human(&report),
            _ => bail!("--statistics prints human text or JSON (--format human or json)"),
        };
        match &args.output {
            Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
            None => {
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
        }
    } else if format == Format::Json {
        // Streamed: the JSON of a monorepo's findings and their fixes is tens of megabytes.
        match &args.output {
            Some(path) => {
                let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
                let mut w = std::io::BufWriter::new(file);
                report::json::write(&report, &mut w)
                    .and_then(|()| w.flush())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            None => {
                let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                // A closed pipe (`paved lint | head`) is not an error worth a message.
                let _ = report::json::write(&report, &mut w).and_then(|()| w.flush());
            }
        }
    } else {
        let text = report::render(format, &report, color);
        match &args.output {
            Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
            None => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`paved lint | head`) is not an error worth a message.
                let _ = out.write_all(text.as_bytes());
            }
        }
    }
    for e in &report.policy_errors {
        eprintln!("error: {e}");
    }
    Ok(if !report.policy_errors.is_empty() {
        Status::Usage
    } else if args.write_baseline.is_some() {
        // Recording a baseline accepts the current findings.
        Status::Clean
    } else if report.fails() {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Fixable findings verification or the file system kept from being fixed, on stderr.
fn report_declined(declined: &[fix::driver::Declined]) {
    for d in declined {
        eprintln!("not fixed {}:{}: {}: {}", d.finding.path, d.finding.line, d.finding.rule, d.reason);
    }
}
