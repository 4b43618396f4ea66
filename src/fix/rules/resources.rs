//! `resource-requests-missing` and `resource-limits-missing`: conservative defaults for the
//! missing keys only (requests cpu 100m, memory 128Mi; limits cpu 500m, memory 256Mi: the
//! rule asks for both limits), each with a comment saying it is a starting point. A default
//! never contradicts what is there: a request is at most its limit, a limit at least its
//! request (the API server rejects the rest). Unsafe: sizes are guesses, a memory limit
//! below the working set gets the process OOM-killed, a CPU limit throttles it.

use super::Fixer;
use super::k8s::{bytes, millicores, path, with_container};
use crate::fix::yaml_edit::New;
use crate::fix::{Applicability, Ctx, Fix};

pub const REQUESTS: Fixer = Fixer {
    rule: "resource-requests-missing",
    applicability: Applicability::Unsafe,
    summary: "adds the missing requests (cpu 100m, memory 128Mi, at most the limits) marked as a starting point to tune",
    fix: requests,
};

pub const LIMITS: Fixer = Fixer {
    rule: "resource-limits-missing",
    applicability: Applicability::Unsafe,
    summary: "adds the missing limits (cpu 500m, memory 256Mi, at least the requests) marked as a starting point to tune",
    fix: limits,
};

const COMMENT: &str = "# paved: a starting point, tune to measured usage";

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Requests,
    Limits,
}

/// The resources the message says are missing (`has no cpu or memory limit`).
fn missing(message: &str, word: &str) -> Vec<&'static str> {
    let Some(i) = message.find("has no ") else { return Vec::new() };
    let rest = &message[i + 7..];
    let Some(end) = rest.find(&format!(" {word}")) else { return Vec::new() };
    let names: Vec<&str> = rest[..end].split(" or ").collect();
    ["cpu", "memory"].into_iter().filter(|r| names.contains(r)).collect()
}

fn quantity(resource: &str, q: &str) -> Option<f64> {
    if resource == "cpu" { millicores(q) } else { bytes(q) }
}

fn fill(ctx: &Ctx, kind: Kind) -> Option<Fix> {
    let (key, other, word) = match kind {
        Kind::Requests => ("requests", "limits", "request"),
        Kind::Limits => ("limits", "requests", "limit"),
    };
    let wanted = missing(&ctx.finding.message, word);
    if wanted.is_empty() {
        return None;
    }
    let mut written = Vec::new();
    let edits = with_container(ctx, "resources", |doc, map, pre| {
        let mut entries = Vec::new();
        for r in &wanted {
            if doc.scalar(map, &path(pre, &[key, r])).ok()?.is_some() {
                return None;
            }
            let default = match (kind, *r) {
                (Kind::Requests, "cpu") => "100m",
                (Kind::Requests, _) => "128Mi",
                (Kind::Limits, "cpu") => "500m",
                (Kind::Limits, _) => "256Mi",
            };
            let value = match doc.scalar(map, &path(pre, &[other, r])).ok()? {
                None => default,
                Some(bound) => {
                    let (b, d) = (quantity(r, bound)?, quantity(r, default)?);
                    let beyond = if kind == Kind::Requests { d > b } else { d < b };
                    if beyond { bound } else { default }
                }
            };
            written.push(format!("{r} {value}"));
            entries.push((r.to_string(), New::scalar(format!("{value} {COMMENT}"))));
        }
        doc.merge(map, &path(pre, &[key]), entries)
    })?;
    Fix::unsafe_(format!("add {key} {} (a starting point to tune)", written.join(", ")), edits)
}

fn requests(ctx: &Ctx) -> Option<Fix> {
    fill(ctx, Kind::Requests)
}

fn limits(ctx: &Ctx) -> Option<Fix> {
    fill(ctx, Kind::Limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fix_with, fixed};

    fn msg(what: &str, word: &str) -> String {
        format!("container \"api\" of Deployment \"api\" has no {what} {word}")
    }

    #[test]
    fn only_the_missing_keys_within_the_other_side() {
        let t = "containers:\n- name: api\n  resources:\n    limits:\n      memory: 64Mi\n";
        let out =
            fixed(requests, &finding(REQUESTS.rule, "d.yaml", 2, 3, &msg("cpu or memory", "request")), t).unwrap();
        assert_eq!(
            out,
            format!(
                "containers:\n- name: api\n  resources:\n    requests:\n      cpu: 100m {COMMENT}\n      memory: 64Mi {COMMENT}\n    limits:\n      memory: 64Mi\n"
            )
        );
        let out = fixed(limits, &finding(LIMITS.rule, "d.yaml", 2, 3, &msg("cpu", "limit")), t).unwrap();
        assert!(out.contains(&format!("    limits:\n      cpu: 500m {COMMENT}\n      memory: 64Mi\n")), "{out}");
        assert_eq!(missing(&msg("cpu or memory", "limit"), "limit"), vec!["cpu", "memory"]);
    }

    #[test]
    fn a_new_resources_block_and_a_limit_raised_to_the_request() {
        let t = "containers:\n- name: api\n  image: x\n";
        let out = fixed(limits, &finding(LIMITS.rule, "d.yaml", 2, 3, &msg("cpu or memory", "limit")), t).unwrap();
        assert_eq!(
            out,
            format!(
                "containers:\n- name: api\n  resources:\n    limits:\n      cpu: 500m {COMMENT}\n      memory: 256Mi {COMMENT}\n  image: x\n"
            )
        );
        let t = "containers:\n- name: api\n  resources:\n    requests:\n      cpu: \"2\"\n      memory: 1Gi\n";
        let f = finding(LIMITS.rule, "d.yaml", 2, 3, &msg("cpu or memory", "limit"));
        let fix = fix_with(limits, &f, t, &[]).unwrap();
        assert_eq!(fix.title, "add limits cpu \"2\", memory 1Gi (a starting point to tune)");
        assert_eq!(fix.applicability, Applicability::Unsafe);
    }

    #[test]
    fn a_chart_gets_its_values_filled() {
        let tpl = "      containers:\n        - name: app\n          resources:\n{{ toYaml .Values.resources | indent 12 }}\n";
        let values = "resources:\n  limits:\n  requests:\n    cpu: 1m\n    memory: 16Mi\n";
        let others = [("c/Chart.yaml", ""), ("c/values.yaml", values)];
        let f = finding(LIMITS.rule, "c/templates/d.yaml", 2, 11, &msg("cpu or memory", "limit"));
        let fix = fix_with(limits, &f, tpl, &others).unwrap();
        let out = crate::fix::apply::apply(values, &fix.edits.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(
            out,
            format!(
                "resources:\n  limits:\n    cpu: 500m {COMMENT}\n    memory: 256Mi {COMMENT}\n  requests:\n    cpu: 1m\n    memory: 16Mi\n"
            )
        );
    }
}
