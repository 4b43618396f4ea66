use std::process::Command;

use super::*;
use crate::fix::rules::src_support::e2e;
use crate::fix::rules::test_support::{finding, fixed};

const LITERAL_MSG: &str =
    "http.Server sets no ReadHeaderTimeout (nor ReadTimeout): clients can hold connections open for ever (slowloris)";

fn run(text: &str, line: u32, col: u32, msg: &str) -> Option<String> {
    fixed(fix, &finding(FIXER.rule, "main.go", line, col, msg), text)
}

/// Whether `go` can be used; without it the checks are skipped, unless on CI.
fn have_go() -> bool {
    let ok = Command::new("go").arg("version").output().is_ok_and(|o| o.status.success());
    assert!(ok || std::env::var_os("CI").is_none(), "go is needed on CI");
    ok
}

/// The file is gofmt-clean and `go vet` passes in a module of its own.
fn assert_go_clean(src: &str) {
    if !have_go() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module example.com/x\n\ngo 1.22\n").unwrap();
    std::fs::write(dir.path().join("main.go"), src).unwrap();
    let fmt = Command::new("gofmt").arg("-l").arg(dir.path().join("main.go")).output().unwrap();
    assert!(fmt.status.success() && fmt.stdout.is_empty(), "not gofmt-clean:\n{src}");
    let vet =
        Command::new("go").args(["vet", "./..."]).current_dir(dir.path()).env("GOFLAGS", "-mod=mod").output().unwrap();
    assert!(vet.status.success(), "go vet: {}\n{src}", String::from_utf8_lossy(&vet.stderr));
}

const ALIGNED: &str = "package main

import (
\t\"log\"
\t\"net/http\"
)

func main() {
\tsrv := &http.Server{
\t\tAddr:    \":8080\",
\t\tHandler: http.DefaultServeMux,
\t}
\tlog.Fatal(srv.ListenAndServe())
}
";

#[test]
fn realigns_the_block_and_imports_time_sorted() {
    let out = run(ALIGNED, 9, 10, LITERAL_MSG).unwrap();
    assert_eq!(
        out,
        "package main

import (
\t\"log\"
\t\"net/http\"
\t\"time\"
)

func main() {
\tsrv := &http.Server{
\t\tAddr:              \":8080\",
\t\tHandler:           http.DefaultServeMux,
\t\tReadHeaderTimeout: 10 * time.Second,
\t}
\tlog.Fatal(srv.ListenAndServe())
}
"
    );
    assert_go_clean(&out);
}

#[test]
fn blank_line_block_after_comments_and_nested_literals_crlf() {
    let t = "package main\r\n\r\nimport (\r\n\t\"crypto/tls\"\r\n\t\"net/http\"\r\n\t\"os\"\r\n\r\n\t\"example.com/x/y\"\r\n)\r\n\r\nvar _ = y.X\r\n\r\nfunc main() {\r\n\tsrv := &http.Server{\r\n\t\tAddr: \":8080\", // listen\r\n\t\tTLSConfig: &tls.Config{\r\n\t\t\tMinVersion: tls.VersionTLS12,\r\n\t\t},\r\n\t}\r\n\t_ = srv.ListenAndServe()\r\n\tos.Exit(0)\r\n}\r\n";
    let out = run(t, 14, 10, LITERAL_MSG).unwrap();
    assert!(out.contains("\t\"os\"\r\n\t\"time\"\r\n\r\n\t\"example.com"), "{out}");
    assert!(out.contains("\t\t},\r\n\r\n\t\tReadHeaderTimeout: 10 * time.Second,\r\n\t}\r\n"), "{out}");
    if have_go() {
        // gofmt on the LF form (gofmt rewrites CRLF), without the unresolvable import.
        let lf = out.replace("\r\n", "\n").replace("\n\t\"example.com/x/y\"\n", "\n").replace("var _ = y.X\n", "");
        let fmt = Command::new("gofmt")
            .arg("-d")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        fmt.stdin.as_ref().unwrap().write_all(lf.as_bytes()).unwrap();
        let o = fmt.wait_with_output().unwrap();
        let diff = String::from_utf8_lossy(&o.stdout);
        // The only gofmt change is the blank line left where the import was removed.
        let changed = diff
            .lines()
            .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---"));
        assert!(changed.into_iter().all(|l| l.trim_matches(['+', '-']).trim().is_empty()), "{diff}");
    }
}

#[test]
fn one_line_literals_and_a_single_import() {
    let t = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\t_ = (&http.Server{Addr: \":80\"}).ListenAndServe()\n\t_ = &http.Server{}\n}\n";
    let out = run(t, 6, 8, LITERAL_MSG).unwrap();
    assert!(out.starts_with("package main\n\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n"), "{out}");
    assert!(out.contains("(&http.Server{Addr: \":80\", ReadHeaderTimeout: 10 * time.Second})"), "{out}");
    assert_go_clean(&out);
    let out = run(t, 7, 7, LITERAL_MSG).unwrap();
    assert!(out.contains("_ = &http.Server{ReadHeaderTimeout: 10 * time.Second}\n"), "{out}");
    assert_go_clean(&out);
}

#[test]
fn listen_and_serve_becomes_the_literal_it_stands_for() {
    let t = "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\t\"time\"\n)\n\nvar _ = time.Now\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n";
    let out = run(t, 12, 12, "http.ListenAndServe serves with Go's default server, which has no timeouts (slowloris)")
        .unwrap();
    assert!(
        out.contains(
            "\tlog.Fatal((&http.Server{Addr: \":8080\", ReadHeaderTimeout: 10 * time.Second}).ListenAndServe())\n"
        ),
        "{out}"
    );
    assert_go_clean(&out);
    let tls = t.replace(
        "http.ListenAndServe(\":8080\", nil)",
        "http.ListenAndServeTLS(addr(), \"c.pem\", \"k.pem\", http.NotFoundHandler())",
    ) + "\nfunc addr() string { return \":1\" }\n";
    let out = run(&tls, 12, 12, "http.ListenAndServeTLS serves with Go's default server").unwrap();
    assert!(out.contains("(&http.Server{Addr: addr(), Handler: http.NotFoundHandler(), ReadHeaderTimeout: 10 * time.Second}).ListenAndServeTLS(\"c.pem\", \"k.pem\")"), "{out}");
    assert_go_clean(&out);
}

#[test]
fn declines_frameworks_split_calls_and_dot_imports() {
    let gin = "package main\n\nfunc main() {\n\tr.Run(\":8080\")\n}\n";
    assert_eq!(run(gin, 4, 2, "gin.Run serves with Go's default server"), None);
    let split = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\",\n\t\tnil)\n}\n";
    assert_eq!(run(split, 6, 2, "http.ListenAndServe serves with Go's default server"), None);
    let dot = ALIGNED.replace("\t\"log\"\n", "\t\"log\"\n\t. \"time\"\n");
    assert_eq!(run(&dot, 10, 10, LITERAL_MSG), None);
}

#[test]
fn end_to_end_on_podinfos_server() {
    let src = std::fs::read_to_string("/work/shared/corpus/gorepos/podinfo/pkg/api/http/server.go");
    let Ok(src) = src else { return };
    let files = [("go.mod", "module x\n\ngo 1.26\n"), ("main.go", ALIGNED), ("server.go", src.as_str())];
    let out = e2e::run(&files, &FIXER);
    assert_eq!(out.before.iter().filter(|f| f.rule == FIXER.rule).count(), 2);
    out.assert_clean(FIXER.rule);
    let fixed = out.read("server.go");
    assert!(fixed.contains("\t\t\tReadHeaderTimeout: 10 * time.Second,\n"), "{fixed}");
    if have_go() {
        let o = Command::new("gofmt").arg("-l").arg(out.dir.path()).output().unwrap();
        assert!(o.stdout.is_empty(), "{}", String::from_utf8_lossy(&o.stdout));
    }
}
