//! Fingerprints that follow a finding when the lines above it move: SARIF's
//! `primaryLocationLineHash` (GitHub code scanning matches alerts across commits with it) and
//! GitLab Code Quality's `fingerprint` (it diffs the base and head reports with it).
//!
//! A finding is identified by its rule, its path, the text of its source line with the
//! surrounding whitespace trimmed, and its occurrence index among the findings sharing those
//! three (in position order), so two identical lines in one file stay distinct. Line and column
//! numbers and the message wording are left out on purpose: inserting lines above a finding or
//! rewording a message must not turn an old alert into a new one. Suppressed findings are counted
//! too, so suppressing one finding does not renumber its siblings.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::lint::Report;
use crate::lint::finding::Finding;

/// The identity of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// SHA-256 of rule, path and trimmed line text, as lowercase hex.
    hash: String,
    /// 1-based index among the findings with the same hash.
    occurrence: usize,
}

impl Key {
    /// SARIF `partialFingerprints.primaryLocationLineHash`, in GitHub's `HASH:OCCURRENCE` shape.
    pub fn line_hash(&self) -> String {
        format!("{}:{}", &self.hash[..16], self.occurrence)
    }

    /// GitLab Code Quality `fingerprint`: 32 hex digits (the length of the MD5 hashes GitLab's
    /// own examples use), unique per finding.
    pub fn fingerprint(&self) -> String {
        let mut text = hex(&Sha256::digest(format!("{}:{}", self.hash, self.occurrence)));
        text.truncate(32);
        text
    }
}

/// Keys for `report.findings` and `report.suppressed`, index for index.
pub struct Keys {
    pub findings: Vec<Key>,
    pub suppressed: Vec<Key>,
}

/// The text of `finding`'s line in its source, when the report holds the file.
pub fn source_line<'a>(report: &'a Report, finding: &Finding) -> Option<&'a str> {
    report.sources.line(&finding.path, finding.line)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base_hash(report: &Report, finding: &Finding) -> String {
    crate::lint::baseline::identity_hash(&finding.rule, &finding.path, source_line(report, finding).unwrap_or(""))
}

pub fn compute(report: &Report) -> Keys {
    // Every finding, reported or suppressed, in position order; the message breaks ties
    // between findings of one rule at one position so the order never depends on input order.
    let mut all: Vec<(bool, usize, &Finding)> = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| (false, i, f))
        .chain(report.suppressed.iter().enumerate().map(|(i, s)| (true, i, &s.finding)))
        .collect();
    all.sort_by(|a, b| a.2.sort_key().cmp(&b.2.sort_key()).then_with(|| a.2.message.cmp(&b.2.message)));

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut findings = vec![None; report.findings.len()];
    let mut suppressed = vec![None; report.suppressed.len()];
    for (is_suppressed, index, finding) in all {
        let hash = base_hash(report, finding);
        let count = seen.entry(hash.clone()).or_insert(0);
        *count += 1;
        let key = Key { hash, occurrence: *count };
        if is_suppressed {
            suppressed[index] = Some(key);
        } else {
            findings[index] = Some(key);
        }
    }
    Keys {
        findings: findings.into_iter().map(|k| k.expect("every finding has a key")).collect(),
        suppressed: suppressed.into_iter().map(|k| k.expect("every suppressed finding has a key")).collect(),
    }
}
