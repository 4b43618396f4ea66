//! Replays every input under tests/fixtures/fuzz/<target>/ (crashes, hangs and out-of-memory
//! inputs that fuzzing once found, minimised) through the same entry point as the fuzz target
//! that found it: fuzz/src/lib.rs, included here by path so the two cannot drift apart.
//! A replayed input passes when it returns; a regression panics, or hangs the test.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod entries;

use std::path::Path;

fn replay(target: &str) {
    let (_, run) = entries::TARGETS.iter().find(|(name, _)| *name == target).expect("known target");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    assert!(dir.is_dir(), "{} is missing", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    for file in files {
        let data = std::fs::read(&file).expect("readable");
        eprintln!("replaying {}", file.display());
        run(&data);
    }
}

#[test]
fn every_target_has_a_regression_test() {
    let tested = [
        "yaml",
        "dockerfile",
        "makefile",
        "shell",
        "input",
        "pipeline",
        "suppress",
        "golang",
        "gotemplate",
        "kustomize",
    ];
    let targets: Vec<_> = entries::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(targets, tested);
}

/// `input` and `pipeline` fuzz every file kind (Go sources have their own `golang` target), each
/// under a path that discovery gives that kind.
#[test]
fn every_kind_is_fuzzed() {
    use paved::lint::discover::{Kind, classify};
    for (kind, path) in entries::KINDS {
        assert_eq!(classify(Path::new(path)), Some(kind), "{path}");
    }
    // Exhaustive on purpose: a new kind does not compile here until it is listed (and fuzzed).
    let own_target = |k: Kind| match k {
        Kind::Go => true,
        Kind::Dockerfile
        | Kind::Makefile
        | Kind::GithubWorkflow
        | Kind::GithubAction
        | Kind::GitlabCi
        | Kind::CircleCi
        | Kind::Yaml
        | Kind::Shell
        | Kind::GoMod
        | Kind::Ko => false,
    };
    let all = [
        Kind::Dockerfile,
        Kind::Makefile,
        Kind::GithubWorkflow,
        Kind::GithubAction,
        Kind::GitlabCi,
        Kind::CircleCi,
        Kind::Yaml,
        Kind::Shell,
        Kind::GoMod,
        Kind::Ko,
        Kind::Go,
    ];
    for k in all {
        assert!(own_target(k) || entries::KINDS.iter().any(|(x, _)| *x == k), "{k:?} is not fuzzed");
    }
}

#[test]
fn yaml() {
    replay("yaml");
}

#[test]
fn dockerfile() {
    replay("dockerfile");
}

#[test]
fn makefile() {
    replay("makefile");
}

#[test]
fn shell() {
    replay("shell");
}

#[test]
fn input() {
    replay("input");
}

#[test]
fn pipeline() {
    replay("pipeline");
}

#[test]
fn suppress() {
    replay("suppress");
}

#[test]
fn golang() {
    replay("golang");
}

#[test]
fn gotemplate() {
    replay("gotemplate");
}

#[test]
fn kustomize() {
    replay("kustomize");
}
