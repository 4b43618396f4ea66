//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and most security dashboards
//! ingest. One run; the driver lists every rule of the catalogue (not only the ones that fired)
//! plus `parse-error`, so a dashboard can show what was checked. Suppressed findings are results
//! with a `suppressions` entry, so auditors see them. Artifact URIs are relative to
//! `%SRCROOT%`, the directory paved ran in: run it from the repository root for GitHub.
//!
//! Hand-written structs, about ten: serde-sarif 0.8 has a packaging bug, and we need little of
//! the spec. `tests/report_formats.rs` validates the output against the official schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::fingerprint::{self, Key};
use super::{HOMEPAGE_URL, rule_doc_url};
use crate::lint::finding::{Finding, PARSE_ERROR, Severity, SuppressionKind};
use crate::lint::policy::RuleMeta;
use crate::lint::{Report, catalogue};

pub const SCHEMA_URL: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    /// Columns count characters (what the parsers report), not SARIF's default UTF-16 units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// SARIF's `message` and `multiformatMessageString`.
#[derive(Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Text {
    fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), markdown: None }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    /// GitHub shows it (as critical/high/medium/low) for rules tagged `security`.
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    /// With `--baseline`: `unchanged` for results the baseline holds, `new` for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

/// A fix as SARIF 2.1.0 §3.55 has it: changes per artifact, each a deleted region and the
/// content inserted there (an insertion deletes an empty region).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text,
    artifact_changes: Vec<ArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: DeletedRegion,
    inserted_content: InsertedContent<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct InsertedContent<'a> {
    text: &'a str,
}

fn sarif_fix(fix: &crate::fix::Fix) -> SarifFix<'_> {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    for e in &fix.edits {
        let replacement = Replacement {
            deleted_region: DeletedRegion {
                start_line: e.start_line,
                start_column: e.start_column,
                end_line: e.end_line,
                end_column: e.end_column,
            },
            inserted_content: InsertedContent { text: &e.replacement },
        };
        let uri = uri_of(&e.path);
        match changes.last_mut() {
            Some(c) if c.artifact_location.uri.as_deref() == Some(uri.as_str()) => c.replacements.push(replacement),
            _ => changes.push(ArtifactChange {
                artifact_location: ArtifactLocation { uri: Some(uri), uri_base_id: Some(SRCROOT), description: None },
                replacements: vec![replacement],
            }),
        }
    }
    SarifFix { description: Text::plain(&fix.title), artifact_changes: changes }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn suppression_kind(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Inline | SuppressionKind::File | SuppressionKind::Annotation => "inSource",
        SuppressionKind::Config | SuppressionKind::Baseline => "external",
    }
}

/// `image-latest-tag` → `ImageLatestTag`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect()
}

/// A relative path as a URI reference: unreserved characters and `/` stay, everything else
/// (spaces, `%`, `#`, `:` that would read as a scheme, non-ASCII) is percent-encoded.
fn uri_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A rule that fired but is in no catalogue (a custom stage's finding): described by its id,
/// so every result still has a rule.
fn unknown_rule(id: &str, severity: Severity) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        severity,
        title: id.to_string(),
        description: id.to_string(),
        rationale: String::new(),
        fix: String::new(),
        package: String::new(),
        file: String::new(),
        builtin: false,
        extra: BTreeMap::new(),
    }
}

/// Markdown for the `examples: {bad, good}` of a rule's metadata, when it has them.
fn examples_markdown(meta: &RuleMeta) -> String {
    let mut md = String::new();
    let Some(examples) = meta.extra.get("examples").and_then(|v| v.as_object()) else { return md };
    for (label, key) in [("Bad", "bad"), ("Good", "good")] {
        if let Some(code) = examples.get(key).and_then(|v| v.as_str()) {
            md.push_str(&format!("\n\n**{label}:**\n\n```\n{}\n```", code.trim_end()));
        }
    }
    md
}

fn descriptor(meta: &RuleMeta) -> Rule {
    let mut tags = Vec::new();
    if let Some(area) = meta.file.strip_prefix("policies/").and_then(|rest| rest.split_once('/')) {
        // `policies/<area>/<rule>.rego`: the area names what the rule looks at.
        tags.push(area.0.to_string());
    }
    if !meta.builtin {
        tags.push("custom".to_string());
    }
    // `custom: {tags: [security]}` in a rule's METADATA makes GitHub file it as a security alert.
    if let Some(extra) = meta.extra.get("tags").and_then(|v| v.as_array()) {
        tags.extend(extra.iter().filter_map(|t| t.as_str()).map(str::to_string));
    }
    tags.sort();
    tags.dedup();
    let precision = match meta.extra.get("precision").and_then(|v| v.as_str()) {
        Some("very-high") => "very-high",
        Some("medium") => "medium",
        Some("low") => "low",
        _ => "high",
    };

    let help_uri = rule_doc_url(&meta.id);
    let mut text = meta.rationale.clone();
    let mut markdown = meta.rationale.clone();
    if !meta.fix.is_empty() {
        let sep = if text.is_empty() { "" } else { "\n\n" };
        text.push_str(&format!("{sep}Fix: {}", meta.fix));
        markdown.push_str(&format!("{sep}**Fix:** {}", meta.fix));
    }
    markdown.push_str(&examples_markdown(meta));
    let sep = if markdown.is_empty() { "" } else { "\n\n" };
    markdown.push_str(&format!("{sep}[Documentation]({help_uri})"));
    if text.is_empty() {
        text = format!("See {help_uri}");
    }
    Rule {
        id: meta.id.clone(),
        name: pascal_case(&meta.id),
        short_description: Text::plain(&meta.title),
        full_description: Text::plain(&meta.description),
        help: Text { text, markdown: Some(markdown) },
        help_uri,
        default_configuration: Configuration { level: level(meta.severity) },
        properties: RuleProperties { tags, security_severity: security_severity(meta.severity), precision },
    }
}

/// The driver's rules: the report's catalogue in its order (`parse-error` added if it lacks
/// it), then any other rule id that fired (sorted), with each id's index.
fn rules(report: &Report) -> (Vec<Rule>, HashMap<String, usize>) {
    let mut rules: Vec<Rule> = report.rules.iter().map(descriptor).collect();
    if !report.rules.iter().any(|r| r.id == PARSE_ERROR) {
        rules.extend(catalogue::internal_rules().iter().filter(|r| r.id == PARSE_ERROR).map(descriptor));
    }
    let known: BTreeSet<String> = rules.iter().map(|r| r.id.clone()).collect();
    let fired = report.findings.iter().chain(report.suppressed.iter().map(|s| &s.finding));
    let mut unknown: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in fired.filter(|f| !known.contains(&f.rule)) {
        unknown.entry(&f.rule).or_insert(f.severity);
    }
    rules.extend(unknown.into_iter().map(|(id, severity)| descriptor(&unknown_rule(id, severity))));
    let index = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    (rules, index)
}

fn result<'a>(
    report: &Report,
    finding: &'a Finding,
    key: &Key,
    index: &HashMap<String, usize>,
    suppression: Option<Suppression<'a>>,
    in_baseline: bool,
) -> SarifResult<'a> {
    // The snippet is exactly the region: from the column (in characters) to the end of the line.
    let snippet = fingerprint::source_line(report, finding).map(|line| {
        let skip = finding.column.map_or(0, |c| c.saturating_sub(1) as usize);
        Text::plain(line.chars().skip(skip).collect::<String>())
    });
    SarifResult {
        rule_id: &finding.rule,
        rule_index: index[&finding.rule],
        level: level(finding.severity),
        message: Text::plain(&finding.message),
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: Some(uri_of(&finding.path)),
                    uri_base_id: Some(SRCROOT),
                    description: None,
                },
                region: Region { start_line: finding.line.max(1), start_column: finding.column, snippet },
            },
        }],
        partial_fingerprints: BTreeMap::from([("primaryLocationLineHash", key.line_hash())]),
        suppressions: suppression.into_iter().collect(),
        fixes: finding.fix.iter().map(|f| sarif_fix(f)).collect(),
        baseline_state: report.baseline.as_ref().map(|_| if in_baseline { "unchanged" } else { "new" }),
    }
}

pub fn render(report: &Report) -> String {
    let (rules, index) = rules(report);
    let keys = fingerprint::compute(report);

    let mut results: Vec<(&Finding, SarifResult)> = report
        .findings
        .iter()
        .zip(&keys.findings)
        .map(|(f, key)| (f, result(report, f, key, &index, None, false)))
        .collect();
    for (s, key) in report.suppressed.iter().zip(&keys.suppressed) {
        let suppression = Suppression { kind: suppression_kind(s.kind), justification: &s.reason };
        let in_baseline = s.kind == SuppressionKind::Baseline;
        results.push((&s.finding, result(report, &s.finding, key, &index, Some(suppression), in_baseline)));
    }
    // Reported and suppressed results interleaved in position order, as a reader expects.
    results.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));

    let notifications = report
        .policy_errors
        .iter()
        .map(|e| Notification { level: "error", message: Text::plain(e) })
        .collect::<Vec<_>>();
    let log = Log {
        schema: SCHEMA_URL,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "paved",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: HOMEPAGE_URL,
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: None,
                    uri_base_id: None,
                    description: Some(Text::plain(
                        "The directory paved lint ran in; every artifact URI is relative to it.",
                    )),
                },
            )]),
            column_kind: "unicodeCodePoints",
            results: results.into_iter().map(|(_, r)| r).collect(),
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("image-latest-tag"), "ImageLatestTag");
        assert_eq!(pascal_case("parse-error"), "ParseError");
        assert_eq!(uri_of("deploy/my app/ä%.yaml"), "deploy/my%20app/%C3%A4%25.yaml");
        assert_eq!(uri_of("c:x"), "c%3Ax");
    }
}
