//! One reporter per output format, each a pure function from a lint [`Report`] to text.

pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod merge;
pub mod sarif;
pub mod statistics;

use crate::lint::Report;

/// Where each rule's documentation lives: a rule's page is `{RULES_DOC_URL}#{rule-id}`.
pub const RULES_DOC_URL: &str = "https://github.com/paved-dev/paved/blob/main/docs/rules.md";

/// The project's home page, for formats that name the tool.
pub const HOMEPAGE_URL: &str = "https://github.com/paved-dev/paved";

/// The stable documentation anchor of one rule.
pub fn rule_doc_url(rule: &str) -> String {
    format!("{RULES_DOC_URL}#{rule}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Html,
}

impl Format {
    /// Every `--format` value, in the order help and error messages list them.
    pub const NAMES: [&'static str; 7] = ["human", "json", "sarif", "junit", "github", "gitlab", "html"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "human" => Some(Self::Human),
            "json" => Some(Self::Json),
            "sarif" => Some(Self::Sarif),
            "junit" => Some(Self::Junit),
            "github" => Some(Self::Github),
            "gitlab" => Some(Self::Gitlab),
            "html" => Some(Self::Html),
            _ => None,
        }
    }
}

/// `color` applies to the human format only; machine formats never carry escape codes.
pub fn render(format: Format, report: &Report, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Github => github::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Html => html::render(report),
    }
}
