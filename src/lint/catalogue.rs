//! The rule catalogue: the Rego rules' metadata plus the rules the engine itself enforces
//! (`parse-error`, suppression hygiene). It feeds `paved rules`, `paved explain`, the SARIF
//! rule list and `docs/rules.md`, so all of them say the same thing.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::finding::{PARSE_ERROR, Severity};
use super::policy::RuleMeta;

pub const SUPPRESSION_WITHOUT_REASON: &str = "suppression-without-reason";
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
pub const EXPIRED_SUPPRESSION: &str = "expired-suppression";
pub const FORBIDDEN_SUPPRESSION: &str = "forbidden-suppression";
pub const HELM_RENDER_ERROR: &str = "helm-render-error";
pub const HELM_DEPENDENCY_MISSING: &str = "helm-dependency-missing";
pub const KUSTOMIZE_BUILD_ERROR: &str = "kustomize-build-error";
pub const KUSTOMIZE_REMOTE_RESOURCE: &str = "kustomize-remote-resource";
pub const KUSTOMIZE_PATCH_UNMATCHED: &str = "kustomize-patch-unmatched";
pub const KUSTOMIZE_UNSUPPORTED: &str = "kustomize-unsupported";
pub const KUSTOMIZE_PATCH_CONFLICT: &str = "kustomize-patch-conflict";

fn internal(id: &str, severity: Severity, title: &str, description: &str, rationale: &str, fix: &str) -> RuleMeta {
    RuleMeta {
        id: id.into(),
        severity,
        title: title.into(),
        description: description.into(),
        rationale: rationale.into(),
        fix: fix.into(),
        package: String::new(),
        file: "src/lint/catalogue.rs".into(),
        builtin: true,
        extra: BTreeMap::new(),
    }
}

/// Rules enforced by the engine, not by a policy.
pub fn internal_rules() -> Vec<RuleMeta> {
    vec![
        internal(
            EXPIRED_SUPPRESSION,
            Severity::Warning,
            "Suppression past its expiry date",
            "A `# paved:ignore RULE -- reason (until YYYY-MM-DD)` comment, an `ignore.paved.dev/RULE` \
             annotation whose reason ends so, or a config `ignore:` entry with `expires:`, is past its date \
             (or its date cannot be read): it no longer suppresses, and its findings are reported again.",
            "An exception granted for a while must end: a date makes the owner look again, instead of \
             the suppression outliving the reason it was granted for.",
            "Fix the findings, or renew the suppression with a new date and a reason that still holds.",
        ),
        internal(
            FORBIDDEN_SUPPRESSION,
            Severity::Error,
            "Suppression of a rule the configuration forbids suppressing in files",
            "A `# paved:ignore` comment or `ignore.paved.dev/` annotation names a rule listed in the \
             configuration's `forbid-inline-suppressions`: it suppresses nothing, and the finding is reported.",
            "Some rules are for policy owners to waive, not for the author of the change: only the \
             configuration (reviewed by them) may suppress them.",
            "Fix the finding, or ask the policy owners for a config `ignore:` entry with a reason and an expiry.",
        ),
        internal(
            PARSE_ERROR,
            Severity::Error,
            "File cannot be read or parsed",
            "A file paved should lint cannot be read (missing, unreadable, binary, over the size limit) or \
             is not valid in its format; the finding points where parsing failed.",
            "A file paved cannot parse is a file nothing checks: a broken manifest or pipeline also fails \
             where it is used, and a gate must not pass it silently.",
            "Fix the syntax at the reported position, or exclude the file in .paved.yaml if it is not meant \
             to be valid (test data).",
        ),
        internal(
            HELM_RENDER_ERROR,
            Severity::Error,
            "Helm chart cannot be rendered",
            "A Helm chart fails to render with its values (a template error, `required` or `fail`, a \
             values.schema.json violation) or uses something paved's renderer does not support; the \
             finding names the template, line and construct.",
            "What paved cannot render it cannot check, and a chart that does not render does not deploy.",
            "Fix the template or values at the reported position; pass the values the chart needs with \
             --values or `values:` in .paved.yaml.",
        ),
        internal(
            HELM_DEPENDENCY_MISSING,
            Severity::Info,
            "Helm chart dependency is not vendored",
            "A dependency declared in Chart.yaml has no chart under `charts/` (it needs `helm dependency \
             build`, and so the network): the chart is rendered and linted without it, and this finding \
             points at the dependency's entry.",
            "paved never fetches charts: what a missing dependency would deploy is not checked, and `helm \
             template` without it fails.",
            "Vendor the dependency (`helm dependency build`, committing `charts/`), or lint the chart where \
             its dependencies are built.",
        ),
        internal(
            KUSTOMIZE_BUILD_ERROR,
            Severity::Error,
            "Kustomization cannot be built",
            "Part of a kustomization cannot be built as `kustomize build` would: a file or directory it \
             names is missing, is not valid YAML, leaves the lint roots or breaks kustomize's load \
             restriction; kustomizations form a cycle; an object is defined twice; a patch or \
             replacement cannot be applied. The finding points at the line that names it.",
            "What paved cannot build it cannot check, and `kustomize build` (so the deploy) fails on most \
             of these.",
            "Fix the entry at the reported line: the path, the YAML, or the patch.",
        ),
        internal(
            KUSTOMIZE_REMOTE_RESOURCE,
            Severity::Warning,
            "Kustomization uses a remote resource",
            "A kustomization names a URL or git repository in `resources:`, `components:` or a patch. \
             paved never fetches: the root is built and linted without it, and this finding points at \
             the entry.",
            "What a remote base deploys is not checked, and it can change under the same reference unless \
             pinned to a commit.",
            "Vendor the base into the repository (or lint it where it lives), and pin remote references to a \
             commit or tag.",
        ),
        internal(
            KUSTOMIZE_PATCH_UNMATCHED,
            Severity::Warning,
            "Kustomize patch matches nothing",
            "A patch (or replacement target) selects no object of the build, so it changes nothing: \
             `kustomize build` fails for a strategic-merge patch without a target, and ignores a \
             `target:` that selects nothing.",
            "A patch that matches nothing is usually a renamed object or a typo in the selector: the \
             setting it was meant to apply (a probe, a security context) is missing from what deploys.",
            "Fix the patch's target (kind, name, namespace, selectors) or remove the patch.",
        ),
        internal(
            KUSTOMIZE_PATCH_CONFLICT,
            Severity::Warning,
            "Kustomize patches conflict",
            "Two strategic-merge patches of one kustomization set the same field of the same object to \
             different values. kustomize applies them in order without a word, so the later one wins; \
             the finding points at the later patch's value and names the earlier one.",
            "Which value deploys depends on the order of the `patches:` list, not on what either patch \
             says: one of them is dead, and whoever edits it expects it to take effect.",
            "Remove the field from one of the patches, or merge the two patches into one.",
        ),
        internal(
            KUSTOMIZE_UNSUPPORTED,
            Severity::Warning,
            "Kustomization uses something paved does not build",
            "A kustomization field or transformer plugin paved's in-process build does not support: the \
             build goes on without it, and the finding names it.",
            "What the unsupported field would change in the output is not linted.",
            "Lint the output of `kustomize build` instead (`kustomize build DIR > out.yaml; paved lint \
             out.yaml`), or ask for the field to be supported.",
        ),
        internal(
            SUPPRESSION_WITHOUT_REASON,
            Severity::Warning,
            "Suppression gives no reason",
            "A `# paved:ignore`, `# paved:ignore-file`, `ignore.paved.dev/RULE` annotation or config ignore \
             has no reason after `--`.",
            "Auditors read suppressions: one without a reason cannot be reviewed, and nobody knows later \
             whether it still applies.",
            "Add the reason: `# paved:ignore image-latest-tag -- vendored chart, pinned upstream`.",
        ),
        internal(
            UNUSED_SUPPRESSION,
            Severity::Warning,
            "Suppression matches no finding",
            "An inline, file-level or annotation suppression names a rule that reports nothing where it applies \
             (or names no known rule).",
            "Stale suppressions hide the next real finding at that place and mislead readers.",
            "Remove the suppression (or fix the rule id in it).",
        ),
    ]
}

/// Every rule, sorted by id.
pub fn all(policy_rules: &[RuleMeta]) -> Vec<RuleMeta> {
    let mut rules: Vec<RuleMeta> = policy_rules.iter().cloned().chain(internal_rules()).collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `custom.examples` of a rule's METADATA (`bad:`/`good:` snippets), in order.
fn examples(r: &RuleMeta) -> Vec<(&str, &str)> {
    r.extra
        .get("examples")
        .and_then(|e| e.as_object())
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))).collect())
        .unwrap_or_default()
}

/// `docs/rules.md`: generated from the catalogue (a test keeps the committed file current).
pub fn markdown(rules: &[RuleMeta]) -> String {
    let mut out = String::from(
        "# paved rules\n\n<!-- Generated from the policies' METADATA by `paved rules --format markdown`; do not edit. -->\n\n\
         | rule | severity | title |\n|---|---|---|\n",
    );
    for r in rules {
        let _ = writeln!(out, "| [`{}`](#{}) | {} | {} |", r.id, r.id, r.severity.as_str(), one_line(&r.title));
    }
    for r in rules {
        let _ = write!(
            out,
            "\n## {}\n\n**{}** · severity `{}` · defined in `{}`\n\n{}\n\n**Why:** {}\n\n**Fix:** {}\n",
            r.id,
            one_line(&r.title),
            r.severity.as_str(),
            r.file,
            one_line(&r.description),
            one_line(&r.rationale),
            one_line(&r.fix)
        );
        if let Some(fix) = crate::fix::rules::describe(&r.id) {
            let _ = write!(out, "\n**Automatic fix:** {fix}\n");
        }
        for (label, text) in examples(r) {
            let _ = write!(out, "\n{label}:\n\n```\n{}\n```\n", text.trim_end());
        }
    }
    out
}

/// `paved explain RULE`.
pub fn explain(r: &RuleMeta) -> String {
    let mut out = format!(
        "{} ({})\n{}\n\n{}\n\nWhy it matters:\n  {}\n\nHow to fix:\n  {}\n",
        r.id,
        r.severity.as_str(),
        one_line(&r.title),
        one_line(&r.description),
        one_line(&r.rationale),
        one_line(&r.fix)
    );
    if let Some(fix) = crate::fix::rules::describe(&r.id) {
        let _ = write!(out, "\nAutomatic fix:\n  {fix}\n");
    }
    for (label, text) in examples(r) {
        let _ = write!(out, "\nExample ({label}):\n");
        for line in text.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = write!(out, "\nSuppress one finding with `# paved:ignore {} -- <reason>` on the line before it.\n", r.id);
    out
}
