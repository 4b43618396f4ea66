//! The fixers, one module per rule (or family of rules sharing one edit), and the registry
//! that maps a rule id to its fixer. A rule without an entry has no fix; rules whose fix needs
//! the network say so in [`no_fix`] (shown by `paved explain`).

pub mod cgo_not_disabled;
pub mod dockerfile_user_root;
pub mod go_test_timeout;
pub mod go_version_mismatch;
pub mod gomemlimit;
pub mod http_server_timeouts;
pub mod k8s;
#[cfg(test)]
mod k8s_e2e;
pub mod probes;
pub mod resources;
pub mod security_context;
pub mod service_account_token;
pub mod src_support;

use super::{Applicability, Ctx, Fix};

/// A rule's fixer: the most a fix of it may claim (a fixer may mark one fix unsafe where the
/// rule's fixes are usually safe, never the other way), a line for `explain`, and the function.
pub struct Fixer {
    pub rule: &'static str,
    pub applicability: Applicability,
    /// What the fix does, for `paved explain` and docs/rules.md.
    pub summary: &'static str,
    pub fix: fn(&Ctx) -> Option<Fix>,
}

pub const FIXERS: &[Fixer] = &[
    security_context::CAPABILITIES,
    cgo_not_disabled::FIXER,
    dockerfile_user_root::FIXER,
    go_test_timeout::FIXER,
    go_version_mismatch::FIXER,
    gomemlimit::FIXER,
    http_server_timeouts::FIXER,
    probes::LIVENESS,
    security_context::PRIVILEGE_ESCALATION,
    security_context::READ_ONLY_ROOT_FS,
    probes::READINESS,
    resources::LIMITS,
    resources::REQUESTS,
    security_context::RUN_AS_NON_ROOT,
    security_context::SECCOMP,
    service_account_token::FIXER,
];

pub fn fixer(rule: &str) -> Option<&'static Fixer> {
    FIXERS.iter().find(|f| f.rule == rule)
}

/// What `paved explain` and docs/rules.md say about a rule's automatic fix, if anything.
pub fn describe(rule: &str) -> Option<String> {
    if let Some(f) = fixer(rule) {
        let how = match f.applicability {
            Applicability::Safe => "safe, applied by `--fix`",
            Applicability::Unsafe => "unsafe, applied by `--fix --unsafe-fixes` only",
        };
        return Some(format!(
            "{} ({how}; a fix that does not resolve the finding, or adds one, is not written)",
            f.summary
        ));
    }
    no_fix(rule).map(str::to_string)
}

/// Rules that have no fix on purpose, and why.
pub fn no_fix(rule: &str) -> Option<&'static str> {
    match rule {
        "action-not-pinned" => Some(
            "no automatic fix: pinning needs the commit SHA the tag points at today, which only the \
             network knows (run `gh api repos/OWNER/REPO/commits/TAG --jq .sha`, or use a tool such as \
             pinact or ratchet, and keep the tag as a comment)",
        ),
        "image-latest-tag" => Some(
            "no automatic fix: choosing a tag or digest needs the registry (look the current one up \
             with `crane digest IMAGE:TAG` or `docker buildx imagetools inspect`)",
        ),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::fix::{Ctx, Fix, apply};
    use crate::lint::finding::{Finding, Severity};

    pub fn finding(rule: &str, path: &str, line: u32, column: u32, message: &str) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity: Severity::Error,
            path: path.to_string(),
            line,
            column: Some(column),
            message: message.to_string(),
            help: String::new(),
            fix: None,
            hint: None,
        }
    }

    /// The fix `fixer` finds for the finding, with other files read from `others`.
    pub fn fix_with(fixer: fn(&Ctx) -> Option<Fix>, f: &Finding, text: &str, others: &[(&str, &str)]) -> Option<Fix> {
        let read = |p: &str| others.iter().find(|(n, _)| *n == p).map(|(_, t)| t.to_string());
        fixer(&Ctx { finding: f, text, read: &read })
    }

    /// The finding's file after its fix (`None`: no fix).
    pub fn fixed(fixer: fn(&Ctx) -> Option<Fix>, f: &Finding, text: &str) -> Option<String> {
        let fix = fix_with(fixer, f, text, &[])?;
        let edits: Vec<_> = fix.edits.iter().filter(|e| e.path == f.path).collect();
        apply::apply(text, &edits)
    }
}
