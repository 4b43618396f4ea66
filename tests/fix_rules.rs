//! Every fixer on its rule's `fire` fixture (`tests/fixtures/rules/<rule>/fire`; the probe
//! fixers on `tests/fixtures/fix/probes`, where the Go code and the image are linked;
//! `tests/fixtures/fix/<rule>` where every `fire` finding is an explicit choice the fixer
//! leaves alone, like `runAsNonRoot: false`): the `--diff --unsafe-fixes` output is an insta
//! snapshot (`snapshots/fix@<rule>.snap`, reviewed like code), and after `--fix --unsafe-fixes` every finding of the rule that had a fix is
//! gone, no finding is new, and every changed YAML file still parses.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{lint_json, paved, read_tree, run, snapshot_settings, text};

fn fixture(rule: &str) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    match rule {
        "liveness-probe-missing" | "readiness-probe-missing" => root.join("fix/probes"),
        // The `fire` fixture's findings are all explicit choices the fixer leaves alone.
        _ if root.join("fix").join(rule).is_dir() => root.join("fix").join(rule),
        _ => root.join("rules").join(rule).join("fire"),
    }
}

fn by_rule_and_path(v: &serde_json::Value) -> HashMap<(String, String), usize> {
    let mut m = HashMap::new();
    for f in v["findings"].as_array().unwrap() {
        *m.entry((f["rule"].as_str().unwrap().to_string(), f["path"].as_str().unwrap().to_string())).or_default() += 1;
    }
    m
}

#[test]
fn every_fixer_on_its_fixture() {
    for fixer in paved::fix::rules::FIXERS {
        let rule = fixer.rule;
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("repo");
        let out = run(std::process::Command::new("cp").arg("-a").arg(fixture(rule)).arg(&d));
        assert!(out.status.success(), "{}", text(&out));

        let before = lint_json(&d, &[]);
        let fixable =
            before["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule && f["fix"].is_object()).count();
        assert!(fixable > 0, "{rule}: its fixture has no fixable finding: {before:#}");

        // The rule alone (every other rule `off`), so the snapshot shows this fixer's edits; the
        // lint after the fix runs every rule.
        let config = tmp.path().join("only.yaml");
        let others: String = paved::lint::catalogue::all(paved::lint::engine::Engine::load(&[]).unwrap().rules())
            .iter()
            .filter(|r| r.id != rule)
            .map(|r| format!("  {}: off\n", r.id))
            .collect();
        std::fs::write(&config, format!("rules:\n{others}")).unwrap();
        let only = ["lint", "--config", config.to_str().unwrap()];
        let diff = run(paved().current_dir(&d).args(only).args(["--diff", "--unsafe-fixes"]));
        assert_eq!(diff.status.code(), Some(1), "{rule}: {}", text(&diff));
        let patch = String::from_utf8_lossy(&diff.stdout).into_owned();
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("fix@{rule}"), patch));

        let tree = read_tree(&d);
        let out = run(paved().current_dir(&d).args(only).args(["--fix", "--unsafe-fixes"]));
        assert!(matches!(out.status.code(), Some(0 | 1)), "{rule}: {}", text(&out));
        let after = lint_json(&d, &[]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed "), "{rule}: {}", text(&out));
        let left: Vec<&serde_json::Value> = after["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule && f["fix"].is_object())
            .collect();
        assert!(left.is_empty(), "{rule}: fixable findings left: {left:#?}\n{}", text(&out));
        let still = after["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).count();
        let had = before["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).count();
        assert_eq!(still, had - fixable, "{rule}: {} of {fixable} fixable findings were fixed", had - still);
        let (b, a) = (by_rule_and_path(&before), by_rule_and_path(&after));
        for (k, n) in &a {
            assert!(*n <= b.get(k).copied().unwrap_or(0), "{rule}: a new {k:?} finding after the fix");
        }
        for (path, new) in read_tree(&d) {
            // Chart templates are not YAML; the chart's render is linted again above.
            let yaml = (path.ends_with(".yaml") || path.ends_with(".yml")) && !path.contains("templates/");
            if tree.get(&path) != Some(&new) && yaml {
                assert!(
                    paved::parse::yaml::parse_stream(&new, &paved::parse::yaml::Limits::default()).is_ok(),
                    "{rule}: {path} no longer parses:\n{new}"
                );
            }
        }
    }
}
