//! Every output format on one hand-built report: a few findings across two files, all three
//! severities, one finding without a column, one message that needs escaping, suppressed
//! findings, and the real rule catalogue. Each format is an insta snapshot
//! (`snapshots/format@<name>.snap`); SARIF is validated against the official 2.1.0 schema;
//! the fingerprints of SARIF and GitLab must survive lines inserted above the findings.

use std::collections::HashSet;
use std::path::Path;

use paved::fix::{Edit, Fix};
use paved::lint::engine::Engine;
use paved::lint::finding::{FailOn, Finding, Severity, Sources, Suppressed, SuppressionKind};
use paved::lint::{self, Report, catalogue};
use paved::report::{self, Format};
use serde_json::Value;

const DOCKERFILE: &str = "\
FROM golang AS build
WORKDIR /src
RUN go build -o /out/app ./cmd/app
FROM alpine:3.20
COPY --from=build /out/app /app
ENTRYPOINT [\"/app\"]
";

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
        - name: sidecar
          image: nginx:latest
";

/// The message that needs escaping in every format: `%`, `:`, `,` and a newline.
const TRICKY: &str =
    "`go build` runs with CGO_ENABLED unset: 100% of builds link libc,\nso the binary needs glibc at runtime";

fn finding(rule: &str, severity: Severity, path: &str, line: u32, column: Option<u32>, message: &str) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity,
        path: path.to_string(),
        line,
        column,
        message: message.to_string(),
        help: format!("Fix for {rule}."),
        fix: None,
        hint: None,
    }
}

/// The report, with every finding `shift` lines further down (and as many comment lines added
/// at the top of each source).
fn report(shift: u32) -> Report {
    let pad = "# a comment line added above\n".repeat(shift as usize);
    let (d, m) = ("Dockerfile", "deploy/app.yaml");
    let mut findings = vec![
        finding(
            "image-latest-tag",
            Severity::Error,
            d,
            1,
            Some(6),
            "image `golang` has no tag or digest (it means `latest`)",
        ),
        finding("cgo-not-disabled", Severity::Error, d, 3, Some(5), TRICKY),
        finding(
            "dockerfile-user-root",
            Severity::Warning,
            d,
            4,
            None,
            "the final stage has no USER: the container runs as root",
        ),
        finding(
            "capabilities-not-dropped",
            Severity::Info,
            m,
            9,
            Some(11),
            "container `web` does not drop ALL capabilities",
        ),
        finding(
            "liveness-probe-missing",
            Severity::Error,
            m,
            9,
            Some(11),
            "container `web` of Deployment `web` has no livenessProbe",
        ),
        finding("image-latest-tag", Severity::Error, m, 10, Some(18), "image `nginx:latest` uses the `latest` tag"),
        finding(
            "liveness-probe-missing",
            Severity::Error,
            m,
            11,
            Some(11),
            "container `sidecar` of Deployment `web` has no livenessProbe",
        ),
        finding("image-latest-tag", Severity::Error, m, 12, Some(18), "image `nginx:latest` uses the `latest` tag"),
    ];
    let mut suppressed = vec![
        Suppressed {
            finding: finding("run-as-non-root", Severity::Error, m, 9, Some(11), "container `web` may run as root"),
            reason: "nginx drops to user 101 itself; reviewed by security".to_string(),
            kind: SuppressionKind::Annotation,
        },
        Suppressed {
            finding: finding(
                "run-as-non-root",
                Severity::Error,
                m,
                11,
                Some(11),
                "container `sidecar` may run as root",
            ),
            reason: "accepted in the baseline of 2026-11-02".to_string(),
            kind: SuppressionKind::Baseline,
        },
    ];
    for f in findings.iter_mut().chain(suppressed.iter_mut().map(|s| &mut s.finding)) {
        f.line += shift;
    }
    // One fixable finding: `CGO_ENABLED=0 ` inserted before `go build` (JSON's edits, SARIF's
    // `fixes`, human's mark and fix line).
    let dockerfile = format!("{pad}{DOCKERFILE}");
    let at = dockerfile.find("go build").expect("the build command");
    findings[1].fix =
        Fix::safe("set `CGO_ENABLED=0` for `go build`", vec![Edit::insert(d, &dockerfile, at, "CGO_ENABLED=0 ")])
            .map(Box::new);
    Report {
        findings,
        suppressed,
        files: 5,
        rules: catalogue::all(Engine::load(&[]).expect("built-in policies load").rules()),
        sources: {
            let mut s = Sources::default();
            s.keep_all(d, &format!("{pad}{DOCKERFILE}"));
            s.keep_all(m, &format!("{pad}{MANIFEST}"));
            s
        },
        charts: Vec::new(),
        kustomizations: Vec::new(),
        skipped: Vec::new(),
        policy_errors: Vec::new(),
        // Errors and warnings fail, info does not: JUnit shows both sides of the threshold.
        fail_on: FailOn::At(Severity::Warning),
        config: None,
        // Compared against a baseline: SARIF marks each result `new` or `unchanged`.
        baseline: Some(".paved-baseline.json".to_string()),
        repository: paved::lint::repository::Repository {
            name: "acme/orders".into(),
            root: ".".into(),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        },
    }
}

fn render(format: &str, report: &Report) -> String {
    report::render(Format::parse(format).expect("known format"), report, false)
}

/// The output with the crate version masked, so a release does not change the snapshots.
fn snapshot(format: &str, text: &str) {
    let version = env!("CARGO_PKG_VERSION");
    let text = text
        .replace(&format!("\"version\": \"{version}\""), "\"version\": \"[version]\"")
        .replace(&format!("\"semanticVersion\": \"{version}\""), "\"semanticVersion\": \"[version]\"");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(format);
    settings.bind(|| insta::assert_snapshot!("format", text));
}

fn sarif_json(report: &Report) -> Value {
    serde_json::from_str(&render("sarif", report)).expect("SARIF is JSON")
}

fn schema_errors(instance: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles");
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_format_parses_and_is_snapshotted() {
    for name in Format::NAMES {
        assert!(Format::parse(name).is_some(), "{name}");
    }
    assert_eq!(Format::parse("xml"), None);
    let r = report(0);
    for name in ["human", "json", "sarif", "junit", "github", "gitlab"] {
        snapshot(name, &render(name, &r));
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let r = report(0);
    let log = sarif_json(&r);
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "SARIF output violates the 2.1.0 schema:\n{}", errors.join("\n"));

    // The validator really checks: a wrong level is caught.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema_errors(&broken).is_empty(), "the schema check accepts anything");
}

#[test]
fn sarif_lists_the_whole_catalogue_and_marks_suppressions() {
    let r = report(0);
    let log = sarif_json(&r);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for meta in &r.rules {
        assert!(ids.contains(&meta.id.as_str()), "{} missing from driver.rules", meta.id);
    }
    assert!(ids.contains(&"parse-error"));
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["helpUri"], format!("{}#{id}", report::RULES_DOC_URL));
        assert!(rule["name"].as_str().unwrap().chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        let expected = match level {
            "error" => "8.0",
            "warning" => "5.0",
            "note" => "2.0",
            other => panic!("{id}: level {other}"),
        };
        assert_eq!(rule["properties"]["security-severity"], expected, "{id}");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len() + r.suppressed.len());
    for res in results {
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], res["ruleId"], "ruleIndex points at the rule");
    }
    let suppressions: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|res| res.get("suppressions"))
        .map(|s| (s[0]["kind"].as_str().unwrap(), s[0]["justification"].as_str().unwrap()))
        .collect();
    assert_eq!(
        suppressions,
        [
            ("inSource", "nginx drops to user 101 itself; reviewed by security"),
            ("external", "accepted in the baseline of 2026-11-02")
        ]
    );
    let no_column = results.iter().find(|res| res["ruleId"] == "dockerfile-user-root").unwrap();
    let region = &no_column["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert!(region.get("startColumn").is_none());
}

#[test]
fn github_commands_are_escaped_exactly() {
    let text = render("github", &report(0));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "one command per unsuppressed finding:\n{text}");
    assert_eq!(
        lines[1],
        "::error file=Dockerfile,line=3,col=5,title=cgo-not-disabled::`go build` runs with CGO_ENABLED unset: \
         100%25 of builds link libc,%0Aso the binary needs glibc at runtime%0A%0Ahelp: Fix for cgo-not-disabled."
    );
    assert_eq!(
        lines[2],
        "::warning file=Dockerfile,line=4,title=dockerfile-user-root::the final stage has no USER: the container \
         runs as root%0A%0Ahelp: Fix for dockerfile-user-root."
    );
    assert!(lines[3].starts_with("::notice file=deploy/app.yaml,line=9,col=11,title=capabilities-not-dropped::"));
    assert!(!text.contains("run-as-non-root"), "suppressed findings are not annotated");
    assert_eq!(paved::report::github::escape_property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
}

#[test]
fn gitlab_fingerprints_are_unique_and_suppressed_findings_omitted() {
    let r = report(0);
    let issues: Vec<Value> = serde_json::from_str(&render("gitlab", &r)).unwrap();
    assert_eq!(issues.len(), r.findings.len());
    let fingerprints: HashSet<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints collide");
    let severities: Vec<&str> = issues.iter().map(|i| i["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, ["major", "major", "minor", "info", "major", "major", "major", "major"]);
    assert!(issues.iter().all(|i| i["check_name"] != "run-as-non-root"));
}

#[test]
fn junit_is_xml_with_the_right_counts() {
    let text = render("junit", &report(0));
    let parsed = quick_junit::Report::deserialize_from_str(&text).expect("JUnit output parses as JUnit XML");
    assert_eq!(parsed.test_suites.len(), 1);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.name.as_str(), "paved lint");
    // Test cases: one per rule × file with findings (6, of which capabilities-not-dropped, an
    // info below `--fail-on warning`, passes), plus one skipped case for the suppressed ones.
    assert_eq!((suite.tests, suite.failures, suite.skipped, suite.errors), (7, 5, 1, 0), "{text}");
    assert!(text.contains(r#"<testcase name="image-latest-tag: deploy/app.yaml" classname="image-latest-tag""#));
    assert!(text.contains("deploy/app.yaml:10:18: image `nginx:latest` uses the `latest` tag\n"));
    assert!(text.contains("Dockerfile:4: the final stage has no USER"), "no column, no `:col`");
    assert!(!text.contains(r#"name="paved lint" classname"#), "no summary case when something failed");

    let mut clean = report(0);
    clean.findings.clear();
    clean.suppressed.clear();
    let text = render("junit", &clean);
    let parsed = quick_junit::Report::deserialize_from_str(&text).unwrap();
    let suite = &parsed.test_suites[0];
    assert_eq!((suite.tests, suite.failures), (1, 0), "a clean run still shows a passing test:\n{text}");
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let (before, after) = (report(0), report(3));
    let line_hashes = |r: &Report| -> Vec<(String, String)> {
        let log = sarif_json(r);
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|res| {
                (
                    res["ruleId"].as_str().unwrap().to_string(),
                    res["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let hashes = line_hashes(&before);
    assert_eq!(hashes, line_hashes(&after));
    assert_eq!(hashes.iter().collect::<HashSet<_>>().len(), hashes.len(), "line hashes are unique per result");

    let fingerprints = |r: &Report| -> Vec<String> {
        let issues: Vec<Value> = serde_json::from_str(&render("gitlab", r)).unwrap();
        issues.iter().map(|i| i["fingerprint"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(fingerprints(&before), fingerprints(&after));

    // The lines did move: the outputs differ, only the fingerprints stay.
    assert_ne!(render("gitlab", &before), render("gitlab", &after));
}

#[test]
fn real_lint_output_is_valid_in_every_format() {
    let mut options = lint::Options::new(vec!["tests/fixtures/rules".into(), "tests/fixtures/repos".into()]);
    options.config = lint::ConfigChoice::None;
    let r = lint::run(&options).expect("lint runs");
    assert!(r.findings.len() > 20, "the fixtures should produce findings: {}", r.findings.len());

    let errors = schema_errors(&sarif_json(&r));
    assert!(errors.is_empty(), "SARIF output violates the 2.1.0 schema:\n{}", errors.join("\n"));

    let issues: Vec<Value> = serde_json::from_str(&render("gitlab", &r)).unwrap();
    let fingerprints: HashSet<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), r.findings.len(), "GitLab fingerprints collide on real findings");

    let parsed = quick_junit::Report::deserialize_from_str(&render("junit", &r)).expect("JUnit parses");
    let groups: HashSet<(&str, &str)> = r.findings.iter().map(|f| (f.rule.as_str(), f.path.as_str())).collect();
    assert!(parsed.test_suites[0].tests >= groups.len());

    assert_eq!(render("github", &r).lines().count(), r.findings.len());
}

#[test]
fn sarif_describes_rules_missing_from_the_catalogue() {
    let mut r = report(0);
    r.rules.retain(|m| m.id != "parse-error");
    r.findings.push(finding("parse-error", Severity::Error, "broken.yaml", 2, Some(1), "did not find expected key"));
    r.findings.push(finding("made-up-rule", Severity::Warning, "broken.yaml", 3, None, "from nowhere"));
    let log = sarif_json(&r);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids[ids.len() - 2..], ["parse-error", "made-up-rule"]);
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
