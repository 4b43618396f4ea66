//! `paved new` as a user meets it: refusals with clear messages and exit 2, dry runs, defaults
//! without a TTY, --force, and the guarantee that a failure leaves nothing behind.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;

use common::{paved, run, text};

fn new_in(tmp: &Path, args: &[&str]) -> std::process::Output {
    run(paved().current_dir(tmp).arg("new").args(args).stdin(Stdio::null()))
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p).unwrap().next().is_none()
}

#[test]
fn invalid_names_are_refused_and_nothing_is_written() {
    let long = "a".repeat(64);
    for (name, needle) in [
        ("Orders", "invalid NAME"),
        ("../x", "invalid NAME"),
        ("", "invalid NAME"),
        (long.as_str(), "at most 63"),
        ("a_b", "invalid NAME"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = new_in(tmp.path(), &[name, "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        assert!(text(&out).contains(needle), "{name}: {}", text(&out));
        assert!(is_empty_dir(tmp.path()), "{name}: something was written");
    }
}

#[test]
fn missing_name_without_tty_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_in(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("missing NAME"), "{}", text(&out));
}

#[test]
fn deploy_without_a_chart_or_ci_is_refused() {
    for (args, needle) in [
        (&["svc", "--deploy", "helm", "--no-helm"][..], "--no-helm"),
        (&["svc", "--deploy", "helm", "--ci", "none"][..], "--ci github, gitlab or both"),
        (&["svc", "--deploy", "kustomize"][..], "invalid value 'kustomize' for '--deploy"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = new_in(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(needle), "{args:?}: {}", text(&out));
        assert!(is_empty_dir(tmp.path()), "{args:?}: something was written");
    }
}

#[test]
fn unknown_ci_value_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_in(tmp.path(), &["svc", "--ci", "jenkins"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("invalid value 'jenkins' for '--ci"), "{}", text(&out));
    assert!(is_empty_dir(tmp.path()));
}

#[test]
fn non_empty_target_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("svc");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("keep.txt"), "mine").unwrap();
    let out = new_in(tmp.path(), &["svc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("is not empty; pass --force"), "{}", text(&out));
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);

    // With --force: generated files are written, the user's own file is kept.
    fs::write(dir.join("Makefile"), "old").unwrap();
    let out = new_in(tmp.path(), &["svc", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine");
    assert!(fs::read_to_string(dir.join("Makefile")).unwrap().contains("go test"));
}

#[test]
fn target_that_is_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("svc"), "x").unwrap();
    let out = new_in(tmp.path(), &["svc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("is not a directory"), "{}", text(&out));
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_in(tmp.path(), &["svc", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    for f in [
        "go.mod",
        "cmd/svc/main.go",
        "Dockerfile",
        "Makefile",
        ".github/workflows/ci.yml",
        "deploy/helm/svc/Chart.yaml",
    ] {
        assert!(listing.lines().any(|l| l.trim() == f), "{f} missing from:\n{listing}");
    }
    assert!(is_empty_dir(tmp.path()));
}

#[test]
fn defaults_apply_without_a_tty_and_without_yes() {
    let tmp = tempfile::tempdir().unwrap();
    // stdin is /dev/null: nothing may be asked, so this must finish on its own.
    let out = new_in(tmp.path(), &["svc", "--go-version", "1.26.8"]);
    assert!(out.status.success(), "{}", text(&out));
    let gomod = fs::read_to_string(tmp.path().join("svc/go.mod")).unwrap();
    assert_eq!(gomod.lines().next(), Some("module svc"));
    assert!(gomod.contains("go 1.26.8"), "{gomod}");
    assert!(tmp.path().join("svc/.github/workflows/ci.yml").is_file());
    assert!(!tmp.path().join("svc/.gitlab-ci.yml").exists());
}

#[test]
fn go_version_is_the_same_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::generate(tmp.path(), "svc", &["--go-version", "1.25", "--ci", "both"]);
    let files = common::read_tree(&dir);
    assert!(files["go.mod"].contains("\ngo 1.25.0\n"), "{}", files["go.mod"]);
    assert!(files["Dockerfile"].contains("golang:1.25.14-bookworm"));
    assert!(files[".github/workflows/ci.yml"].contains("1.25.14"));
    assert!(files[".gitlab-ci.yml"].contains("golang:1.25.14-bookworm"));
}

#[test]
fn interrupted_write_into_existing_dir_leaves_it_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("svc");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("Makefile"), "original").unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    for after in ["0", "3", "10"] {
        let out = run(paved()
            .current_dir(tmp.path())
            .args(["new", "svc", "--force"])
            .env("PAVED_TEST_FAIL_AFTER", after)
            .stdin(Stdio::null()));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("simulated failure"), "{}", text(&out));
        let tree = common::read_tree(&dir);
        assert_eq!(tree.len(), 2, "after {after}: {:?}", tree.keys());
        assert_eq!(tree["Makefile"], "original");
        // No staging directory is left beside the target either.
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}

#[test]
fn failure_into_missing_dir_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // The parent is a file, so the target cannot be created.
    fs::write(tmp.path().join("blocker"), "x").unwrap();
    let out = new_in(tmp.path(), &["svc", "--dir", "blocker/svc"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn nested_missing_parents_are_created() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_in(tmp.path(), &["svc", "--dir", "a/b/svc"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(tmp.path().join("a/b/svc/go.mod").is_file());
}

#[cfg(unix)]
#[test]
fn read_only_target_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let ro = tmp.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let out = run(common::paved_unprivileged()
        .current_dir(tmp.path())
        .args(["new", "svc", "--dir", "ro/svc"])
        .stdin(Stdio::null()));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot create"), "{}", text(&out));
    assert!(is_empty_dir(&ro));
}

#[cfg(unix)]
#[test]
fn symlink_inside_target_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let dir = tmp.path().join("svc");
    fs::create_dir(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("cmd")).unwrap();
    let out = new_in(tmp.path(), &["svc", "--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is a symlink"), "{}", text(&out));
    assert!(is_empty_dir(&outside));
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
}
