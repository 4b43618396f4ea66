//! `--format human`: one block per finding, `path:line:col: severity[rule] message`, the
//! source line with a caret under the column, the fix as help, then a summary line. Colour only
//! when the caller says so (a TTY and `NO_COLOR` unset).

use std::fmt::Write;

use console::Style;

use crate::fix::Applicability;
use crate::lint::Report;
use crate::lint::finding::Severity;

struct Styles {
    path: Style,
    error: Style,
    warning: Style,
    info: Style,
    dim: Style,
    caret: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        let s = |style: Style| style.force_styling(color);
        Self {
            path: s(Style::new().bold()),
            error: s(Style::new().red().bold()),
            warning: s(Style::new().yellow().bold()),
            info: s(Style::new().cyan().bold()),
            dim: s(Style::new().dim()),
            caret: s(Style::new().red()),
        }
    }

    fn severity(&self, s: Severity) -> &Style {
        match s {
            Severity::Error => &self.error,
            Severity::Warning => &self.warning,
            Severity::Info => &self.info,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Rules whose finding's line holds a secret from the column on: the snippet shows `****` there
/// (a CI job log is no place to repeat it).
const SECRET_VALUE_RULES: [&str; 2] = ["secret-in-plain-env", "secret-in-configmap"];

fn masked<'a>(rule: &str, line: &'a str, column: Option<u32>) -> std::borrow::Cow<'a, str> {
    match column {
        Some(c) if SECRET_VALUE_RULES.contains(&rule) => {
            let keep: String = line.chars().take(c.saturating_sub(1) as usize).collect();
            format!("{keep}****").into()
        }
        _ => line.into(),
    }
}

pub fn render(report: &Report, color: bool) -> String {
    let st = Styles::new(color);
    let mut out = String::new();
    for f in &report.findings {
        let col = f.column.map(|c| format!(":{c}")).unwrap_or_default();
        // `[*]`: `--fix` fixes it (ruff's mark); unsafe fixes are named on the fix line.
        let mark = match f.fix.as_ref().map(|x| x.applicability) {
            Some(Applicability::Safe) => " [*]",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{}: {}{mark} {}",
            st.path.apply_to(format!("{}:{}{col}", f.path, f.line)),
            st.severity(f.severity).apply_to(format!("{}[{}]", f.severity.as_str(), f.rule)),
            f.message
        );
        let source_line = report.sources.line(&f.path, f.line);
        if let Some(line) = source_line {
            let number = f.line.to_string();
            let gutter = " ".repeat(number.len());
            let shown = masked(&f.rule, line, f.column).replace('\t', "    ");
            let _ = writeln!(out, "{} {}", gutter, st.dim.apply_to("|"));
            let _ = writeln!(out, "{} {} {}", st.dim.apply_to(&number), st.dim.apply_to("|"), shown.trim_end());
            if let Some(c) = f.column {
                let pad: String = line
                    .chars()
                    .take(c.saturating_sub(1) as usize)
                    .map(|ch| if ch == '\t' { "    " } else { " " })
                    .collect();
                let _ = writeln!(out, "{} {} {pad}{}", gutter, st.dim.apply_to("|"), st.caret.apply_to("^"));
            }
        }
        if !f.help.is_empty() {
            let gutter = " ".repeat(f.line.to_string().len());
            let _ = writeln!(out, "{gutter} {} {}", st.dim.apply_to("= help:"), f.help);
        }
        if let Some(fix) = &f.fix {
            let gutter = " ".repeat(f.line.to_string().len());
            let how = match fix.applicability {
                Applicability::Safe => "--fix",
                Applicability::Unsafe => "unsafe: --fix --unsafe-fixes",
            };
            let _ = writeln!(out, "{gutter} {} {} ({how})", st.dim.apply_to("= fix:"), fix.title);
        }
        out.push('\n');
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let summary = if report.findings.is_empty() {
        format!("No findings in {}.", plural(report.files, "file"))
    } else {
        let counts: Vec<String> =
            [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")]
                .into_iter()
                .filter(|(s, _)| count(*s) > 0)
                .map(|(s, word)| plural(count(s), word))
                .collect();
        format!(
            "Found {} ({}) in {}.",
            plural(report.findings.len(), "finding"),
            counts.join(", "),
            plural(report.files, "file"),
        )
    };
    let _ = writeln!(out, "{summary}");
    let (safe, unsafe_) = crate::fix::fixable_counts(report);
    if safe + unsafe_ > 0 {
        let more = if unsafe_ > 0 { format!(" ({unsafe_} more with --unsafe-fixes)") } else { String::new() };
        let _ = writeln!(out, "{safe} fixable with --fix{more}.");
    }
    let (unused, excluded): (Vec<_>, Vec<_>) =
        report.skipped.iter().partition(|s| s.reason == crate::lint::discover::UNUSED_BY_KUSTOMIZATION);
    for (list, what, after) in [
        (excluded, "by default exclusions", " (--no-default-excludes lints them)"),
        (unused, "(patches and component files no kustomization build uses)", ""),
    ] {
        if list.is_empty() {
            continue;
        }
        let total: usize = list.iter().map(|s| s.files).sum();
        let shown: Vec<String> = list.iter().take(5).map(|s| format!("{} ({})", s.path, s.files)).collect();
        let more = list.len().saturating_sub(5);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let _ = writeln!(
            out,
            "{}",
            st.dim.apply_to(format!("Skipped {} {what}: {}{more}{after}.", plural(total, "file"), shown.join(", ")))
        );
    }
    out
}
