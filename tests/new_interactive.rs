//! Interactive `paved new` on a real terminal: `script` (util-linux) gives paved a pseudo-TTY,
//! and the test types answers into it. Every value without a flag is asked for; flags given
//! on the command line are not asked again.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn type_into_tty(dir: &std::path::Path, paved_args: &str, keys: &[&str]) -> String {
    let cmdline = format!("{} new {paved_args}", env!("CARGO_BIN_EXE_paved"));
    let mut child = Command::new("script")
        .args(["-qec", &cmdline, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script");
    let mut stdin = child.stdin.take().unwrap();
    for k in keys {
        stdin.write_all(k.as_bytes()).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
    // Keep stdin open until paved is done, so `script` does not hang up the terminal early.
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "paved new hung waiting for input");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn prompts_for_every_missing_value_on_a_tty() {
    if common::require_tool("script").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // name, module, port (default), Go version, CI (arrow down: gitlab), registry (default), no chart
    let screen =
        type_into_tty(tmp.path(), "", &["svc\r", "github.com/acme/svc\r", "\r", "1.25\r", "\x1b[B\r", "\r", "n"]);
    for prompt in [
        "Service name",
        "Go module path",
        "HTTP port",
        "Go version",
        "CI configuration",
        "Image registry",
        "Helm chart",
    ] {
        assert!(screen.contains(prompt), "prompt {prompt:?} not shown:\n{screen}");
    }
    let dir = tmp.path().join("svc");
    let files = common::read_tree(&dir);
    assert!(files["go.mod"].starts_with("module github.com/acme/svc\n\ngo 1.25.0\n"), "{}", files["go.mod"]);
    assert!(files.contains_key(".gitlab-ci.yml") && !files.contains_key(".github/workflows/ci.yml"));
    assert!(!files.keys().any(|p| p.starts_with("deploy/")), "a chart was written after answering no");
    assert!(files["Dockerfile"].contains("golang:1.25.14-bookworm"));
    assert!(files["Makefile"].contains("IMAGE   ?= ghcr.io/acme/svc"), "registry default derived from the module");
}

#[test]
fn flags_given_are_not_asked_again() {
    if common::require_tool("script").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let screen = type_into_tty(
        tmp.path(),
        "svc --module example.com/svc --port 9090 --go-version 1.26.8 --ci none --registry ghcr.io/x",
        &["y"],
    );
    for asked in ["Service name", "Go module path", "HTTP port", "Go version", "CI configuration", "Image registry"] {
        assert!(!screen.contains(asked), "{asked:?} was asked although its flag was given:\n{screen}");
    }
    assert!(screen.contains("Helm chart"), "{screen}");
    assert!(tmp.path().join("svc/deploy/helm/svc/Chart.yaml").is_file());
}

#[test]
fn deploy_is_asked_when_a_chart_and_ci_are_written() {
    if common::require_tool("script").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // Helm chart: yes; deploy: arrow down to "none".
    let screen = type_into_tty(
        tmp.path(),
        "svc --module example.com/svc --port 9090 --go-version 1.26.8 --ci gitlab --registry ghcr.io/x",
        &["y", "\x1b[B\r"],
    );
    assert!(screen.contains("Deploy from CI"), "{screen}");
    let files = common::read_tree(&tmp.path().join("svc"));
    assert!(files.contains_key("deploy/helm/svc/Chart.yaml"));
    assert!(!files[".gitlab-ci.yml"].contains("deploy-production"), "deploy jobs written after answering none");

    let tmp = tempfile::tempdir().unwrap();
    let screen = type_into_tty(
        tmp.path(),
        "svc --module example.com/svc --port 9090 --go-version 1.26.8 --ci gitlab --registry ghcr.io/x",
        &["y", "\r"],
    );
    assert!(screen.contains("Deploy from CI"), "{screen}");
    let files = common::read_tree(&tmp.path().join("svc"));
    assert!(files[".gitlab-ci.yml"].contains("deploy-production"), "the default answer is helm");
}
