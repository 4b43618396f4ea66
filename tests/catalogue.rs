//! The rule catalogue is complete and its published form is current: every Rego rule has its
//! METADATA and a `_test.rego` beside it, ids are unique kebab-case, and `docs/rules.md` is
//! exactly what `paved rules --format markdown` prints (regenerate it with that command).

use std::collections::HashSet;
use std::path::Path;

use paved::lint::{catalogue, engine::Engine, policy};

#[test]
fn every_rule_file_has_tests_and_complete_metadata() {
    let files = policy::builtin_files();
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut rules = 0;
    for f in &files {
        if let Some(meta) = policy::rule_meta(f, true).unwrap() {
            rules += 1;
            let test = f.path.replace(".rego", "_test.rego");
            assert!(paths.contains(test.as_str()), "{} has no {test}", f.path);
            let stem = Path::new(&f.path).file_stem().unwrap().to_str().unwrap();
            assert_eq!(stem.replace('_', "-"), meta.id, "{}: file name and rule id differ", f.path);
            assert_eq!(meta.package, format!("paved.rules.{stem}"), "{}", f.path);
        }
    }
    assert_eq!(rules, Engine::load(&[]).unwrap().rules().len());
}

#[test]
fn ids_are_unique() {
    let all = catalogue::all(Engine::load(&[]).unwrap().rules());
    let ids: HashSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), all.len());
}

#[test]
fn docs_rules_md_is_current() {
    let expected = catalogue::markdown(&catalogue::all(Engine::load(&[]).unwrap().rules()));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md` and commit it"
    );
}
