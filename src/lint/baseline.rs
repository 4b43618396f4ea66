//! Baselines for adopting paved on an existing repository: `--write-baseline FILE` records the
//! current findings, `--baseline FILE` reports only findings not recorded (the recorded ones
//! are kept as suppressed, with kind `baseline`).
//!
//! A finding's fingerprint hashes its rule, path, the trimmed text of its source line and its
//! occurrence index among findings with the same three, never its line number: adding lines
//! above a finding does not make it new.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::finding::{Finding, Sources};

fn line_text<'a>(sources: &'a Sources, f: &Finding) -> &'a str {
    sources.line(&f.path, f.line).map_or("", str::trim)
}

/// SHA-256 (hex) of a finding's rule, path and trimmed source line: its identity without the
/// line number. Reporters build their fingerprints (SARIF, GitLab) on it too.
pub fn identity_hash(rule: &str, path: &str, line_text: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, path, line_text.trim()] {
        h.update(part.as_bytes());
        // A separator that cannot occur in any part keeps ("a", "bc") and ("ab", "c") apart.
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Stable fingerprints of `findings`, in order: the identity hash and the occurrence index
/// among findings with the same identity.
pub fn fingerprints<'a>(findings: impl IntoIterator<Item = &'a Finding>, sources: &Sources) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .into_iter()
        .map(|f| {
            let hash = identity_hash(&f.rule, &f.path, line_text(sources, f));
            let n = seen.entry(hash.clone()).or_insert(0);
            *n += 1;
            format!("{}:{n}", &hash[..32])
        })
        .collect()
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    rule: String,
    path: String,
    fingerprint: String,
    message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

pub fn write(path: &Path, findings: &[&Finding], sources: &Sources) -> Result<()> {
    let prints = fingerprints(findings.iter().copied(), sources);
    let entries = findings
        .iter()
        .zip(prints)
        .map(|(f, fingerprint)| Entry {
            rule: f.rule.clone(),
            path: f.path.clone(),
            fingerprint,
            message: f.message.clone(),
        })
        .collect();
    let text = serde_json::to_string_pretty(&File { version: 1, findings: entries })? + "\n";
    std::fs::write(path, text).with_context(|| format!("cannot write baseline {}", path.display()))
}

pub fn load(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read baseline {}", path.display()))?;
    let file: File =
        serde_json::from_str(&text).with_context(|| format!("{} is not a paved baseline file", path.display()))?;
    if file.version != 1 {
        bail!("{}: baseline version {} is not supported (expected 1)", path.display(), file.version);
    }
    Ok(file.findings.into_iter().map(|e| e.fingerprint).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::finding::Severity;

    fn f(line: u32) -> Finding {
        Finding {
            rule: "r".into(),
            severity: Severity::Error,
            path: "p".into(),
            line,
            column: None,
            message: "m".into(),
            help: String::new(),
            fix: None,
            hint: None,
        }
    }

    #[test]
    fn fingerprints_survive_line_shifts_and_tell_duplicates_apart() {
        let (mut a, mut b) = (Sources::default(), Sources::default());
        a.keep_all("p", "x\n  image: nginx\nimage: nginx\n");
        b.keep_all("p", "new\nnew\nx\n  image: nginx\nimage: nginx\n");
        let before = fingerprints(&[f(2), f(3)], &a);
        let after = fingerprints(&[f(4), f(5)], &b);
        assert_eq!(before, after);
        assert_ne!(before[0], before[1], "two identical lines get distinct fingerprints");
    }
}
