//! `--format github`: GitHub Actions workflow commands, one line per finding
//! (`::error file=PATH,line=L,col=C,title=RULE::MESSAGE`), which the runner turns into
//! annotations on the pull request's diff. `::warning` for warnings, `::notice` for info.
//! Suppressed findings are not printed. GitHub shows at most 10 annotations of each level per
//! step: SARIF upload is the format for large reports.

use crate::lint::Report;
use crate::lint::finding::Severity;

/// Escapes a command's message (GitHub's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property value (GitHub's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let col = f.column.map(|c| format!(",col={c}")).unwrap_or_default();
        // The fix rides along: the annotation is all a pull request author sees.
        let message = if f.help.is_empty() { f.message.clone() } else { format!("{}\n\nhelp: {}", f.message, f.help) };
        out.push_str(&format!(
            "::{} file={},line={}{col},title={}::{}\n",
            command(f.severity),
            escape_property(&f.path),
            f.line,
            escape_property(&f.rule),
            escape_data(&message),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
