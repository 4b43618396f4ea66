//! End to end with the real Go toolchain: a generated service is gofmt-clean, vets, builds,
//! passes its own race tests, and the built binary serves /health, /ready and /version, drains
//! on SIGTERM (/ready turns 503) and exits 0 within its grace period; its `healthcheck`
//! subcommand exits 0 against it and 1 when nothing listens, and `healthcheck --url` (what the
//! chart's `helm test` runs) exits 0 when every URL answers 200, 1 on a 503 or a closed port.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{require_tool, run, text};

fn go(dir: &Path, args: &[&str]) -> std::process::Output {
    run(Command::new("go").current_dir(dir).args(args).env("GOFLAGS", "-mod=mod").env("GOPROXY", "off"))
}

/// `GET path` over plain HTTP/1.1; returns (status, body), or None if nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn generated_service_builds_tests_and_runs() {
    if require_tool("go").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // Defaults: the Go version is the one on PATH, so the project builds offline at once.
    let dir = common::generate(tmp.path(), "orders", &["--module", "github.com/acme/orders"]);

    let out = run(Command::new("gofmt").current_dir(&dir).args(["-l", "."]));
    assert!(out.status.success() && out.stdout.is_empty(), "gofmt -l: {}", text(&out));
    let out = go(&dir, &["vet", "./..."]);
    assert!(out.status.success(), "go vet: {}", text(&out));
    let out = go(&dir, &["test", "-race", "-timeout", "120s", "./..."]);
    assert!(out.status.success(), "go test: {}", text(&out));

    // Build exactly as the Makefile does (static, version injected).
    let out = run(Command::new("make").current_dir(&dir).args(["build", "VERSION=1.2.3"]).env("GOPROXY", "off"));
    assert!(out.status.success(), "make build: {}", text(&out));
    let bin = dir.join("bin/orders");
    assert!(bin.is_file(), "make build did not produce bin/orders: {}", text(&out));

    let port = free_port();
    let mut child = Command::new(&bin)
        .env("PORT", port.to_string())
        .env("SHUTDOWN_DRAIN_DELAY", "2s")
        .env("SHUTDOWN_TIMEOUT", "5s")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let up = wait_until(Duration::from_secs(10), || get(port, "/health").is_some_and(|(s, _)| s == 200));
    if !up {
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        panic!("service did not come up: {}", text(&out));
    }
    assert_eq!(get(port, "/ready").map(|r| r.0), Some(200));
    let (status, body) = get(port, "/version").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("1.2.3"), "version not injected: {body}");

    let health = |expect: i32| {
        let out = run(Command::new(&bin).arg("healthcheck").env("PORT", port.to_string()));
        assert_eq!(out.status.code(), Some(expect), "healthcheck: {}", text(&out));
    };
    health(0);
    // --url, as the chart's helm test runs it; PORT is ignored then (an invalid one too).
    let probe = |urls: &[String]| {
        let mut cmd = Command::new(&bin);
        cmd.arg("healthcheck").env("PORT", "not-a-port");
        for u in urls {
            cmd.args(["--url", u]);
        }
        run(&mut cmd)
    };
    let url = |port: u16, path: &str| format!("http://127.0.0.1:{port}{path}");
    let both = [url(port, "/health"), url(port, "/ready")];
    let out = probe(&both);
    assert_eq!(out.status.code(), Some(0), "healthcheck --url against the service: {}", text(&out));
    let closed = free_port();
    let out = probe(&[url(port, "/health"), url(closed, "/ready")]);
    assert_eq!(out.status.code(), Some(1), "healthcheck --url against a closed port: {}", text(&out));
    assert!(text(&out).contains(&closed.to_string()), "the error names the URL: {}", text(&out));
    let out = probe(&[url(port, "/nope")]);
    assert_eq!(out.status.code(), Some(1), "healthcheck --url on a 404: {}", text(&out));

    let kill = run(Command::new("kill").args(["-TERM", &child.id().to_string()]));
    assert!(kill.status.success());
    let drained = wait_until(Duration::from_millis(900), || get(port, "/ready").is_some_and(|(s, _)| s == 503));
    assert!(drained, "/ready did not turn 503 during the drain");
    // Liveness stays up while draining: the pod must not be killed mid-drain.
    assert_eq!(get(port, "/health").map(|r| r.0), Some(200));
    // The helm test's probe of /ready fails on the 503, though /health still answers.
    let out = probe(&both);
    assert_eq!(out.status.code(), Some(1), "healthcheck --url while draining: {}", text(&out));
    assert!(text(&out).contains("503"), "{}", text(&out));

    let deadline = Instant::now() + Duration::from_secs(2 + 5 + 3);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "service did not exit within drain + shutdown timeout");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "service exited with {status}");
    health(1);
}

#[test]
fn every_variant_builds() {
    if require_tool("go").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("alpha", &["--module", "example.com/x/y", "--port", "9090", "--no-helm", "--ci", "none"][..]),
        ("beta", &["--ci", "both", "--go-version", "1.22"][..]),
    ] {
        let dir = common::generate(tmp.path(), name, extra);
        let out = go(&dir, &["vet", "./..."]);
        assert!(out.status.success(), "{name}: go vet: {}", text(&out));
        let out = go(&dir, &["build", "./..."]);
        assert!(out.status.success(), "{name}: go build: {}", text(&out));
    }
}
