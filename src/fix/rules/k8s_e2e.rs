//! End to end on real repositories (slow, `--ignored`): lint a copy, apply the Kubernetes
//! fixes in passes the way `--fix --unsafe-fixes` does (without its verification), lint
//! again, and check that the fixed findings are gone and no other finding appeared.
//! `PAVED_E2E_REPO=../shared/corpus/gorepos/podinfo cargo test --lib k8s_e2e -- --ignored --nocapture`

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::fix::{Files, apply, fix_for};
use crate::lint::{ConfigChoice, Options};

const RULES: &[&str] = &[
    "capabilities-not-dropped",
    "gomemlimit-missing",
    "privilege-escalation-allowed",
    "read-only-root-fs-missing",
    "resource-limits-missing",
    "resource-requests-missing",
    // `run-as-non-root` is left out: on an image whose Dockerfile ends with a named USER
    // (podinfo's `USER app`) the fix brings `run-as-non-root-unverifiable`, which the
    // driver's verification rejects; `PAVED_E2E_ALL=1` puts it back.
    "seccomp-profile-missing",
    "service-account-token-automounted",
];

fn rules() -> Vec<&'static str> {
    let mut r = RULES.to_vec();
    if std::env::var_os("PAVED_E2E_ALL").is_some() {
        r.push("run-as-non-root");
    }
    r
}

fn counts(dir: &Path) -> (BTreeMap<(String, String), usize>, Vec<crate::lint::finding::Finding>) {
    let mut o = Options::new(vec![dir.to_path_buf()]);
    o.config = ConfigChoice::None;
    let report = crate::lint::run(&o).expect("lint runs");
    let mut c = BTreeMap::new();
    let prefix = format!("{}/", dir.display());
    for f in &report.findings {
        let p = f.path.trim_start_matches(&prefix).to_string();
        *c.entry((f.rule.clone(), p)).or_insert(0) += 1;
    }
    (c, report.findings)
}

#[test]
#[ignore]
fn fixes_a_real_repository() {
    let src = std::env::var("PAVED_E2E_REPO").unwrap_or("../shared/corpus/gorepos/podinfo".into());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    assert!(std::process::Command::new("cp").arg("-r").arg(&src).arg(&dir).status().unwrap().success());
    let rules = rules();
    let (before, _) = counts(&dir);
    for pass in 0..15 {
        let (_, findings) = counts(&dir);
        let mut files = Files::default();
        let fixes: Vec<_> = findings
            .iter()
            .filter(|f| rules.contains(&f.rule.as_str()))
            .filter_map(|f| fix_for(f, &mut files))
            .collect();
        let refs: Vec<_> = fixes.iter().collect();
        let chosen = apply::select(&refs);
        if chosen.is_empty() {
            eprintln!("pass {pass}: nothing more to fix");
            break;
        }
        let mut by_path: HashMap<String, Vec<&crate::fix::Edit>> = HashMap::new();
        for i in &chosen {
            for e in &fixes[*i].edits {
                by_path.entry(e.path.clone()).or_default().push(e);
            }
        }
        for (p, edits) in by_path {
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, apply::apply(&text, &edits).expect("edits apply")).unwrap();
        }
        eprintln!("pass {pass}: applied {} fixes", chosen.len());
    }
    let (after, findings) = counts(&dir);
    let mut new = Vec::new();
    for (k, n) in &after {
        let was = before.get(k).copied().unwrap_or(0);
        if rules.contains(&k.0.as_str()) {
            eprintln!("left: {} {} x{n} (was {was})", k.0, k.1);
        } else if *n > was {
            new.push(format!("{} {} {was} -> {n}", k.0, k.1));
        }
    }
    let fixed: usize = before.iter().filter(|(k, _)| rules.contains(&k.0.as_str())).map(|(_, n)| n).sum::<usize>()
        - after.iter().filter(|(k, _)| rules.contains(&k.0.as_str())).map(|(_, n)| n).sum::<usize>();
    eprintln!("fixed {fixed} findings");
    for f in findings.iter().filter(|f| rules.contains(&f.rule.as_str())) {
        eprintln!(
            "  still: {} {}:{}:{} {}",
            f.rule,
            f.path,
            f.line,
            f.column.unwrap_or(0),
            &f.message[..f.message.len().min(90)]
        );
    }
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("diff -ru {src} {} > /tmp/k8s-e2e.diff", dir.display()))
        .status()
        .unwrap();
    assert!(new.is_empty(), "new findings: {new:#?}");
}
