//! Scans of the key and value parts; the editing tests are in the fixers' modules and below.
use super::*;
use crate::fix::apply;

fn apply_all(text: &str, edits: &[Edit]) -> String {
    apply::apply(text, &edits.iter().collect::<Vec<_>>()).unwrap()
}

fn sc(k: &str, v: &str) -> Vec<(String, New)> {
    vec![(k.to_string(), New::scalar(v))]
}

const DEPLOY: &str = "spec:\n  template:\n    spec:\n      containers:\n      - name: app # the app\n        image: x:1\n        securityContext:\n          runAsUser: 1000\n        ports:\n        - containerPort: 80\n";

#[test]
fn merges_into_an_existing_mapping_as_its_first_child() {
    let d = Doc::new("d.yaml", DEPLOY, false);
    let item = d.item(5).unwrap();
    let e = d.merge(&item, &["securityContext"], sc("runAsNonRoot", "true")).unwrap();
    let out = apply_all(DEPLOY, &e);
    assert!(
        out.contains("        securityContext:\n          runAsNonRoot: true\n          runAsUser: 1000\n"),
        "{out}"
    );
    // Already there: no edit.
    assert!(d.merge(&item, &["securityContext"], sc("runAsUser", "1")).is_none());
}

#[test]
fn creates_the_parent_after_the_items_first_line_with_the_files_step() {
    let t = "metadata:\r\n    name: m\r\ncontainers:\r\n    -   name: app\r\n        image: x\r\n";
    let d = Doc::new("d.yaml", t, false);
    let item = d.item(4).unwrap();
    let e = d.merge(&item, &["securityContext", "seccompProfile"], sc("type", "RuntimeDefault")).unwrap();
    assert_eq!(
        apply_all(t, &e),
        "metadata:\r\n    name: m\r\ncontainers:\r\n    -   name: app\r\n        securityContext:\r\n            seccompProfile:\r\n                type: RuntimeDefault\r\n        image: x\r\n"
    );
}

#[test]
fn empty_and_simple_flow_mappings() {
    let t = "securityContext: {} # set me\nresources: {limits: {cpu: 1}}\npod: {a: 1}\n";
    let d = Doc::new("values.yaml", t, false);
    let root = d.root();
    let e = d.merge(&root, &["securityContext"], sc("runAsNonRoot", "true")).unwrap();
    assert_eq!(
        apply_all(t, &e),
        "securityContext: # set me\n  runAsNonRoot: true\nresources: {limits: {cpu: 1}}\npod: {a: 1}\n"
    );
    let e = d.merge(&root, &["pod"], sc("b", "2")).unwrap();
    assert!(apply_all(t, &e).contains("pod: {a: 1, b: 2}\n"));
    assert!(d.merge(&root, &["pod"], sc("a", "2")).is_none());
    assert!(d.merge(&root, &["resources", "limits"], sc("memory", "1Gi")).is_none());
}

#[test]
fn pushes_onto_block_flow_and_absent_sequences() {
    let t = "- name: a\n  securityContext:\n    capabilities:\n      drop:\n      - NET_RAW\n- name: b\n  securityContext:\n    capabilities: {drop: [NET_RAW]}\n- name: c\n  env: []\n  ports:\n    - containerPort: 1\n";
    let d = Doc::new("d.yaml", t, false);
    let all = New::scalar("ALL");
    let a = d.push(&d.item(1).unwrap(), &["securityContext", "capabilities", "drop"], all.clone()).unwrap();
    assert!(apply_all(t, &a).contains("      drop:\n      - ALL\n      - NET_RAW\n"));
    // A nested flow mapping is not parsed: no edit.
    assert!(d.push(&d.item(6).unwrap(), &["securityContext", "capabilities", "drop"], all.clone()).is_none());
    let env = New::map(&[("name", New::scalar("GOMEMLIMIT")), ("value", New::scalar("\"1MiB\""))]);
    let c = d.push(&d.item(9).unwrap(), &["env"], env).unwrap();
    assert!(
        apply_all(t, &c).contains("- name: c\n  env:\n    - name: GOMEMLIMIT\n      value: \"1MiB\"\n  ports:\n"),
        "{}",
        apply_all(t, &c)
    );
    let f = "- name: x\n  drop: [NET_RAW]\n";
    let d = Doc::new("d.yaml", f, false);
    let e = d.push(&d.item(1).unwrap(), &["drop"], all).unwrap();
    assert_eq!(apply_all(f, &e), "- name: x\n  drop: [ALL, NET_RAW]\n");
}

#[test]
fn reads_scalars_and_items() {
    let d = Doc::new("d.yaml", DEPLOY, false);
    let item = d.item(5).unwrap();
    assert_eq!(d.scalar(&item, &["securityContext", "runAsUser"]), Ok(Some("1000")));
    assert_eq!(d.scalar(&item, &["image"]), Ok(Some("x:1")));
    assert_eq!(d.scalar(&item, &["resources", "limits", "memory"]), Ok(None));
    assert_eq!(d.items(&item, &["ports"]), Ok(vec!["containerPort: 80"]));
}

#[test]
fn declines_anchors_aliases_duplicates_and_block_scalars() {
    let t = "- name: a\n  securityContext: &sc\n    runAsUser: 1\n- name: b\n  securityContext: *sc\n- name: c\n  securityContext:\n    a: 1\n  securityContext:\n    b: 1\n- name: |\n    x\n";
    let d = Doc::new("d.yaml", t, false);
    for line in [1, 4, 6] {
        assert!(d.merge(&d.item(line).unwrap(), &["securityContext"], sc("z", "1")).is_none(), "line {line}");
    }
    assert!(d.item(11).is_none());
}

#[test]
fn template_keys_from_values_and_actions_that_may_write_keys() {
    let t = "      containers:\n        - name: {{ .Chart.Name }}\n          {{- if .Values.securityContext }}\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n          {{- end }}\n          env:\n          - name: A\n{{ toYaml .Values.extraEnvs | indent 10 }}\n          {{- with .Values.podSecurityContext }}\n          resources:\n{{ toYaml . | indent 12 }}\n          {{- end }}\n";
    let d = Doc::new("t.yaml", t, true);
    let item = d.item(2).unwrap();
    let Lookup::At(n) = d.get(&item, "securityContext") else { panic!() };
    assert_eq!(d.values_source(n), Some(vec!["securityContext".to_string()]));
    let Lookup::At(r) = d.get(&item, "resources") else { panic!() };
    assert_eq!(d.values_source(r), Some(vec!["podSecurityContext".to_string()]));
    // The key's mapping itself comes from an action: not editable in the template.
    assert!(d.map_of(n).is_none());
    let extra = "      containers:\n        - name: a\n          {{- toYaml .Values.extra | nindent 10 }}\n";
    let d = Doc::new("t.yaml", extra, true);
    assert_eq!(d.get(&d.item(2).unwrap(), "securityContext"), Lookup::Unknown);
}

#[test]
fn finds_the_pod_spec_of_a_container() {
    let t = "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - name: i\n              image: x\n          containers:\n            - name: c\n              image: y\n";
    let d = Doc::new("d.yaml", t, false);
    let spec = d.pod_spec(11).unwrap();
    let e = d.merge(&spec, &[], sc("automountServiceAccountToken", "false")).unwrap();
    assert!(
        apply_all(t, &e)
            .contains("        spec:\n          automountServiceAccountToken: false\n          initContainers:\n")
    );
    assert!(d.pod_spec(8).is_some());
}
