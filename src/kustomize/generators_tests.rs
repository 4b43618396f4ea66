//! Tests of generators.rs: generated objects, their origins, behavior merge, kustomize's hash.

use std::path::{Path, PathBuf};

use super::*;
use crate::kustomize::build::Kust;
use crate::kustomize::labels::tests::doc;

/// A kustomization in a temporary directory with `files`, loaded.
fn setup(kust: &str, files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kustomization.yaml"), kust).unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let canon = std::fs::canonicalize(dir.path()).unwrap();
    (dir, canon)
}

fn run_in(dir: &Path, acc: &mut Acc) -> Vec<crate::kustomize::Problem> {
    let roots = vec![dir.to_path_buf()];
    let display = |p: &Path| p.display().to_string();
    let opts = crate::kustomize::Options { roots: &roots, display: &display };
    let mut ctx = Ctx::new(&opts);
    let k: Kust = ctx.load_kustomization(dir, None, false).unwrap();
    run(&mut ctx, &k, acc);
    add_hashes(&mut ctx, acc);
    ctx.problems
}

#[test]
fn hashes_match_kustomize() {
    // `kustomize build` v5.8.0: literals a=b, c="quoted" → cm-65f66b6bf7; a=b → s-k695gkmbtk.
    let cm = doc("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n  c: quoted\n", 0);
    assert_eq!(hash(&cm), "65f66b6bf7");
    let s = doc("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\ndata:\n  a: Yg==\n", 0);
    assert_eq!(hash(&s), "k695gkmbtk");
}

#[test]
fn base64_breaks_long_values_into_lines() {
    assert_eq!(encode_base64(b"b"), "Yg==");
    let long = encode_base64(&[b'x'; 60]);
    assert_eq!(long.lines().map(str::len).collect::<Vec<_>>(), [70, 10]);
    assert!(long.ends_with('\n'));
}

#[test]
fn generators_read_envs_literals_and_files_with_origins() {
    let kust = "configMapGenerator:\n- name: app\n  envs:\n  - app.env\n  literals:\n  - MODE=\"fast\"\n  files:\n  - conf=app.conf\n  - blob.bin\n  options:\n    disableNameSuffixHash: true\n    labels:\n      team: blue\nsecretGenerator:\n- name: creds\n  type: kubernetes.io/basic-auth\n  literals:\n  - password=hunter2\ngeneratorOptions:\n  immutable: true\n  labels:\n    team: red\n    tier: web\n";
    let (_t, dir) = setup(
        kust,
        &[("app.env", b"# comment\n\nHOST=db\nPORT=5432\n"), ("app.conf", b"x = 1\n"), ("blob.bin", &[0xff, 0xfe])],
    );
    let mut acc = Acc::new();
    assert_eq!(run_in(&dir, &mut acc), []);
    let [cm, secret] = &acc.resources[..] else { panic!("two objects") };
    assert_eq!(cm.name(), "app", "hash disabled");
    let n = &cm.node;
    assert_eq!(n.pointer("/data/HOST").and_then(Node::as_str), Some("db"));
    assert_eq!(n.pointer("/data/MODE").and_then(Node::as_str), Some("fast"));
    assert_eq!(n.pointer("/data/conf").and_then(Node::as_str), Some("x = 1\n"));
    assert_eq!(n.pointer("/binaryData/blob.bin").and_then(Node::as_str), Some("//4="));
    assert_eq!(n.pointer("/metadata/labels/team").and_then(Node::as_str), Some("blue"), "local wins");
    assert_eq!(n.pointer("/metadata/labels/tier").and_then(Node::as_str), Some("web"));
    assert_eq!(n.pointer("/immutable").and_then(Node::as_bool), Some(true));
    // The env value points at its line in the env file; the literal at its list item.
    let port = n.pointer("/data/PORT").unwrap();
    assert_eq!((port.pos, port.src == cm.node.src), (Pos::new(4, 1), false));
    assert_eq!(n.pointer("/data/MODE").unwrap().pos, Pos::new(6, 5));
    assert_eq!(n.pos, Pos::new(2, 3), "the `- name:` entry");

    assert_eq!(secret.pointer_str("/type"), Some("kubernetes.io/basic-auth"));
    assert_eq!(secret.pointer_str("/data/password"), Some("aHVudGVyMg=="));
    assert!(secret.name().starts_with("creds-") && secret.name().len() == "creds-".len() + 10);
    assert_eq!(secret.history, [(None, "creds".to_string())]);
}

#[test]
fn behavior_merge_keeps_the_base_and_its_name() {
    let kust = "configMapGenerator:\n- name: app\n  behavior: merge\n  literals:\n  - B=overlay\n  - C=new\n- name: missing\n  behavior: replace\n  literals:\n  - A=1\n";
    let (_t, dir) = setup(kust, &[]);
    let mut acc = Acc::new();
    let base = doc(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base-app\n  labels:\n    a: b\ndata:\n  A: base\n  B: base\n",
        9,
    );
    let mut r = Resource::new(base);
    r.history.push((None, "app".into()));
    r.needs_hash = true;
    acc.resources.push(r);
    let problems = run_in(&dir, &mut acc);
    assert_eq!(problems.len(), 1, "replace of a missing object: {problems:?}");
    let r = &acc.resources[0];
    assert!(r.name().starts_with("base-app-"));
    assert_eq!(r.pointer_str("/data/A"), Some("base"));
    assert_eq!(r.pointer_str("/data/B"), Some("overlay"));
    assert_eq!(r.pointer_str("/data/C"), Some("new"));
    assert_eq!(r.pointer_str("/metadata/labels/a"), Some("b"));
    assert_eq!(r.node.pointer("/data/A").unwrap().src, 9, "the base's value keeps its origin");
}

trait PointerStr {
    fn pointer_str(&self, p: &str) -> Option<&str>;
}

impl PointerStr for Resource {
    fn pointer_str(&self, p: &str) -> Option<&str> {
        self.node.pointer(p).and_then(Node::as_str)
    }
}
