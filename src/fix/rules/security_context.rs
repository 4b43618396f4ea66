//! The container securityContext rules: `run-as-non-root`, `privilege-escalation-allowed`,
//! `read-only-root-fs-missing`, `capabilities-not-dropped`, `seccomp-profile-missing`. Each fix
//! merges its one field into the container's `securityContext` (created after the `- name:`
//! line when absent; in a chart, into values.yaml when the template writes `toYaml` of a
//! value). A setting the author wrote that contradicts the field (a finding that points at a
//! value rather than at the container, `privileged: true`, `runAsUser: 0`) gets no fix.
//!
//! Safe except read-only root fs: the fields are what the rules ask for, and a pod the
//! kubelet then refuses (an image that runs as root) is the rule's intent enforced. A
//! read-only root filesystem breaks a program that writes outside its volumes.

use super::Fixer;
use super::k8s::{self, path, unquote, with_container};
use crate::fix::yaml_edit::{Doc, Map, New};
use crate::fix::{Applicability, Ctx, Edit, Fix};

pub const RUN_AS_NON_ROOT: Fixer = Fixer {
    rule: "run-as-non-root",
    applicability: Applicability::Safe,
    summary: "adds `runAsNonRoot: true` to the container's securityContext (in a chart, to the values it comes from); safe when the image is built here with a numeric non-root USER, unsafe for images paved does not build, none when the image runs as root or as a user name",
    fix: run_as_non_root,
};

pub const PRIVILEGE_ESCALATION: Fixer = Fixer {
    rule: "privilege-escalation-allowed",
    applicability: Applicability::Safe,
    summary: "adds `allowPrivilegeEscalation: false` to the container's securityContext",
    fix: privilege_escalation,
};

pub const READ_ONLY_ROOT_FS: Fixer = Fixer {
    rule: "read-only-root-fs-missing",
    applicability: Applicability::Unsafe,
    summary: "adds `readOnlyRootFilesystem: true` to the container's securityContext (unsafe: the program may write to its root filesystem)",
    fix: read_only_root_fs,
};

pub const CAPABILITIES: Fixer = Fixer {
    rule: "capabilities-not-dropped",
    applicability: Applicability::Safe,
    summary: "adds `ALL` to the container's `securityContext.capabilities.drop`; safe when the image is built here with a numeric non-root USER, else unsafe (an image that starts as root may need capabilities to switch users)",
    fix: capabilities,
};

pub const SECCOMP: Fixer = Fixer {
    rule: "seccomp-profile-missing",
    applicability: Applicability::Safe,
    summary: "adds `seccompProfile: {type: RuntimeDefault}` to the container's securityContext",
    fix: seccomp,
};

const SC: &str = "securityContext";

fn field(doc: &Doc, map: &Map, pre: &[&str], key: &str, value: New) -> Option<Vec<Edit>> {
    doc.merge(map, pre, vec![(key.to_string(), value)])
}

fn run_as_non_root(ctx: &Ctx) -> Option<Fix> {
    // The image runs as root or as a user name: `runAsNonRoot: true` would keep the pod from
    // starting (the kubelet refuses root and cannot verify a name). The fix is a numeric USER
    // in the Dockerfile.
    let known = match image_user(ctx) {
        Some(true) => true,
        Some(false) => return None,
        None => false,
    };
    let edits = with_container(ctx, SC, |doc, map, pre| {
        // `runAsUser: 0` with `runAsNonRoot: true` never starts: the author's choice stands.
        if doc.scalar(map, &path(pre, &["runAsUser"])).ok()?.map(unquote) == Some("0") {
            return None;
        }
        field(doc, map, pre, "runAsNonRoot", New::scalar("true"))
    })?;
    if known {
        Fix::safe("add `runAsNonRoot: true` to the securityContext (the image's USER is numeric and not root)", edits)
    } else {
        Fix::unsafe_(
            "add `runAsNonRoot: true` to the securityContext (unsafe: paved does not build this image; if it runs as root, the kubelet refuses to start it)",
            edits,
        )
    }
}

/// What the repository knows of the container's image user: `Some(true)` a numeric non-root
/// USER, `Some(false)` root or a user name, `None` an image paved does not build.
fn image_user(ctx: &Ctx) -> Option<bool> {
    match ctx.finding.hint.as_deref() {
        Some(crate::fix::hints::Hint::ImageUser { numeric_non_root, .. }) => Some(*numeric_non_root),
        _ => None,
    }
}

fn privilege_escalation(ctx: &Ctx) -> Option<Fix> {
    let edits = with_container(ctx, SC, |doc, map, pre| {
        // The API server rejects `allowPrivilegeEscalation: false` with `privileged: true` or
        // an added CAP_SYS_ADMIN.
        if doc.scalar(map, &path(pre, &["privileged"])).ok()?.map(unquote) == Some("true") {
            return None;
        }
        let added = doc.items(map, &path(pre, &["capabilities", "add"])).ok()?;
        if added.iter().any(|c| matches!(c.to_ascii_uppercase().as_str(), "SYS_ADMIN" | "CAP_SYS_ADMIN" | "ALL")) {
            return None;
        }
        field(doc, map, pre, "allowPrivilegeEscalation", New::scalar("false"))
    })?;
    Fix::safe("add `allowPrivilegeEscalation: false` to the securityContext", edits)
}

fn read_only_root_fs(ctx: &Ctx) -> Option<Fix> {
    let edits =
        with_container(ctx, SC, |doc, map, pre| field(doc, map, pre, "readOnlyRootFilesystem", New::scalar("true")))?;
    Fix::unsafe_("add `readOnlyRootFilesystem: true` to the securityContext", edits)
}

fn capabilities(ctx: &Ctx) -> Option<Fix> {
    let edits = with_container(ctx, SC, |doc, map, pre| {
        doc.push(map, &path(pre, &["capabilities", "drop"]), New::scalar("ALL"))
    })
    .or_else(|| drop_list(ctx))?;
    // A Go binary running as a numeric non-root user needs no capability; an image that starts
    // as root may need some to drop privileges itself (redis's entrypoint switches users).
    if image_user(ctx) == Some(true) {
        Fix::safe("add `ALL` to `securityContext.capabilities.drop`", edits)
    } else {
        Fix::unsafe_(
            "add `ALL` to `securityContext.capabilities.drop` (unsafe: an image that starts as root may need capabilities to switch users)",
            edits,
        )
    }
}

/// A `drop:` list without ALL: the finding points at the list, in the container item that
/// holds `securityContext.capabilities` (in this file, whether or not it is a template).
fn drop_list(ctx: &Ctx) -> Option<Vec<Edit>> {
    let doc = k8s::doc(ctx)?;
    let n = ctx.finding.line as usize;
    let item = doc.enclosing_item(n)?;
    let edits = doc.push(&item, &[SC, "capabilities", "drop"], New::scalar("ALL"))?;
    // The list we pushed onto is the one the finding names.
    let (line, _) = crate::fix::text::line_col(ctx.text, edits.first()?.start);
    (line as usize <= n + 1).then_some(edits)
}

fn seccomp(ctx: &Ctx) -> Option<Fix> {
    let edits = with_container(ctx, SC, |doc, map, pre| {
        field(doc, map, pre, "seccompProfile", New::map(&[("type", New::scalar("RuntimeDefault"))]))
    })?;
    Fix::safe("add `seccompProfile: {type: RuntimeDefault}` to the securityContext", edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fix_with, fixed};

    const PLAIN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api # the server
        image: ghcr.io/x/api:1.0
        securityContext:
          capabilities:
            add: [NET_BIND_SERVICE]
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: sidecar
      image: busybox:1.36
";

    fn run(fixer: &Fixer, text: &str, line: u32, col: u32) -> Option<String> {
        fixed(fixer.fix, &finding(fixer.rule, "deploy/app.yaml", line, col, ""), text)
    }

    #[test]
    fn each_field_merges_into_the_existing_mapping_first() {
        let out = run(&RUN_AS_NON_ROOT, PLAIN, 9, 9).unwrap();
        assert!(
            out.contains("        securityContext:\n          runAsNonRoot: true\n          capabilities:\n"),
            "{out}"
        );
        let out = run(&PRIVILEGE_ESCALATION, PLAIN, 9, 9).unwrap();
        assert!(out.contains(
            "        securityContext:\n          allowPrivilegeEscalation: false\n          capabilities:\n"
        ));
        let out = run(&CAPABILITIES, PLAIN, 9, 9).unwrap();
        assert!(
            out.contains(
                "          capabilities:\n            drop:\n            - ALL\n            add: [NET_BIND_SERVICE]\n"
            ),
            "{out}"
        );
        let out = run(&SECCOMP, PLAIN, 9, 9).unwrap();
        assert!(
            out.contains("        securityContext:\n          seccompProfile:\n            type: RuntimeDefault\n")
        );
        // Only the fixed lines change.
        assert_eq!(out.lines().count(), PLAIN.lines().count() + 2);
    }

    #[test]
    fn a_new_security_context_follows_the_name_line_in_the_second_document() {
        let out = run(&READ_ONLY_ROOT_FS, PLAIN, 23, 7).unwrap();
        assert!(out.ends_with("    - name: sidecar\n      securityContext:\n        readOnlyRootFilesystem: true\n      image: busybox:1.36\n"), "{out}");
        let fix =
            fix_with(READ_ONLY_ROOT_FS.fix, &finding(READ_ONLY_ROOT_FS.rule, "a.yaml", 23, 7, ""), PLAIN, &[]).unwrap();
        assert_eq!(fix.applicability, Applicability::Unsafe);
    }

    #[test]
    fn contradicting_settings_and_wrong_lines_get_no_fix() {
        let t = "containers:\n- name: a\n  securityContext:\n    privileged: true\n    runAsUser: 0\n    allowPrivilegeEscalation: true\n";
        assert_eq!(run(&PRIVILEGE_ESCALATION, t, 2, 3), None);
        assert_eq!(run(&RUN_AS_NON_ROOT, t, 2, 3), None);
        // The finding points at the value (the author wrote it): not a container line.
        assert_eq!(run(&PRIVILEGE_ESCALATION, t, 6, 5), None);
        // A column that is not the item's.
        assert_eq!(run(&SECCOMP, t, 2, 9), None);
        let sys_admin =
            "containers:\n- name: a\n  securityContext:\n    capabilities:\n      add:\n      - SYS_ADMIN\n";
        assert_eq!(run(&PRIVILEGE_ESCALATION, sys_admin, 2, 3), None);
        assert_eq!(fixed(SECCOMP.fix, &finding(SECCOMP.rule, "k8s/app.json", 1, 1, ""), "{\"kind\": \"Pod\"}"), None);
    }

    #[test]
    fn an_existing_drop_list_gets_all_when_the_finding_points_at_it() {
        let t = "containers:\r\n  - name: a\r\n    securityContext:\r\n      capabilities:\r\n        drop:\r\n          - NET_RAW\r\n";
        let out = run(&CAPABILITIES, t, 5, 9).unwrap();
        assert_eq!(
            out,
            "containers:\r\n  - name: a\r\n    securityContext:\r\n      capabilities:\r\n        drop:\r\n          - ALL\r\n          - NET_RAW\r\n"
        );
    }

    const TEMPLATE: &str = "\
      containers:
        - name: {{ .Chart.Name }}
          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"
          {{- if .Values.securityContext }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          {{- else if .Values.service.hostPort }}
          securityContext:
            allowPrivilegeEscalation: true
          {{- end }}
";

    #[test]
    fn a_chart_template_that_takes_the_mapping_from_values_gets_it_in_values_yaml() {
        let values = "# container security context\nsecurityContext: {}\n\npodSecurityContext: {}\n";
        let others = [("charts/app/Chart.yaml", "name: app\n"), ("charts/app/values.yaml", values)];
        let f = finding(SECCOMP.rule, "charts/app/templates/deployment.yaml", 2, 11, "");
        let fix = fix_with(SECCOMP.fix, &f, TEMPLATE, &others).unwrap();
        assert_eq!(fix.edits.len(), 2);
        assert!(fix.edits.iter().all(|e| e.path == "charts/app/values.yaml"));
        let edits: Vec<_> = fix.edits.iter().collect();
        let out = crate::fix::apply::apply(values, &edits).unwrap();
        assert_eq!(
            out,
            "# container security context\nsecurityContext:\n  seccompProfile:\n    type: RuntimeDefault\n\npodSecurityContext: {}\n"
        );
        // Without a chart around it, the template text is not edited blindly.
        assert_eq!(fix_with(SECCOMP.fix, &f, TEMPLATE, &[]), None);
    }

    #[test]
    fn a_chart_template_with_a_literal_container_is_edited_in_place() {
        let t = "spec:\n  containers:\n    - name: curl\n      image: curlimages/curl:8.1.2\n      command: ['curl']\n      args:  ['{{ include \"app.fullname\" . }}:{{ .Values.service.port }}']\n  restartPolicy: Never\n";
        let f = finding(RUN_AS_NON_ROOT.rule, "charts/app/templates/tests/t.yaml", 3, 7, "");
        let fix = fix_with(RUN_AS_NON_ROOT.fix, &f, t, &[("charts/app/Chart.yaml", "")]).unwrap();
        let edits: Vec<_> = fix.edits.iter().collect();
        let out = crate::fix::apply::apply(t, &edits).unwrap();
        assert!(
            out.contains("    - name: curl\n      securityContext:\n        runAsNonRoot: true\n      image:"),
            "{out}"
        );
    }

    #[test]
    fn run_as_non_root_and_dropping_capabilities_are_safe_only_for_a_numeric_non_root_image() {
        use crate::fix::hints::Hint;
        use crate::fix::rules::test_support::fix_with;
        let at = |rule: &str, hint: Option<Hint>| {
            let mut f = finding(rule, "deploy/app.yaml", 9, 9, "");
            f.hint = hint.map(Box::new);
            f
        };
        let numeric = || Some(Hint::ImageUser { user: Some("65532".into()), numeric_non_root: true });
        let named = || Some(Hint::ImageUser { user: Some("app".into()), numeric_non_root: false });
        let root = || Some(Hint::ImageUser { user: None, numeric_non_root: false });
        let fix = |rule: &str, fixer: &Fixer, hint| fix_with(fixer.fix, &at(rule, hint), PLAIN, &[]);
        let r = RUN_AS_NON_ROOT.rule;
        assert_eq!(fix(r, &RUN_AS_NON_ROOT, numeric()).unwrap().applicability, Applicability::Safe);
        assert_eq!(fix(r, &RUN_AS_NON_ROOT, None).unwrap().applicability, Applicability::Unsafe);
        assert!(fix(r, &RUN_AS_NON_ROOT, named()).is_none(), "a user name cannot be verified by the kubelet");
        assert!(fix(r, &RUN_AS_NON_ROOT, root()).is_none(), "the image runs as root: the pod would not start");
        let c = CAPABILITIES.rule;
        assert_eq!(fix(c, &CAPABILITIES, numeric()).unwrap().applicability, Applicability::Safe);
        assert_eq!(fix(c, &CAPABILITIES, root()).unwrap().applicability, Applicability::Unsafe);
        assert_eq!(fix(c, &CAPABILITIES, None).unwrap().applicability, Applicability::Unsafe);
    }
}
