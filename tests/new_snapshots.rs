//! Snapshots of what `paved new` writes: the whole tree for the defaults, and for every option
//! that changes output, the difference from the defaults (so a reviewer reads only what the
//! option changes). The Go version is fixed so the snapshots do not depend on the machine.

mod common;

use std::collections::BTreeMap;

use similar::TextDiff;

fn tree(extra: &[&str]) -> BTreeMap<String, String> {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["--go-version", "1.26.8"];
    if !extra.contains(&"--module") {
        args.extend(["--module", "github.com/acme/orders"]);
    }
    if extra.contains(&"--go-version") {
        args.drain(..2);
    }
    args.extend_from_slice(extra);
    common::read_tree(&common::generate(tmp.path(), "orders", &args))
}

fn render_tree(files: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (path, text) in files {
        out.push_str(&format!("===== {path} =====\n{text}"));
        if !text.ends_with('\n') {
            out.push_str("\n[no newline at end of file]\n");
        }
    }
    out
}

fn render_diff(base: &BTreeMap<String, String>, variant: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> = base.keys().chain(variant.keys()).collect();
    for path in paths {
        match (base.get(path), variant.get(path)) {
            (Some(_), None) => out.push_str(&format!("----- removed {path}\n")),
            (None, Some(text)) => out.push_str(&format!("+++++ added {path}\n{text}")),
            (Some(a), Some(b)) if a != b => {
                out.push_str(&format!("***** changed {path}\n"));
                out.push_str(&TextDiff::from_lines(a, b).unified_diff().context_radius(1).to_string());
            }
            _ => {}
        }
    }
    out
}

#[test]
fn default_tree() {
    let files = tree(&[]);
    common::snapshot_settings().bind(|| insta::assert_snapshot!("new_default", render_tree(&files)));
}

#[test]
fn variants_differ_from_default_only_where_expected() {
    let base = tree(&[]);
    let variants: &[(&str, &[&str])] = &[
        ("new_ci_gitlab", &["--ci", "gitlab"]),
        ("new_ci_both", &["--ci", "both"]),
        ("new_ci_none", &["--ci", "none"]),
        ("new_no_helm", &["--no-helm"]),
        ("new_deploy_none", &["--deploy", "none"]),
        (
            "new_port_module_registry",
            &[
                "--port",
                "9090",
                "--module",
                "example.com/platform/billing",
                "--registry",
                "registry.example.com:5000/platform",
            ],
        ),
        ("new_go_minor", &["--go-version", "1.24"]),
    ];
    for (name, extra) in variants {
        let diff = render_diff(&base, &tree(extra));
        assert!(!diff.is_empty(), "{name}: the option changed nothing");
        common::snapshot_settings().bind(|| insta::assert_snapshot!(*name, diff));
    }
}
