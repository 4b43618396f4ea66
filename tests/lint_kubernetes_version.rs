//! `kubernetes-version`: the cluster version manifests and charts target. A lower target turns
//! a removal into a deprecation warning, or into nothing before the deprecation; charts are
//! rendered for the target, so a chart that asks `.Capabilities` takes that version's branch;
//! a version paved does not know is a config error (exit 2).

mod common;

use std::fs;
use std::path::Path;

use common::{paved, run, text};
use paved::lint::{self, ConfigChoice, Options};

const PDB: &str = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n";

const CHART: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\n";

const PSP: &str = "{{- if .Capabilities.APIVersions.Has \"policy/v1beta1/PodSecurityPolicy\" }}\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: web\nspec:\n  privileged: false\n{{- end }}\n";

/// (severity, path, line) of each removed-api-version finding, linting `dir` with `config`.
fn findings(dir: &Path, config: Option<&str>) -> Vec<(String, String, u32)> {
    let choice = match config {
        Some(text) => {
            let file = dir.join(".paved.yaml");
            fs::write(&file, text).unwrap();
            ConfigChoice::File(file)
        }
        None => ConfigChoice::None,
    };
    let report = lint::run(&Options { config: choice, ..Options::new(vec![dir.to_path_buf()]) }).expect("lint runs");
    let root = format!("{}/", dir.file_name().unwrap().to_string_lossy());
    report
        .findings
        .iter()
        .filter(|f| f.rule == "removed-api-version")
        .map(|f| {
            (
                f.severity.as_str().to_string(),
                f.path.rsplit_once(&root).map_or(f.path.clone(), |(_, p)| p.to_string()),
                f.line,
            )
        })
        .collect()
}

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("pdb.yaml"), PDB).unwrap();
    fs::create_dir_all(tmp.path().join("chart/templates")).unwrap();
    fs::write(tmp.path().join("chart/Chart.yaml"), CHART).unwrap();
    fs::write(tmp.path().join("chart/templates/psp.yaml"), PSP).unwrap();
    tmp
}

#[test]
fn a_lower_target_turns_a_removal_into_a_warning_or_nothing() {
    let tmp = repo();
    // The apiVersion line: the manifest's first, the template's second (after its `if`).
    let at =
        |severity: &str, path: &str| (severity.to_string(), path.to_string(), if path == "pdb.yaml" { 1 } else { 2 });
    // The default, the newest release paved knows: removed in 1.25, an error; the chart's PSP
    // branch is not taken (a 1.36 cluster does not serve PodSecurityPolicy).
    assert_eq!(findings(tmp.path(), None), [at("error", "pdb.yaml")]);
    // 1.24: deprecated, still served: warnings, and the chart now renders its PSP.
    assert_eq!(
        findings(tmp.path(), Some("kubernetes-version: \"1.24\"\n")),
        [at("warning", "chart/templates/psp.yaml"), at("warning", "pdb.yaml")]
    );
    // 1.20: before the deprecation (policy/v1 came in 1.21): nothing to say.
    assert_eq!(findings(tmp.path(), Some("kubernetes-version: \"1.20\"\n")), []);
    // A severity the config sets wins over the finding's own.
    assert_eq!(
        findings(tmp.path(), Some("kubernetes-version: \"1.24\"\nrules:\n  removed-api-version: error\n")),
        [at("error", "chart/templates/psp.yaml"), at("error", "pdb.yaml")]
    );
}

#[test]
fn an_unknown_version_is_a_config_error() {
    let tmp = repo();
    for bad in ["kubernetes-version: \"1.99\"\n", "kubernetes-version: 1.30\n", "kubernetes-version: latest\n"] {
        fs::write(tmp.path().join(".paved.yaml"), bad).unwrap();
        let out = run(paved().current_dir(tmp.path()).args(["lint", "."]));
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out));
        assert!(text(&out).contains(".paved.yaml:1:21: kubernetes-version:"), "{bad:?}: {}", text(&out));
    }
}
