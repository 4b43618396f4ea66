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

/// `METHOD path` over HTTP/1.0 (so the body is never chunked); returns (status, headers, body).
fn request(port: u16, method: &str, path: &str) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "{method} {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    Some((status, head.to_ascii_lowercase(), body.to_string()))
}

/// The metric families of a /metrics body as prometheus-client's text parser reads them
/// (tests/oracles/prom_parse.py), or None when the oracle is not installed (a skip, not under CI).
fn parse_metrics(exposition: &str) -> Option<Vec<serde_json::Value>> {
    let python = common::oracle_python()?;
    let has_client = run(Command::new(&python).args(["-c", "import prometheus_client.parser"])).status.success();
    if !has_client {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "prometheus-client is not installed in the test venv; run scripts/setup-test-tools.sh"
        );
        eprintln!("skipping: prometheus-client is not installed (run scripts/setup-test-tools.sh)");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/prom_parse.py");
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(exposition.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "prometheus-client does not parse /metrics: {}\n{exposition}", text(&out));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// The family named `name` (prometheus-client strips a counter's `_total`).
fn family<'a>(families: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    families.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no metric family {name}"))
}

/// The samples of `family` named `name` whose labels include every pair of `labels`.
fn samples<'a>(family: &'a serde_json::Value, name: &str, labels: &[(&str, &str)]) -> Vec<&'a serde_json::Value> {
    family["samples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
        .collect()
}

/// The value of the one sample of `family` named `name` with exactly `labels`.
fn value(family: &serde_json::Value, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<_> = samples(family, name, labels)
        .into_iter()
        .filter(|s| s["labels"].as_object().unwrap().len() == labels.len())
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?}: expected one sample in {family}");
    found[0]["value"].as_f64().unwrap()
}

#[test]
fn metrics_match_the_requests_served() {
    if require_tool("go").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::generate(tmp.path(), "orders", &["--module", "github.com/acme/orders"]);
    let out = run(Command::new("make").current_dir(&dir).args(["build", "VERSION=1.2.3"]).env("GOPROXY", "off"));
    assert!(out.status.success(), "make build: {}", text(&out));

    let port = free_port();
    let spawned = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    let mut child = Command::new(dir.join("bin/orders"))
        .env("PORT", port.to_string())
        .env("SHUTDOWN_DRAIN_DELAY", "0s")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Every /ready that got an answer reached the server and is counted.
    let mut ready_answers = 0.0;
    let up = wait_until(Duration::from_secs(10), || match request(port, "GET", "/ready") {
        Some((status, ..)) => {
            ready_answers += 1.0;
            status == 200
        }
        None => false,
    });
    if !up {
        let _ = child.kill();
        panic!("service did not come up");
    }
    let sent: &[(&str, &str, u16)] = &[
        ("GET", "/health", 200),
        ("GET", "/health", 200),
        ("HEAD", "/health", 200),
        ("GET", "/version", 200),
        ("GET", "/nope/12345?token=secret", 404),
        ("POST", "/health", 405),
        ("BREW", "/pot/42", 404),
    ];
    for (method, path, want) in sent {
        assert_eq!(request(port, method, path).map(|r| r.0), Some(*want), "{method} {path}");
    }
    let first = request(port, "GET", "/metrics");
    let second = request(port, "GET", "/metrics");
    let _ = child.kill();
    let _ = child.wait();
    let (status, head, body) = first.expect("GET /metrics answered");
    assert_eq!(status, 200);
    assert!(head.contains("\r\ncontent-type: text/plain; version=0.0.4; charset=utf-8"), "{head}");
    for raw in ["/nope", "12345", "secret", "/pot", "BREW"] {
        assert!(
            !body.contains(raw),
            "{raw:?} in /metrics: labels must be route patterns, not what clients send\n{body}"
        );
    }
    let Some(families) = parse_metrics(&body) else { return };

    // The counter: one series per (route pattern, method, code), each the requests sent.
    let requests = family(&families, "http_requests");
    assert_eq!(requests["type"], "counter");
    let expected: &[(&str, &str, &str, f64)] = &[
        ("/ready", "GET", "200", ready_answers),
        ("/health", "GET", "200", 2.0),
        ("/health", "HEAD", "200", 1.0),
        ("/version", "GET", "200", 1.0),
        ("unmatched", "GET", "404", 1.0),
        ("unmatched", "POST", "405", 1.0),
        ("unmatched", "OTHER", "404", 1.0),
    ];
    for (route, method, code, n) in expected {
        let labels = [("route", *route), ("method", *method), ("code", *code)];
        assert_eq!(value(requests, "http_requests_total", &labels), *n, "{labels:?}");
    }
    assert_eq!(requests["samples"].as_array().unwrap().len(), expected.len(), "unexpected series: {requests}");

    // The histogram: per (route, method), cumulative buckets ending in +Inf = _count = the
    // requests counted, and a plausible _sum.
    let durations = family(&families, "http_request_duration_seconds");
    assert_eq!(durations["type"], "histogram");
    let mut per_route: std::collections::BTreeMap<(&str, &str), f64> = Default::default();
    for (route, method, _, n) in expected {
        *per_route.entry((route, method)).or_default() += n;
    }
    for ((route, method), n) in &per_route {
        let labels = [("route", *route), ("method", *method)];
        assert_eq!(value(durations, "http_request_duration_seconds_count", &labels), *n, "{labels:?}");
        let sum = value(durations, "http_request_duration_seconds_sum", &labels);
        assert!(sum > 0.0 && sum < *n, "{labels:?}: _sum {sum}s for {n} local requests");
        let buckets = samples(durations, "http_request_duration_seconds_bucket", &labels);
        let bounds: Vec<f64> = buckets.iter().map(|b| b["labels"]["le"].as_str().unwrap().parse().unwrap()).collect();
        let want = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, f64::INFINITY];
        assert_eq!(bounds, want, "{labels:?}: bucket bounds");
        let counts: Vec<f64> = buckets.iter().map(|b| b["value"].as_f64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{labels:?}: buckets not cumulative: {counts:?}");
        assert_eq!(counts.last(), Some(n), "{labels:?}: +Inf bucket");
    }

    // The scrape itself is in flight while it is served, and counted once it is done.
    assert_eq!(value(family(&families, "http_requests_in_flight"), "http_requests_in_flight", &[]), 1.0);
    let (_, _, body2) = second.expect("second GET /metrics answered");
    let families2 = parse_metrics(&body2).unwrap();
    let labels = [("route", "/metrics"), ("method", "GET"), ("code", "200")];
    assert_eq!(value(family(&families2, "http_requests"), "http_requests_total", &labels), 1.0);

    // Go runtime, process and build.
    let gauge = |name: &str, labels: &[(&str, &str)]| {
        let f = family(&families, name);
        assert_eq!(f["type"], "gauge", "{name}");
        value(f, name, labels)
    };
    assert!(gauge("go_goroutines", &[]) >= 1.0);
    assert!(gauge("go_memstats_heap_alloc_bytes", &[]) > 0.0);
    assert!(gauge("go_memstats_sys_bytes", &[]) >= gauge("go_memstats_heap_alloc_bytes", &[]));
    let gc = family(&families, "go_gc_cycles");
    assert_eq!(gc["type"], "counter");
    assert!(value(gc, "go_gc_cycles_total", &[]) >= 0.0);
    let started = gauge("process_start_time_seconds", &[]);
    assert!(
        (spawned - 1.0..spawned + 10.0).contains(&started),
        "process_start_time_seconds {started}, spawned at {spawned}"
    );
    let info = samples(family(&families, "orders_build_info"), "orders_build_info", &[("version", "1.2.3")]);
    assert_eq!(info.len(), 1, "orders_build_info with the stamped version: {families:?}");
    assert!(info[0]["labels"]["goversion"].as_str().unwrap().starts_with("go1."));
    assert_eq!(info[0]["value"], 1.0);
}
