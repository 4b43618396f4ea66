//! The body of every fuzz target, one function per target taking libFuzzer's raw bytes.
//!
//! Shared by the fuzz targets (`fuzz_targets/*.rs`, through this crate) and by the main crate's
//! `tests/fuzz_regressions.rs` (which includes this file by path), so a crash input kept under
//! `tests/fixtures/fuzz/<target>/` is replayed through exactly the code that found it. Uses only
//! `paved` and `serde_json`, which both crates have.

use std::sync::OnceLock;

use paved::lint::discover::Kind;
use paved::lint::engine::Engine;
use paved::lint::finding::{Finding, Severity};
use paved::lint::input::{Built, build};
use paved::lint::suppress::{self, RuleState};
use paved::parse::yaml::{Limits, parse_stream};
use serde_json::Value;

/// A target's name and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by the name of its fuzz_targets/ file and its tests/fixtures/fuzz/ folder.
pub const TARGETS: [Target; 10] = [
    ("yaml", yaml),
    ("dockerfile", dockerfile),
    ("makefile", makefile),
    ("shell", shell),
    ("input", input),
    ("pipeline", pipeline),
    ("suppress", suppress),
    ("golang", golang),
    ("gotemplate", gotemplate),
    ("kustomize", kustomize),
];

/// Each kind with a path that `discover::classify` gives it (`Go` sources have their own
/// `golang` target). `pipeline`'s first byte indexes this: new kinds go at the end, so the
/// kept inputs keep their kind.
pub const KINDS: [(Kind, &str); 10] = [
    (Kind::Dockerfile, "Dockerfile"),
    (Kind::Makefile, "Makefile"),
    (Kind::GithubWorkflow, ".github/workflows/ci.yml"),
    (Kind::GitlabCi, ".gitlab-ci.yml"),
    (Kind::Yaml, "deploy/k8s.yaml"),
    (Kind::Shell, "scripts/build.sh"),
    (Kind::GoMod, "go.mod"),
    (Kind::CircleCi, ".circleci/config.yml"),
    (Kind::Ko, ".ko.yaml"),
    (Kind::GithubAction, ".github/actions/setup/action.yml"),
];

/// The YAML stream parser under the default limits, plus what callers do with its nodes:
/// convert to JSON and resolve JSON pointers back to positions.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(docs) = parse_stream(text, &Limits::default()) {
        for doc in &docs {
            let _ = doc.root.to_json();
            for ptr in ["", "/0", "/spec/template/spec/containers/0/image", "/a/b/c", "/-"] {
                let _ = doc.root.locate(ptr);
            }
        }
    }
}

pub fn dockerfile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = paved::parse::dockerfile::parse(text);
}

pub fn makefile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = paved::parse::makefile::parse(text);
}

pub fn shell(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = paved::parse::shell::split_script(text);
}

pub fn suppress(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = suppress::scan_comments(text, true);
    let _ = suppress::scan_comments(text, false);
}

/// Every input builder (and so every parser behind it: Dockerfile, Makefile, shell, GitHub
/// workflow, GitLab CI, CircleCI, Kubernetes YAML, go.mod) on the same text, then JSON pointers into the
/// built input (each node's, and one below it that does not exist) resolved back to positions,
/// as the engine does for findings.
pub fn input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (kind, path) in KINDS {
        if let Ok(Built::Input(fi)) = build(kind, path, text) {
            let mut out = Vec::new();
            pointers(&fi.input, &mut String::new(), &mut out);
            for p in &out {
                let _ = fi.locate(p);
                let _ = fi.locate(&format!("{p}/missing/0"));
            }
        }
    }
}

/// Up to 256 JSON pointers of `v`'s nodes, depth first.
fn pointers(v: &Value, prefix: &mut String, out: &mut Vec<String>) {
    if out.len() >= 256 {
        return;
    }
    out.push(prefix.clone());
    let len = prefix.len();
    let children: Box<dyn Iterator<Item = (String, &Value)>> = match v {
        Value::Object(m) => Box::new(m.iter().map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c))),
        Value::Array(a) => Box::new(a.iter().enumerate().map(|(i, c)| (i.to_string(), c))),
        _ => return,
    };
    for (token, child) in children {
        prefix.push('/');
        prefix.push_str(&token);
        pointers(child, prefix, out);
        prefix.truncate(len);
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(&[]).expect("built-in policies load"))
}

/// The whole lint pipeline on one file, as `paved lint` runs it (`lint::lint_file`): suppression
/// comments, the input builder for the file's kind, every built-in Rego policy, each finding
/// located back into the file, then the suppressions applied.
///
/// The first byte picks the kind (an index into [`KINDS`]); the rest is the file, read as lint
/// reads it: skipped when its first 8000 bytes hold a NUL (lint reports a binary file), else
/// decoded lossily.
pub fn pipeline(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let (kind, path) = KINDS[selector as usize % KINDS.len()];
    if rest.iter().take(8000).any(|&b| b == 0) {
        return;
    }
    let text = String::from_utf8_lossy(rest);
    let mut suppressions = suppress::scan_comments(&text, kind != Kind::Dockerfile);
    let Ok(Built::Input(fi)) = build(kind, path, &text) else { return };
    suppressions.extend(fi.suppressions.iter().cloned());
    let mut engine = engine().clone();
    // An evaluation error (such as the policy time limit) is reported by lint, not a crash.
    let Ok(raw) = engine.evaluate(&fi) else { return };
    // Every finding must point into the file (a report prints the line it names).
    let lines = text.lines().count().max(1) as u32;
    let mut found = Vec::new();
    for r in raw {
        assert!(
            r.pos.line >= 1 && r.pos.line <= lines + 1,
            "finding at line {} of a {lines}-line file: {}",
            r.pos.line,
            r.message
        );
        let meta = &engine.rules()[r.rule];
        found.push(Finding {
            rule: meta.id.clone(),
            severity: Severity::Error,
            path: path.to_string(),
            line: r.pos.line,
            column: Some(r.pos.col),
            message: r.message,
            help: meta.fix.clone(),
            fix: None,
            hint: None,
        });
    }
    found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    found.dedup();
    let _ = suppress::apply(path, found, &suppressions, &suppress::States(&|_| RuleState::Enabled(Severity::Error)));
}

/// The Go source reader (imports, routes, listeners, calls) on one file.
pub fn golang(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = paved::parse::golang::parse(text);
}

/// The Go template engine: parse the text as one template (its `define`s included) and render
/// it on a small chart-like value, under limits low enough that any loop or blow-up the engine
/// fails to bound shows up as a hang or out-of-memory here.
pub fn gotemplate(data: &[u8]) {
    use paved::helm::template::{Engine, Limits, Value as T};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut engine = Engine::new(Limits {
        max_include_depth: 50,
        max_range_iterations: 10_000,
        max_output_bytes: 1 << 20,
        max_crypto_work: 100,
    });
    if engine.parse("t", text).is_err() {
        return;
    }
    static DATA: OnceLock<T> = OnceLock::new();
    let data = DATA.get_or_init(|| {
        T::from_json(&serde_json::json!({
            "Values": {"a": 1, "f": 1.5, "s": "str", "b": true, "n": null, "list": [1, "two", [3]],
                       "m": {"k": "v", "nested": {"x": [{"y": 1}]}}},
            "Release": {"Name": "rel", "Namespace": "ns", "Service": "Helm"},
            "Chart": {"Name": "chart", "Version": "1.2.3"},
            "Capabilities": {"KubeVersion": {"Version": "v1.31.0"}}
        }))
    });
    let _ = engine.render("t", data);
    engine.set_strict(true);
    let _ = engine.render("t", data);
}

/// Where [`kustomize`] writes each part of its input (parts are separated by NUL bytes): a root
/// kustomization, a resource, a patch, a base kustomization and its resource.
pub const KUSTOMIZE_FILES: [&str; 5] =
    ["kustomization.yaml", "a.yaml", "patch.yaml", "base/kustomization.yaml", "base/b.yaml"];

/// The Kustomize build on a small tree written from the input, then the emitted YAML read back:
/// it must parse, and hold the same objects (`paved render` and `paved lint` rely on both).
pub fn kustomize(data: &[u8]) {
    use std::path::Path;
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("paved-fuzz-kustomize-{}", std::process::id()));
        let _ = std::fs::create_dir_all(d.join("base"));
        d
    });
    for (i, part) in data.split(|&b| b == 0).chain(std::iter::repeat(&[][..])).take(KUSTOMIZE_FILES.len()).enumerate() {
        let _ = std::fs::write(dir.join(KUSTOMIZE_FILES[i]), part);
    }
    let roots = [std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())];
    let show = |p: &Path| p.display().to_string();
    let built = paved::kustomize::build(dir, &paved::kustomize::Options { roots: &roots, display: &show });
    for emitted in
        [paved::kustomize::emit::emit(&built.resources), paved::kustomize::emit::emit_sorted(&built.resources)]
    {
        let back = parse_stream(&emitted.text, &Limits::default())
            .unwrap_or_else(|e| panic!("emitted YAML does not parse ({e}):\n{}", emitted.text));
        let back: Vec<Value> = back.iter().map(|d| d.root.to_json()).collect();
        let objects: Vec<Value> = built.resources.iter().map(|r| r.node.to_json()).collect();
        assert_eq!(back, objects, "emitted YAML reads back differently:\n{}", emitted.text);
        let lines = emitted.text.lines().count() as u32;
        for line in 1..=lines {
            assert!(emitted.map.origin(line, 1).is_some(), "output line {line} has no origin");
        }
    }
}
