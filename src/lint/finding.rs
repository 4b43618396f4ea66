//! What the linter reports: a rule, a severity, a place and a message.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

/// Severities, ordered so that `a >= b` means "a is at least as serious as b".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Self::Info),
            "warning" => Some(Self::Warning),
            "error" => Some(Self::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The `--fail-on` threshold: findings at or above it make the run fail (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "never" => Some(Self::Never),
            other => Severity::parse(other).map(Self::At),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            Self::At(threshold) => severity >= threshold,
            Self::Never => false,
        }
    }
}

/// The id of the finding every unreadable or unparseable file becomes.
pub const PARSE_ERROR: &str = "parse-error";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// Relative to the current directory, `/`-separated.
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// The edit that resolves it, when its rule has a fixer and one applies here (attached
    /// after linting, by `crate::fix::attach`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<crate::fix::Fix>>,
    /// What the repository model knew that the fixer needs (not part of the output).
    #[serde(skip)]
    pub hint: Option<Box<crate::fix::hints::Hint>>,
}

impl Finding {
    /// Sort key: by file, then position, then rule, so output is stable across runs.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.path, self.line, self.column.unwrap_or(0), &self.rule)
    }
}

/// How a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// `# paved:ignore RULE -- reason` on or before the line.
    Inline,
    /// `# paved:ignore-file RULE -- reason` anywhere in the file.
    File,
    /// `ignore.paved.dev/RULE: "reason"` annotation on a Kubernetes object.
    Annotation,
    /// A per-path exclusion in the config file.
    Config,
    /// Present in the `--baseline` file.
    Baseline,
}

/// A finding that matched a suppression: not a failure, but kept visible for auditors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
    pub kind: SuppressionKind,
}

/// The source lines findings point at, by file and 1-based line number: what reporters quote
/// and fingerprints hash. Only those lines are kept, never whole files, so a run over a
/// monorepo holds a few lines per finding rather than every file it read.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    lines: HashMap<String, BTreeMap<u32, String>>,
}

impl Sources {
    /// Keeps the lines numbered `wanted` of `text` for `path`.
    pub fn keep(&mut self, path: &str, text: &str, wanted: impl IntoIterator<Item = u32>) {
        let wanted: BTreeSet<u32> = wanted.into_iter().filter(|&n| n > 0).collect();
        let Some(&last) = wanted.last() else { return };
        let kept = self.lines.entry(path.to_string()).or_default();
        for (i, line) in text.lines().enumerate().take(last as usize) {
            let n = i as u32 + 1;
            if wanted.contains(&n) {
                kept.entry(n).or_insert_with(|| line.to_string());
            }
        }
    }

    /// Every line of `text` (for tests and small reports).
    pub fn keep_all(&mut self, path: &str, text: &str) {
        let n = text.lines().count() as u32;
        self.keep(path, text, 1..=n);
    }

    /// Merges lines kept elsewhere (a worker's share of the files).
    pub fn extend(&mut self, other: Sources) {
        for (path, lines) in other.lines {
            let kept = self.lines.entry(path).or_default();
            for (n, line) in lines {
                kept.entry(n).or_insert(line);
            }
        }
    }

    /// The text of line `line` (1-based) of `path`, if kept.
    pub fn line(&self, path: &str, line: u32) -> Option<&str> {
        self.lines.get(path)?.get(&line).map(String::as_str)
    }

    /// Whether every one of `wanted` is kept for `path`.
    pub fn has_all(&self, path: &str, wanted: impl IntoIterator<Item = u32>) -> bool {
        let kept = self.lines.get(path);
        wanted.into_iter().all(|n| n == 0 || kept.is_some_and(|k| k.contains_key(&n)))
    }
}

#[cfg(test)]
mod sources_tests {
    use super::Sources;

    #[test]
    fn keeps_only_the_wanted_lines() {
        let mut s = Sources::default();
        s.keep("a", "one\ntwo\nthree\nfour\n", [3, 1, 9, 0]);
        assert_eq!(s.line("a", 1), Some("one"));
        assert_eq!(s.line("a", 2), None);
        assert_eq!(s.line("a", 3), Some("three"));
        assert_eq!(s.line("a", 9), None);
        assert!(s.has_all("a", [1, 3]));
        assert!(!s.has_all("a", [2]));
        let mut t = Sources::default();
        t.keep_all("b", "x\r\ny");
        s.extend(t);
        assert_eq!(s.line("b", 1), Some("x"));
        assert_eq!(s.line("b", 2), Some("y"));
    }
}
