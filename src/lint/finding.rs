//! What the linter reports: a rule, a severity, a place and a message.

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
