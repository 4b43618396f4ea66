//! Kustomize in `paved lint` (issue 13), asserted exactly through JSON (rule, path, line,
//! column) on fixture repositories under `tests/fixtures/kustomize/lint/`: overlays over one
//! base (an `images:` entry that fixes a placeholder, one that sets `latest`, a patch that adds
//! probes and security settings, a component, a generator whose hashed name a Deployment uses),
//! a base finding several overlays share, a remote resource and a cycle.

mod common;

use std::path::{Path, PathBuf};

use common::{at as f, lint_json, located, paved, run, text};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/lint")
}

fn messages<'a>(v: &'a Value, rule: &str, path: &str) -> Vec<&'a str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == rule && x["path"] == path)
        .filter_map(|x| x["message"].as_str())
        .collect()
}

#[test]
fn overlays_are_linted_as_built_and_findings_land_where_the_value_comes_from() {
    let v = lint_json(&fixtures().join("app"), &[]);
    // prod's images: entry pins the base's `image: api-image` placeholder and its patch adds the
    // probes (on the paths cmd/api serves) and the security settings: nothing to report, and
    // its patch file is never linted as a Deployment of its own. dev sets `newTag: latest`,
    // probes a path nobody serves and adds a debug sidecar through a component; staging adds
    // nothing, so the base's missing settings are reported once, at the base line, naming the
    // overlays that deploy them.
    let base = "base/deployment.yaml";
    let side = "components/debug-sidecar/sidecar.yaml";
    assert_eq!(
        located(&v["findings"]),
        vec![
            f("capabilities-not-dropped", base, 18, 9),
            f("liveness-probe-missing", base, 18, 9),
            f("privilege-escalation-allowed", base, 18, 9),
            f("readiness-probe-missing", base, 18, 9),
            f("run-as-non-root", base, 18, 9),
            f("seccomp-profile-missing", base, 18, 9),
            f("service-account-token-automounted", base, 18, 9),
            f("capabilities-not-dropped", side, 9, 9),
            f("liveness-probe-missing", side, 9, 9),
            f("privilege-escalation-allowed", side, 9, 9),
            f("read-only-root-fs-missing", side, 9, 9),
            f("readiness-probe-missing", side, 9, 9),
            f("resource-limits-missing", side, 9, 9),
            f("resource-requests-missing", side, 9, 9),
            f("run-as-non-root", side, 9, 9),
            f("seccomp-profile-missing", side, 9, 9),
            f("image-latest-tag", side, 10, 16),
            f("image-latest-tag", "overlays/dev/kustomization.yaml", 11, 11),
            f("probe-path-unserved", "overlays/dev/probes.yaml", 12, 19),
        ]
    );
    // Shared base lines name every root that reaches them; the rest name theirs.
    let shared = messages(&v, "run-as-non-root", base);
    assert!(
        shared[0].ends_with("(kustomizations overlays/dev, overlays/staging; built Deployment \"api\")"),
        "{shared:?}"
    );
    let probes = messages(&v, "liveness-probe-missing", base);
    assert!(probes[0].ends_with("(kustomization overlays/staging, built Deployment \"api\")"), "{probes:?}");
    // The cross-file rule sees through the overlay: the image is the one the Dockerfile builds
    // (linked by the overlay's newName), whose Go code serves /healthz and /readyz.
    let unserved = messages(&v, "probe-path-unserved", "overlays/dev/probes.yaml");
    assert!(unserved[0].contains("/live") && unserved[0].contains("(routes: /healthz, /readyz)"), "{unserved:?}");
    // A `# paved:ignore` in the base applies to every overlay's finding there.
    assert_eq!(located(&v["suppressed"]), vec![f("read-only-root-fs-missing", base, 18, 9)]);
    let paths: Vec<&str> = v["findings"].as_array().unwrap().iter().filter_map(|x| x["path"].as_str()).collect();
    assert!(!paths.iter().any(|p| p.starts_with("overlays/prod")), "{paths:?}");
}

#[test]
fn a_kustomization_render_is_its_build_with_hashed_generator_names() {
    let out = run(paved().current_dir(fixtures().join("app")).args(["render", "overlays/prod"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let built = String::from_utf8_lossy(&out.stdout);
    // The generated ConfigMap gets kustomize's content hash, the prefix and the namespace, and
    // the Deployment's envFrom follows it.
    let name = "prod-api-config-hf678c7m2b";
    assert_eq!(built.matches(name).count(), 2, "{built}");
    assert!(built.contains("image: ghcr.io/acme/api:v1.2.3"), "{built}");
    assert!(built.contains("namespace: prod"), "{built}");
}

#[test]
fn remote_resources_are_not_fetched_and_cycles_are_found() {
    let v = lint_json(&fixtures(), &["remote", "cycle"]);
    assert_eq!(
        located(&v["findings"]),
        vec![
            f("kustomize-build-error", "cycle/b/kustomization.yaml", 4, 3),
            f("kustomize-remote-resource", "remote/kustomization.yaml", 4, 3),
        ]
    );
    let msgs: Vec<&str> = v["findings"].as_array().unwrap().iter().filter_map(|x| x["message"].as_str()).collect();
    assert!(msgs[0].starts_with("kustomization cycle: cycle/a → cycle/b → cycle/a"), "{msgs:?}");
    assert!(msgs[1].contains("was not built: paved never fetches"), "{msgs:?}");
    // The rest of the remote root is built and linted: its Namespace is read.
    assert!(v["summary"]["files"].as_u64().unwrap() >= 5, "{}", v["summary"]);
    // A remote base is a warning: it does not fail the default gate; the cycle does.
    let out = run(paved().current_dir(fixtures()).args(["lint", "--no-config", "remote"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn paths_outside_the_lint_roots_are_findings_not_reads() {
    // Linting one overlay alone: its base is outside what was asked for.
    let v = lint_json(&fixtures().join("app/overlays/staging"), &["."]);
    assert_eq!(located(&v["findings"]), vec![f("kustomize-build-error", "kustomization.yaml", 5, 3)]);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("\"../../base\" leaves the lint roots"), "{msg}");
}

#[test]
fn what_kustomize_refuses_or_silently_overrides_is_a_finding_at_the_line_that_names_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/errors");
    let v = lint_json(&dir, &[]);
    let kustomize: Vec<_> =
        located(&v["findings"]).into_iter().filter(|(rule, ..)| rule.starts_with("kustomize-")).collect();
    assert_eq!(
        kustomize,
        vec![
            f("kustomize-build-error", "absolute/kustomization.yaml", 2, 3),
            f("kustomize-build-error", "component-as-resource/kustomization.yaml", 2, 3),
            f("kustomize-build-error", "duplicate/kustomization.yaml", 3, 3),
            f("kustomize-build-error", "file-outside/overlay/kustomization.yaml", 2, 3),
            f("kustomize-build-error", "invalid-yaml/kustomization.yaml", 2, 3),
            f("kustomize-build-error", "missing-resource/kustomization.yaml", 3, 3),
            // Two patches set the same image: kustomize builds it, the later wins; at its value.
            f("kustomize-patch-conflict", "patch-conflict/pin-image.yaml", 10, 16),
            f("kustomize-patch-unmatched", "smp-unmatched/kustomization.yaml", 4, 9),
            // `vars:` is built without: a warning at the field, the rest of the root linted.
            f("kustomize-unsupported", "unsupported/kustomization.yaml", 3, 1),
        ]
    );
    let msg = |path: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == path && x["rule"].as_str().unwrap().starts_with("kustomize-"))
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(msg("patch-conflict/pin-image.yaml").contains(
        "to \"nginx:1.27.2\", overriding \"nginx:1.27.1\" from an earlier patch (patch-conflict/more-replicas.yaml:11)"
    ));
    assert!(msg("invalid-yaml/kustomization.yaml").contains("invalid-yaml/bad.yaml:4:9: not valid YAML"));
    assert!(msg("file-outside/overlay/kustomization.yaml").contains("kustomize refuses it"));
    assert!(msg("absolute/kustomization.yaml").contains("\"/etc/hostname\" is an absolute path"));
    assert!(msg("duplicate/kustomization.yaml").contains("defined twice (also in duplicate/one.yaml)"));
    // The parts that build are still linted: the other objects of each root are read.
    assert!(v["summary"]["files"].as_u64().unwrap() >= 12, "{}", v["summary"]);
}

#[test]
fn an_unused_patch_is_skipped_and_a_whole_object_beside_it_is_linted() {
    // patch.yaml is commented out of the kustomization: a partial Deployment nobody applies, so
    // not linted (and counted); pod.yaml is a whole object another tool applies: linted.
    let v = lint_json(&fixtures().join("unused"), &[]);
    let paths: std::collections::BTreeSet<&str> =
        v["findings"].as_array().unwrap().iter().filter_map(|x| x["path"].as_str()).collect();
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), ["pod.yaml"]);
    assert_eq!(
        v["summary"]["skipped"]["paths"],
        serde_json::json!([{"files": 1, "path": "./", "reason": "patch or component file no kustomization build uses"}])
    );
    let out = run(paved().current_dir(fixtures().join("unused")).args(["lint", "--no-config"]));
    assert!(
        text(&out).contains("Skipped 1 file (patches and component files no kustomization build uses): ./ (1)."),
        "{}",
        text(&out)
    );
}

#[test]
fn a_chart_a_kustomization_inflates_is_linted_through_it() {
    // helmCharts: renders charts/web with the kustomization's release name and inline values
    // (image tag 1.4.2 over the chart's `latest`): findings land in the chart's template, once,
    // and the chart is not linted on its own with its defaults as well.
    let v = lint_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/helm/app"), &[]);
    let found = located(&v["findings"]);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(_, path, line, col)| path == "charts/web/templates/deployment.yaml" && (*line, *col) == (19, 9)),
        "{found:?}"
    );
    let msgs: Vec<&str> = v["findings"].as_array().unwrap().iter().filter_map(|x| x["message"].as_str()).collect();
    assert!(msgs.iter().all(|m| m.contains("Deployment \"shop-web\"") && !m.contains("release-name")), "{msgs:?}");
    assert!(!found.iter().any(|(rule, ..)| rule == "image-latest-tag"), "{found:?}");
}

#[test]
fn render_says_what_it_could_not_build_and_exits_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/errors");
    let out = run(paved().current_dir(&dir).args(["render", "missing-resource"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // What did build is printed; what did not is on stderr with its file and line.
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind: ConfigMap"), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "missing-resource/kustomization.yaml:3:3: resource \"nope.yaml\" does not exist"
    );
    // A build kustomize would accept, with a warning: printed, and exit 0.
    let out = run(paved().current_dir(&dir).args(["render", "patch-conflict"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("patch-conflict/pin-image.yaml:10:16: warning: patch sets"),
        "{}",
        text(&out)
    );
}

#[test]
fn config_excludes_and_ignores_apply_to_the_files_findings_land_in() {
    // A copy of the app fixture with a .paved.yaml: the component's file is excluded (its
    // findings go, though the dev build still reads it) and one rule is ignored in the base.
    let tmp = tempfile::tempdir().unwrap();
    for (rel, body) in common::read_tree(&fixtures().join("app")) {
        let to = tmp.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, body).unwrap();
    }
    std::fs::write(
        tmp.path().join(".paved.yaml"),
        "exclude:\n  - components/**\nignore:\n  - paths: [base/**]\n    rules: [run-as-non-root]\n    reason: the platform's admission policy sets it\n",
    )
    .unwrap();
    let out = run(paved().current_dir(tmp.path()).args(["lint", "--format", "json"]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let paths: std::collections::BTreeSet<&str> =
        v["findings"].as_array().unwrap().iter().filter_map(|x| x["path"].as_str()).collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["base/deployment.yaml", "overlays/dev/kustomization.yaml", "overlays/dev/probes.yaml"]
    );
    let suppressed = located(&v["suppressed"]);
    assert!(suppressed.contains(&f("run-as-non-root", "base/deployment.yaml", 18, 9)), "{suppressed:?}");
}

#[test]
fn a_value_valuesinline_sets_is_reported_in_the_kustomization() {
    // The same chart with `valuesInline: {image: {tag: latest}}`: the image finding lands on the
    // kustomization line that sets the tag, not on the template or the chart's values.yaml.
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/helm/app");
    for (rel, body) in common::read_tree(&src) {
        let to = tmp.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, body.replace("tag: \"1.4.2\"", "tag: latest")).unwrap();
    }
    let v = lint_json(tmp.path(), &[]);
    let images: Vec<_> = located(&v["findings"]).into_iter().filter(|(rule, ..)| rule == "image-latest-tag").collect();
    assert_eq!(images, vec![f("image-latest-tag", "kustomization.yaml", 10, 12)]);
}

#[test]
fn a_flux_kustomization_object_is_a_manifest_not_a_kustomization() {
    // clusters/prod/kustomization.yaml holds a kustomize.toolkit.fluxcd.io Kustomization: it is
    // linted as the manifest it is, not built (and not reported as an unsupported kustomization).
    let v = lint_json(&fixtures().join("flux"), &[]);
    assert_eq!(located(&v["findings"]), vec![]);
    assert_eq!(v["summary"]["files"], 1);
}
