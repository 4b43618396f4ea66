//! Every rule, alone, on its fixtures (`tests/fixtures/rules/<rule>/fire` must produce findings
//! of that rule, `pass` none): the human output of each rule's findings is snapshotted, so the
//! snapshot shows exactly what a user sees. A rule without both fixture directories fails here.

use std::path::{Path, PathBuf};

use paved::lint::{self, Report};

fn fixtures() -> PathBuf {
    Path::new("tests/fixtures/rules").to_path_buf()
}

fn lint_dir(dir: &Path) -> Report {
    let options = lint::Options { config: lint::ConfigChoice::None, ..lint::Options::new(vec![dir.to_path_buf()]) };
    lint::run(&options).expect("lint runs")
}

fn only(mut report: Report, rule: &str) -> Report {
    report.findings.retain(|f| f.rule == rule);
    report
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_counterexample() {
    let engine = lint::engine::Engine::load(&[]).unwrap();
    let mut checked = 0;
    for rule in engine.rules() {
        let dir = fixtures().join(&rule.id);
        let (fire, pass) = (dir.join("fire"), dir.join("pass"));
        assert!(fire.is_dir() && pass.is_dir(), "rule {} has no fixtures in {}", rule.id, dir.display());

        let fired = only(lint_dir(&fire), &rule.id);
        assert!(!fired.findings.is_empty(), "{} did not fire on {}", rule.id, fire.display());
        for f in &fired.findings {
            assert!(f.line >= 1 && f.column.is_some_and(|c| c >= 1), "{}: no position: {f:?}", rule.id);
        }
        let text = paved::report::human::render(&fired, false);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix(rule.id.clone());
        settings.bind(|| insta::assert_snapshot!("rule", text));

        let quiet = only(lint_dir(&pass), &rule.id);
        assert!(quiet.findings.is_empty(), "{} fired on its pass fixture: {:#?}", rule.id, quiet.findings);
        // The pass fixtures are clean for every other rule's parse too.
        let all = lint_dir(&pass);
        assert!(all.findings.iter().all(|f| f.rule != "parse-error"), "{}: {:#?}", rule.id, all.findings);
        checked += 1;
    }
    assert_eq!(checked, 50, "the catalogue changed: update the fixture count deliberately");
}

/// CircleCI configs are a CI surface like GitHub and GitLab files: the `run:` steps of jobs and
/// of reusable commands (a `<< pipeline.x >>` expression is not a heredoc hiding the next line)
/// and the `docker:` images of jobs and executors, at their exact positions.
#[test]
fn circleci_findings_point_into_the_config() {
    let located = |rule: &str| -> Vec<(String, u32, Option<u32>)> {
        let report = only(lint_dir(&fixtures().join(rule).join("fire")), rule);
        report
            .findings
            .iter()
            .filter(|f| f.path.ends_with(".circleci/config.yml"))
            .map(|f| (f.path.rsplit_once("/fire/").unwrap().1.to_string(), f.line, f.column))
            .collect()
    };
    let at = |line, col| (".circleci/config.yml".to_string(), line, Some(col));
    assert_eq!(located("go-test-timeout-missing"), [at(5, 14), at(18, 13)]);
    assert_eq!(located("image-latest-tag"), [at(5, 16), at(14, 16)]);
    assert_eq!(located("race-without-cgo"), [at(9, 14)]);
}

/// The secret rules never repeat the secret: not in the message, and not in the human output's
/// source line, which is masked from the value on (CI job logs show that output).
#[test]
fn secret_findings_never_print_the_secret() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "secret-in-plain-env",
            &[
                "s3cr3t-Passw0rd",
                "sk_live",
                "hunter2",
                "npm_",
                "ghp_",
                "changeme",
                "squ_",
                "glpat-",
                "admin123",
                "guest-pw",
            ],
        ),
        (
            "secret-in-configmap",
            &["s3cr3t-Passw0rd", "k-0123456789", "hunter22", "LS0tLS1C", "s3cr3t-pw", "tok-123456"],
        ),
    ];
    for (rule, secrets) in cases {
        let report = only(lint_dir(&fixtures().join(rule).join("fire")), rule);
        assert!(report.findings.len() >= secrets.len().min(4), "{rule}: {:#?}", report.findings);
        let text = paved::report::human::render(&report, false);
        assert!(text.contains("****"), "{text}");
        for s in secrets {
            assert!(!text.contains(s), "{rule} printed {s}:\n{text}");
            assert!(report.findings.iter().all(|f| !f.message.contains(s) && !f.help.contains(s)), "{rule}: {s}");
        }
    }
}
