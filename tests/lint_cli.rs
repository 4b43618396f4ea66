//! `paved lint` end to end through the binary: exact JSON findings on a small realistic repo,
//! exit codes, hostile input that must become parse-error findings without stopping the run,
//! and zero findings on every project `paved new` generates.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{paved, run, text};
use serde_json::Value;

fn lint(dir: &Path, args: &[&str]) -> Output {
    run(paved().current_dir(dir).arg("lint").args(args))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

fn triples(v: &Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().into(), f["path"].as_str().unwrap().into(), f["line"].as_u64().unwrap()))
        .collect()
}

#[test]
fn realistic_repo_exact_findings() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repos/service");
    let out = lint(&repo, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    let s = |x: &str| x.to_string();
    assert_eq!(
        triples(&v),
        vec![
            // The job sets no `permissions:` and neither does the workflow (a warning).
            (s("workflow-permissions-broad"), s(".github/workflows/ci.yml"), 4),
            (s("image-latest-tag"), s(".github/workflows/ci.yml"), 6),
            (s("go-test-timeout-missing"), s(".github/workflows/ci.yml"), 11),
            // `COPY . .` at the repository root, and no .dockerignore.
            (s("docker-context-unfiltered"), s("Dockerfile"), 5),
            (s("cgo-not-disabled"), s("Dockerfile"), 7),
            // No dockerfile-user-root: the final stage is distroless `:nonroot`, which runs as 65532.
            (s("go-test-timeout-missing"), s("Makefile"), 5),
            (s("liveness-probe-missing"), s("deploy/k8s.yaml"), 20),
            (s("resource-limits-missing"), s("deploy/k8s.yaml"), 20),
            (s("seccomp-profile-missing"), s("deploy/k8s.yaml"), 20),
            // The default service account, which nothing binds: its token is not needed.
            (s("service-account-token-automounted"), s("deploy/k8s.yaml"), 20),
        ]
    );
    // Dockerfile, Makefile, workflow, manifest, go.mod, main.go; ignored/Dockerfile (FROM
    // ubuntu) is in .gitignore and must not be linted.
    assert_eq!(v["summary"]["files"], 6);
    assert_eq!(v["summary"]["findings"], 10);
    assert_eq!(v["summary"]["errors"], 6);
    assert_eq!(v["version"], 1);
    let first = &v["findings"][1];
    assert_eq!(first["column"], 16);
    assert_eq!(first["severity"], "error");
    assert!(first["help"].as_str().unwrap().contains("Pin a version tag"));

    // Paths are relative to the current directory, with `/`.
    let out = run(paved().current_dir(repo.parent().unwrap()).args(["lint", "service/Makefile", "--format", "json"]));
    assert_eq!(triples(&json(&out)), vec![(s("go-test-timeout-missing"), s("service/Makefile"), 5)]);
}

#[test]
fn exit_codes_follow_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    // Only a hardening finding (a warning): exit 0 by default, 1 with --fail-on warning.
    fs::write(
        tmp.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: busybox:1.36\n    resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n",
    )
    .unwrap();
    assert_eq!(lint(tmp.path(), &[]).status.code(), Some(0));
    assert_eq!(lint(tmp.path(), &["--fail-on", "warning"]).status.code(), Some(1));
    assert_eq!(lint(tmp.path(), &["--fail-on", "never"]).status.code(), Some(0));
    let out = lint(tmp.path(), &["--format", "json"]);
    assert_eq!(
        triples(&json(&out)),
        vec![
            ("read-only-root-fs-missing".into(), "pod.yaml".into(), 7),
            ("service-account-token-automounted".into(), "pod.yaml".into(), 7)
        ]
    );
    for bad in [&["--format", "xml"][..], &["--fail-on", "fatal"][..]] {
        let out = lint(tmp.path(), bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out));
    }
    let out = lint(tmp.path(), &["does-not-exist"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("parse-error") && text(&out).contains("does-not-exist"), "{}", text(&out));
}

#[test]
fn output_file_and_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("Dockerfile"), "FROM alpine\nUSER 1\n").unwrap();
    let out = lint(tmp.path(), &["--output", "report.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&fs::read_to_string(tmp.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["rule"], "image-latest-tag");
    // Not a TTY: never colour.
    let out = lint(tmp.path(), &[]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'), "{}", text(&out));
}

/// Hostile input: each bad file becomes a parse-error finding at its line, and the healthy file
/// beside them is still linted.
#[test]
fn hostile_files_become_findings_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(
        d.join("healthy.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n",
    )
    .unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in
        ["b", "c", "d", "e", "f", "g", "h", "i", "j"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    fs::write(d.join("bomb.yaml"), bomb).unwrap();
    fs::write(d.join("deep.yaml"), "[".repeat(100_000)).unwrap();
    fs::write(d.join("invalid.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n").unwrap();
    fs::write(d.join("binary.yaml"), b"apiVersion: v1\x00\x01\x02kind: Pod\n").unwrap();
    fs::write(d.join("latin1.Dockerfile"), b"FROM alpine:3.20\n# caf\xe9\nUSER 0\n").unwrap();
    fs::write(d.join("nofrom.Dockerfile"), "RUN echo hi\n").unwrap();
    fs::create_dir_all(d.join("make")).unwrap();
    fs::write(d.join("make/Makefile"), "build:\n\tgo build ./...\n\ntest:\n    go test ./...\n").unwrap();
    fs::write(d.join("huge.yaml"), vec![b'#'; 50 * 1024 * 1024]).unwrap();
    // A chart whose template includes itself.
    fs::create_dir_all(d.join("chart/templates")).unwrap();
    fs::write(d.join("chart/Chart.yaml"), "apiVersion: v2\nname: loop\nversion: 0.1.0\n").unwrap();
    fs::write(d.join("chart/templates/_loop.tpl"), "{{- define \"loop\" -}}{{ include \"loop\" . }}{{- end -}}\n")
        .unwrap();
    fs::write(
        d.join("chart/templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ include \"loop\" . }}\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
        std::os::unix::fs::symlink(d.join("missing"), d.join("dangling.yaml")).unwrap();
        let fifo = d.join("fifo.yaml");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    }

    let start = std::time::Instant::now();
    // Bounded memory: the whole run must fit in 4 GiB of address space (thread stacks
    // included), far below what an expanded alias bomb or a read 50 MB file would take.
    let script = format!("ulimit -v 4194304 && exec {} lint --format json", env!("CARGO_BIN_EXE_paved"));
    let out = run(std::process::Command::new("sh").current_dir(d).args(["-c", &script]).env("NO_COLOR", "1"));
    assert!(start.elapsed().as_secs() < 30, "lint took {:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    let found = triples(&v);
    let has = |rule: &str, path: &str| found.iter().any(|(r, p, _)| r == rule && p == path);
    for path in ["bomb.yaml", "deep.yaml", "invalid.yaml", "binary.yaml", "nofrom.Dockerfile", "huge.yaml"] {
        assert!(has("parse-error", path), "no parse-error for {path}: {found:?}");
    }
    let recursion =
        v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "helm-render-error").expect("render error");
    assert_eq!(
        (recursion["path"].as_str(), recursion["line"].as_u64()),
        (Some("chart/templates/cm.yaml"), Some(6)),
        "{recursion}"
    );
    assert!(recursion["message"].as_str().unwrap().contains("nested reference name: loop"), "{recursion}");

    // The size limit is configurable.
    fs::write(d.join(".paved.yaml"), "max-file-size: 64MB\n").unwrap();
    let sized = json(&lint(d, &["--format", "json", "huge.yaml"]));
    assert_eq!(sized["findings"], serde_json::json!([]), "a 50 MB comment-only YAML file under a 64 MB limit");
    fs::remove_file(d.join(".paved.yaml")).unwrap();
    let make = v["findings"].as_array().unwrap().iter().find(|f| f["path"] == "make/Makefile").expect("Makefile");
    assert_eq!((make["rule"].as_str(), make["line"].as_u64()), (Some("parse-error"), Some(5)), "{make}");
    assert!(make["message"].as_str().unwrap().contains("must start with a tab"), "{make}");
    let invalid = v["findings"].as_array().unwrap().iter().find(|f| f["path"] == "invalid.yaml").unwrap();
    assert_eq!((invalid["line"].as_u64(), invalid["column"].as_u64()), (Some(4), Some(9)), "{invalid}");
    assert!(invalid["message"].as_str().unwrap().contains("unclosed bracket"), "{invalid}");
    // Non-UTF-8 text is linted lossily; the healthy file is linted normally.
    assert!(has("dockerfile-user-root", "latin1.Dockerfile"), "{found:?}");
    assert!(has("image-latest-tag", "healthy.yaml"), "{found:?}");
    // Links and FIFOs are neither followed nor read.
    assert!(
        !found.iter().any(|(_, p, _)| p.contains("loop/") || p.contains("fifo") || p.contains("dangling")),
        "{found:?}"
    );
}

#[test]
fn generated_projects_lint_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let variants: &[(&str, &[&str])] = &[
        ("default", &[]),
        ("gitlab", &["--ci", "gitlab"]),
        ("both", &["--ci", "both", "--module", "github.com/acme/both", "--deploy", "helm"]),
        ("no-deploy", &["--ci", "both", "--deploy", "none"]),
        ("none", &["--ci", "none", "--no-helm"]),
        ("other", &["--port", "9090", "--go-version", "1.24", "--registry", "registry.example.com:5000/team"]),
    ];
    for (name, extra) in variants {
        let dir = common::generate(tmp.path(), name, extra);
        let out = lint(&dir, &["--format", "json", "--fail-on", "info"]);
        let v = json(&out);
        assert_eq!(v["findings"], serde_json::json!([]), "{name}: {}", text(&out));
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert!(v["summary"]["files"].as_u64().unwrap() >= 3, "{name}: {v}");
    }
}

/// Helm charts are rendered and linted; findings land in the chart: the values.yaml entry a
/// flagged value comes from, or the template line that produced the object; suppressions in
/// templates work through rendering; a chart that cannot render is a helm-render-error at the
/// template line; --values changes what is rendered.
#[test]
fn helm_charts_are_rendered_linted_and_mapped_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repos/charts");
    let v = json(&lint(&dir, &["--format", "json"]));
    let entries = |key: &str| common::located(&v[key]);
    let e = |r: &str, p: &str, l: u64, c: u64| (r.to_string(), p.to_string(), l, c);
    assert_eq!(
        entries("findings"),
        [e("image-latest-tag", "app/values.yaml", 3, 8), e("helm-render-error", "broken/templates/pod.yaml", 8, 17)]
    );
    let messages: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("chart app, templates/deployment.yaml, rendered Deployment \"app\""), "{messages:?}");
    assert!(messages[1].contains("image.repository is required"), "{messages:?}");
    assert_eq!(
        entries("suppressed"),
        [
            e("capabilities-not-dropped", "app/templates/deployment.yaml", 15, 11),
            e("liveness-probe-missing", "app/templates/deployment.yaml", 15, 11)
        ]
    );

    // A values file that pins the tag and names the image fixes both.
    let tmp = tempfile::tempdir().unwrap();
    let values = tmp.path().join("prod.yaml");
    fs::write(&values, "image:\n  repository: ghcr.io/acme/app\n  tag: \"1.2.3\"\n").unwrap();
    let out = lint(&dir, &["app", "--format", "json", "--values", values.to_str().unwrap()]);
    let v = json(&out);
    assert_eq!(v["findings"], serde_json::json!([]), "{}", text(&out));
    assert_eq!(out.status.code(), Some(0));
}

/// A chart that generates its webhook's certificate at render time (genCA, genSignedCert)
/// lints like any other: no helm-render-error, its findings at their template lines, and the
/// same report on every run though the certificate is new each time (fingerprints hash the
/// chart's source lines, not rendered text).
#[test]
fn charts_generating_certificates_lint_reproducibly() {
    use base64::Engine as _;
    use x509_cert::der::Decode as _;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts");
    let out = lint(&dir, &["webhook", "--format", "json"]);
    let v = json(&out);
    let e = |r: &str, p: &str, l: u64, c: u64| (r.to_string(), p.to_string(), l, c);
    assert_eq!(
        common::located(&v["findings"]),
        [
            e("liveness-probe-missing", "webhook/templates/deployment.yaml", 16, 11),
            e("service-account-token-automounted", "webhook/templates/deployment.yaml", 16, 11)
        ],
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lint(&dir, &["webhook", "--format", "json"]).stdout, out.stdout, "the report is reproducible");
    let sarif = || lint(&dir, &["webhook", "--format", "sarif"]).stdout;
    assert_eq!(sarif(), sarif(), "so are the SARIF fingerprints");

    // What paved render prints is a new certificate each time, issued by the CA it ships.
    let render = || {
        let out = run(paved().current_dir(&dir).args(["render", "webhook"]));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let manifest = render();
    assert_ne!(render(), manifest);
    let cert = |key: &str| {
        let line = manifest.lines().find(|l| l.trim_start().starts_with(&format!("{key}: "))).expect(key);
        let pem = base64::engine::general_purpose::STANDARD.decode(line.split_once(": ").unwrap().1).unwrap();
        let pem = String::from_utf8(pem).unwrap();
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        x509_cert::Certificate::from_der(&der).unwrap()
    };
    let (leaf, ca) = (cert("tls.crt"), cert("ca.crt"));
    assert_eq!(leaf.tbs_certificate().issuer(), ca.tbs_certificate().subject());
    assert_eq!(ca.tbs_certificate().subject().to_string(), "CN=x-ca");
    assert_eq!(leaf.tbs_certificate().subject().to_string(), "CN=svc.ns.svc");
    assert!(manifest.contains("tls.key: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ"), "an RSA PRIVATE KEY");
}

/// `paved render` prints what paved lints, in `helm template`'s shape.
#[test]
fn render_prints_helm_template_shape() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repos/charts");
    let out = run(paved().current_dir(&dir).args(["render", "app", "--release", "web", "--namespace", "prod"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1\n"), "{stdout}");
    assert!(stdout.contains("image: \"nginx:latest\""), "{stdout}");
    let out = run(paved().current_dir(&dir).args(["render", "broken"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("image.repository is required"), "{}", text(&out));
}

/// Files and directories that cannot be read are findings at their own path, and the rest of
/// the tree is still linted (as root, paved runs as `nobody`, since root reads everything).
#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(d.join("Dockerfile"), "FROM alpine:latest\nUSER 1\n").unwrap();
    fs::write(d.join("secret.Dockerfile"), "FROM alpine\n").unwrap();
    fs::set_permissions(d.join("secret.Dockerfile"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::create_dir(d.join("locked")).unwrap();
    fs::write(d.join("locked/Dockerfile"), "FROM alpine\n").unwrap();
    fs::set_permissions(d.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let out = run(common::paved_unprivileged().current_dir(d).args(["lint", "--no-config", "--format", "json"]));
    fs::set_permissions(d.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    let found = triples(&v);
    assert!(found.contains(&("parse-error".into(), "secret.Dockerfile".into(), 1)), "{found:?}");
    assert!(found.contains(&("parse-error".into(), "locked".into(), 1)), "{found:?}");
    assert!(found.contains(&("image-latest-tag".into(), "Dockerfile".into(), 1)), "{found:?}");
    let messages: Vec<&str> = v["findings"].as_array().unwrap().iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("permission denied") || m.contains("Permission denied")),
        "{messages:?}"
    );
}

/// A Makefile's `include`d variables are known (`$(GO) test` with `GO ?= go` in
/// Makefile.common is a `go test`), and the included file's own recipes are linted in it.
#[test]
fn makefile_includes_lend_their_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("Makefile"), "include Makefile.common\n\ntest:\n\t$(GO) test ./...\n").unwrap();
    fs::write(d.join("Makefile.common"), "GO ?= go\n\ncommon-test:\n\t$(GO) test -race ./...\n").unwrap();
    fs::write(d.join("outside.mk"), "GO = go\n").unwrap();
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(d.join("sub/Makefile"), "include ../outside.mk\n\ntest:\n\t$(GO) test ./...\n").unwrap();
    let v = json(&lint(d, &["--no-config", "--format", "json"]));
    let found: Vec<(String, String, u64)> =
        triples(&v).into_iter().filter(|(r, _, _)| r == "go-test-timeout-missing").collect();
    let rule = |p: &str| ("go-test-timeout-missing".to_string(), p.to_string(), 4);
    assert_eq!(found, vec![rule("Makefile"), rule("Makefile.common"), rule("sub/Makefile")], "{v}");
    // Linting sub/ alone: ../outside.mk is outside what paved was asked to lint, so unread.
    let v = json(&lint(&d.join("sub"), &["--no-config", "--format", "json"]));
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    // Nor is an absolute include, or one reached through a symlink out of the root.
    fs::write(
        d.join("sub/Makefile"),
        format!("include {}\n\ntest:\n\t$(GO) test ./...\n", d.join("outside.mk").display()),
    )
    .unwrap();
    let v = json(&lint(&d.join("sub"), &["--no-config", "--format", "json"]));
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("outside.mk"), d.join("sub/link.mk")).unwrap();
        fs::write(d.join("sub/Makefile"), "include link.mk\n\ntest:\n\t$(GO) test ./...\n").unwrap();
        let v = json(&lint(&d.join("sub"), &["--no-config", "--format", "json"]));
        assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    }
}
