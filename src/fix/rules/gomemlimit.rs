//! `gomemlimit-missing`: an env entry `GOMEMLIMIT` at 90% of the container's memory limit (the
//! headroom is for memory the Go runtime does not count: goroutine stacks it has not yet
//! accounted, cgo, the kernel's page cache charged to the cgroup), as the first item of `env:`.
//! Safe: GOMEMLIMIT is a soft target for the garbage collector, below a limit that already
//! kills the process.
//!
//! The limit must be written in the same file as a literal that matches the rendered one the
//! message names: a chart whose limit comes from values (or a kustomize overlay that patches
//! it) would make a literal GOMEMLIMIT go stale, so those get no fix.

use std::sync::LazyLock;

use regex::Regex;

use super::Fixer;
use super::k8s::{self, unquote, with_container};
use crate::fix::yaml_edit::New;
use crate::fix::{Applicability, Ctx, Fix};

pub const FIXER: Fixer = Fixer {
    rule: "gomemlimit-missing",
    applicability: Applicability::Safe,
    summary: "adds a `GOMEMLIMIT` env entry at 90% of the container's memory limit",
    fix,
};

static LIMIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"with a (\S+) memory limit").expect("valid regex"));

/// GOMEMLIMIT for a memory limit of `bytes`: 90% of it, in whole MiB (KiB when tiny).
pub fn gomemlimit(bytes: f64) -> Option<String> {
    let target = (bytes * 0.9).floor();
    if target < 1024.0 {
        return None;
    }
    let mib = (target / (1024.0 * 1024.0)).floor();
    Some(if mib >= 1.0 { format!("{mib}MiB") } else { format!("{}KiB", (target / 1024.0).floor()) })
}

fn fix(ctx: &Ctx) -> Option<Fix> {
    let rendered = LIMIT.captures(&ctx.finding.message).map(|c| c[1].to_string());
    let limit = with_container(ctx, "resources", |doc, map, pre| {
        // From values: a literal here would not follow the values.
        if pre.is_empty() {
            return None;
        }
        match doc.scalar(map, &["resources", "limits", "memory"]) {
            Ok(limit) => Some(unquote(limit?).to_string()),
            // A flow mapping (`limits: {memory: 256Mi}`) the editor does not read: in a plain
            // manifest the limit is the one the rule rendered into its message.
            Err(_) if !ctx.text.contains("{{") => rendered.clone(),
            Err(_) => None,
        }
    })?;
    if rendered.as_deref().is_some_and(|r| unquote(r) != limit) {
        return None;
    }
    let value = gomemlimit(k8s::bytes(&limit)?)?;
    let edits = with_container(ctx, "env", |doc, map, pre| {
        if pre.is_empty() {
            return None;
        }
        let item = New::map(&[("name", New::scalar("GOMEMLIMIT")), ("value", New::scalar(format!("\"{value}\"")))]);
        doc.push(map, &["env"], item)
    })?;
    Fix::safe(format!("add `GOMEMLIMIT={value}` (90% of the {limit} memory limit) to the container's env"), edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fix_with, fixed};

    const MSG: &str = "container \"api\" of Deployment \"api\" runs the Go binary built by Dockerfile with a 512Mi memory limit but no GOMEMLIMIT";

    #[test]
    fn ninety_percent_in_mib() {
        assert_eq!(gomemlimit(k8s::bytes("512Mi").unwrap()).as_deref(), Some("460MiB"));
        assert_eq!(gomemlimit(k8s::bytes("1Gi").unwrap()).as_deref(), Some("921MiB"));
        assert_eq!(gomemlimit(k8s::bytes("500M").unwrap()).as_deref(), Some("429MiB"));
        assert_eq!(gomemlimit(k8s::bytes("900Ki").unwrap()).as_deref(), Some("810KiB"));
    }

    #[test]
    fn first_item_of_an_existing_env_in_its_indentation() {
        let t = "containers:\n- name: api\n  env:\n  - name: PORT\n    value: \"8080\"\n  resources:\n    limits:\n      memory: 512Mi\n";
        let out = fixed(fix, &finding(FIXER.rule, "d.yaml", 2, 3, MSG), t).unwrap();
        assert_eq!(
            out,
            "containers:\n- name: api\n  env:\n  - name: GOMEMLIMIT\n    value: \"460MiB\"\n  - name: PORT\n    value: \"8080\"\n  resources:\n    limits:\n      memory: 512Mi\n"
        );
    }

    #[test]
    fn a_new_env_after_the_name_line() {
        let t = "containers:\n  - name: api\n    ports:\n      - containerPort: 80\n    resources:\n      limits: {memory: \"512Mi\"}\n";
        // A flow mapping the editor does not read: a plain manifest's limit is the message's.
        let out = fixed(fix, &finding(FIXER.rule, "d.yaml", 2, 5, MSG), t).unwrap();
        assert!(out.contains("    env:\n      - name: GOMEMLIMIT\n        value: \"460MiB\"\n"), "{out}");
        assert!(out.ends_with("      limits: {memory: \"512Mi\"}\n"), "{out}");
        // In a template the flow mapping may be filled from values: no guess.
        let tpl = t.replace("\"512Mi\"", "{{ .Values.memory }}");
        assert_eq!(fixed(fix, &finding(FIXER.rule, "t.yaml", 2, 5, MSG), &tpl), None);
        let t = "containers:\n  - name: api\n    ports:\n      - containerPort: 80\n    resources:\n      limits:\n        memory: \"512Mi\"\n";
        let out = fixed(fix, &finding(FIXER.rule, "d.yaml", 2, 5, MSG), t).unwrap();
        assert!(out.starts_with("containers:\n  - name: api\n    env:\n      - name: GOMEMLIMIT\n        value: \"460MiB\"\n    ports:\n"), "{out}");
    }

    #[test]
    fn no_fix_when_the_rendered_limit_differs_or_comes_from_values() {
        let t = "containers:\n- name: api\n  resources:\n    limits:\n      memory: 256Mi\n";
        assert_eq!(fixed(fix, &finding(FIXER.rule, "d.yaml", 2, 3, MSG), t), None);
        let tpl = "containers:\n- name: api\n  resources:\n    {{- toYaml .Values.resources | nindent 4 }}\n";
        let others = [("c/Chart.yaml", ""), ("c/values.yaml", "resources:\n  limits:\n    memory: 512Mi\n")];
        assert_eq!(fix_with(fix, &finding(FIXER.rule, "c/templates/d.yaml", 2, 3, MSG), tpl, &others), None);
    }
}
