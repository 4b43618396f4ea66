//! paved's in-process Kustomize build against the real `kustomize build` (v5.8.0, installed by
//! scripts/setup-test-tools.sh): for every kustomization root of the shared corpus (kubebuilder
//! projects, the Go repositories, microservices-demo) and of `tests/fixtures/kustomize/`, the
//! objects must be the same, in the same order. A root `kustomize` refuses must be refused by
//! paved too (a `kustomize-build-error` or, for a strategic-merge patch that matches nothing,
//! `kustomize-patch-unmatched` problem; `tests/fixtures/kustomize/errors/`). Builds run with `--enable-helm` (the helm
//! CLI, also installed by the setup script, inflates `helmCharts:`). Every known difference is listed in
//! [`KNOWN_GAPS`] with its reason and must still differ.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use paved::kustomize;
use paved::parse::yaml;
use serde_json::Value as Json;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kustomize");

struct Gap {
    /// The root, relative to the corpus or fixtures directory (`corpus/...`, `fixtures/...`).
    root: &'static str,
    reason: &'static str,
}

const KNOWN_GAPS: &[Gap] = &[];

/// Roots that are not compared: they need what the oracle cannot have here.
const NOT_COMPARED: &[(&str, &str)] =
    &[("fixtures/lint/remote", "names a remote base: kustomize would fetch it (no network here), paved never does")];

fn kustomization_dirs(top: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![top.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if kustomize::is_kustomize_config(&dir) {
            out.push((dir.clone(), dir.display().to_string()));
        }
        let mut subdirs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name() != ".git")
            .map(|e| e.path())
            .collect();
        subdirs.sort();
        stack.extend(subdirs.into_iter().rev());
    }
    out.sort();
    out
}

fn label(path: &Path) -> String {
    let p = std::fs::canonicalize(path).unwrap();
    for (prefix, top) in [("corpus", CORPUS), ("fixtures", FIXTURES)] {
        if let Ok(rel) = p.strip_prefix(std::fs::canonicalize(top).unwrap()) {
            return format!("{prefix}/{}", rel.display());
        }
    }
    p.display().to_string()
}

fn paved_build(dir: &Path, top: &Path) -> (Vec<Json>, Vec<String>) {
    let roots = [std::fs::canonicalize(top).unwrap()];
    let show = |p: &Path| p.display().to_string();
    let built = kustomize::build(dir, &kustomize::Options { roots: &roots, display: &show });
    let docs = built.resources.iter().map(|r| r.node.to_json()).collect();
    let errors = built
        .problems
        .iter()
        // kustomize fails on these; paved reports them and builds the rest.
        .filter(|p| matches!(p.kind, kustomize::ProblemKind::BuildError | kustomize::ProblemKind::PatchUnmatched))
        .map(|p| format!("{}:{}: {}", built.files.display(p.src), p.pos.line, p.message))
        .collect();
    (docs, errors)
}

fn kustomize_build(bin: &Path, helm: &Path, dir: &Path) -> Result<Vec<Json>, String> {
    let out = common::run(Command::new(bin).arg("build").arg("--enable-helm").arg("--helm-command").arg(helm).arg(dir));
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let docs = yaml::parse_stream(&text, &yaml::Limits::default()).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().filter(|d| !d.root.is_null()).map(|d| d.root.to_json()).collect())
}

fn id(d: &Json) -> String {
    let m = &d["metadata"];
    format!(
        "{} {}/{}",
        d["kind"].as_str().unwrap_or("?"),
        m["namespace"].as_str().unwrap_or(""),
        m["name"].as_str().unwrap_or("?")
    )
}

/// The first differences between two JSON values, as pointer paths.
fn diff(a: &Json, b: &Json, path: String, out: &mut Vec<String>) {
    if out.len() >= 6 {
        return;
    }
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => diff(v, w, format!("{path}/{k}"), out),
                    (Some(v), None) => out.push(format!("{path}/{k}: only paved: {}", short(v))),
                    (None, Some(w)) => out.push(format!("{path}/{k}: only kustomize: {}", short(w))),
                    (None, None) => {}
                }
            }
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: paved {} kustomize {}", short(a), short(b))),
        _ => {}
    }
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.len() > 160 { format!("{}…", &s[..160]) } else { s }
}

/// What differs between paved's and kustomize's objects (empty: the same).
fn differences(paved: &[Json], oracle: &[Json]) -> Vec<String> {
    let ids = |d: &[Json]| d.iter().map(id).collect::<Vec<_>>();
    if ids(paved) != ids(oracle) {
        return vec![format!("objects differ:\n  paved     {:?}\n  kustomize {:?}", ids(paved), ids(oracle))];
    }
    let mut out = Vec::new();
    for (p, o) in paved.iter().zip(oracle) {
        let mut d = Vec::new();
        diff(p, o, String::new(), &mut d);
        out.extend(d.into_iter().map(|l| format!("{}: {l}", id(o))));
    }
    out
}

#[test]
fn every_root_builds_as_kustomize_builds_it() {
    let Some(bin) = common::require_tool("kustomize") else { return };
    // `helmCharts:` run the helm CLI (kustomize build --enable-helm).
    let Some(helm) = common::require_tool("helm") else { return };
    let mut cases = Vec::new();
    for top in [CORPUS, FIXTURES] {
        let (roots, _) = paved::lint::kustomize::roots(&kustomization_dirs(Path::new(top)));
        cases.extend(roots.into_iter().map(|(d, _)| (d, PathBuf::from(top))));
    }
    // 37 roots in the corpus, the rest in the fixtures.
    assert!(cases.len() >= 65, "expected the corpus's and fixtures' kustomization roots, found {}", cases.len());
    let mut failures = Vec::new();
    let mut gaps_seen = Vec::new();
    let mut same = 0;
    let mut refused = 0;
    for (dir, top) in &cases {
        let label = label(dir);
        if NOT_COMPARED.iter().any(|(l, _)| *l == label) {
            continue;
        }
        let (paved, errors) = paved_build(dir, top);
        let problems = match kustomize_build(&bin, &helm, dir) {
            Err(e) if errors.is_empty() => vec![format!("kustomize refuses it, paved builds it: {}", e.trim())],
            Err(_) => {
                refused += 1;
                Vec::new()
            }
            Ok(_) if !errors.is_empty() => vec![format!("paved refuses it, kustomize builds it: {errors:?}")],
            Ok(oracle) => differences(&paved, &oracle),
        };
        let gap = KNOWN_GAPS.iter().find(|g| g.root == label);
        match (gap, problems.is_empty()) {
            (None, true) => same += 1,
            (None, false) => failures.push(format!("{label}:\n    {}", problems.join("\n    "))),
            (Some(g), false) => gaps_seen.push(g.root),
            (Some(g), true) => {
                failures.push(format!("{label}: listed as a known gap ({}) but now the same: remove it", g.reason))
            }
        }
    }
    for g in KNOWN_GAPS {
        assert!(
            gaps_seen.contains(&g.root) || failures.iter().any(|f| f.starts_with(g.root)),
            "known gap {} was not built",
            g.root
        );
    }
    assert!(refused >= 8, "the error fixtures and the cycle should be refused by both, {refused} were");
    assert!(
        failures.is_empty(),
        "{} of {} roots differ from kustomize build ({same} the same):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
