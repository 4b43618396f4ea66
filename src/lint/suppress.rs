//! Suppressions written in the linted files: `# paved:ignore RULE[,RULE...] -- reason` on the
//! line before a finding or at the end of its line, `# paved:ignore-file RULE -- reason`
//! anywhere in a file, and `ignore.paved.dev/RULE: "reason"` annotations on Kubernetes objects.
//!
//! A suppressed finding is not a failure but stays in the report with its reason. A
//! suppression without a reason is itself a `suppression-without-reason` warning, and one that
//! matches no finding is an `unused-suppression` warning, so suppressions stay reviewable.
//!
//! Governance: a reason may end with `(until YYYY-MM-DD)`; after that day the suppression
//! suppresses nothing and is an `expired-suppression` warning (an unreadable date counts as
//! expired: it fails closed). Rules listed in the config's `forbid-inline-suppressions` cannot
//! be suppressed in the linted files at all: such a comment or annotation is a
//! `forbidden-suppression` error, and the finding is reported.

use std::collections::BTreeMap;

use regex::Regex;
use std::sync::LazyLock;

use super::catalogue::{EXPIRED_SUPPRESSION, FORBIDDEN_SUPPRESSION, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION};
use super::clock::Date;
use super::finding::{Finding, Severity, Suppressed, SuppressionKind};
use crate::parse::Pos;

static UNTIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(\s*until\s+([^)]*?)\s*\)\s*$").expect("valid regex"));

/// When a suppression stops applying, from the end of its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    On(Date),
    /// `(until ...)` with something that is not a date: treated as expired.
    Unreadable(String),
}

/// The `(until YYYY-MM-DD)` at the end of a reason, if any.
pub fn expiry_of(reason: Option<&str>) -> Option<Expiry> {
    let caps = UNTIL.captures(reason?)?;
    let text = caps.get(1).map_or("", |m| m.as_str());
    Some(Date::parse(text).map_or_else(|| Expiry::Unreadable(text.to_string()), Expiry::On))
}

static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#\s*paved:ignore(-file)?\b(.*)$").expect("valid regex"));

/// Where a suppression applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Findings on this line.
    Line(u32),
    /// Findings on any line in `[from, to]` (a Kubernetes object).
    Lines(u32, u32),
    /// The whole file.
    File,
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub pos: Pos,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub scope: Scope,
    pub kind: SuppressionKind,
    /// How the suppression is written, for messages (`# paved:ignore`, `annotation ignore.paved.dev/x`).
    pub label: String,
    /// From `(until YYYY-MM-DD)` at the end of the reason.
    pub expires: Option<Expiry>,
}

/// The `paved:ignore` comments of a file. A comment alone on its line covers the next line
/// (through its backslash continuations, so one comment covers a whole multi-line `RUN`); a
/// comment after code covers its own line, where `trailing` says the format has trailing
/// comments (a Dockerfile does not: `#` after an instruction is part of its arguments).
pub fn scan_comments(text: &str, trailing: bool) -> Vec<Suppression> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("paved:ignore") {
            continue;
        }
        let Some(caps) = DIRECTIVE.captures(line) else { continue };
        let whole = caps.get(0).expect("match");
        // The comment must start the line or follow whitespace (not `a#paved:ignore`).
        let before = &line[..whole.start()];
        if !(before.is_empty() || before.ends_with(char::is_whitespace)) {
            continue;
        }
        let file_level = caps.get(1).is_some();
        let rest = caps.get(2).map_or("", |m| m.as_str());
        let (rules_text, reason) = match rest.split_once("--") {
            Some((r, why)) => (r, Some(why.trim().to_string()).filter(|s| !s.is_empty())),
            None => (rest, None),
        };
        let rules: Vec<String> =
            rules_text.split([',', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let line_no = i as u32 + 1;
        let standalone = before.trim().is_empty();
        if !standalone && !trailing {
            continue;
        }
        let scope = if file_level {
            Scope::File
        } else if standalone {
            let mut last = i + 1;
            while lines.get(last).is_some_and(|l| l.trim_end().ends_with('\\')) {
                last += 1;
            }
            Scope::Lines(line_no + 1, last as u32 + 1)
        } else {
            Scope::Line(line_no)
        };
        let col = line[..whole.start()].chars().count() as u32 + 1;
        out.push(Suppression {
            pos: Pos::new(line_no, col),
            rules,
            reason,
            scope,
            kind: if file_level { SuppressionKind::File } else { SuppressionKind::Inline },
            label: if file_level { "# paved:ignore-file".into() } else { "# paved:ignore".into() },
            expires: None,
        });
        let last = out.last_mut().expect("pushed");
        last.expires = expiry_of(last.reason.as_deref());
    }
    out
}

fn applies(s: &Suppression, f: &Finding) -> bool {
    if !s.rules.iter().any(|r| r == &f.rule) {
        return false;
    }
    match s.scope {
        Scope::Line(l) => f.line == l,
        Scope::Lines(a, b) => (a..=b).contains(&f.line),
        Scope::File => true,
    }
}

/// What the run decides about suppressions: each rule's state, today's date, and which rules
/// may not be suppressed in the linted files.
pub trait Judge {
    fn state(&self, rule: &str) -> RuleState;
    fn today(&self) -> Date;
    fn forbids_inline(&self, rule: &str) -> bool;
}

/// A judge with only rule states: no suppression expires or is forbidden (tests, renders).
pub struct States<'a>(pub &'a dyn Fn(&str) -> RuleState);

impl Judge for States<'_> {
    fn state(&self, rule: &str) -> RuleState {
        (self.0)(rule)
    }
    fn today(&self) -> Date {
        Date { year: 1970, month: 1, day: 1 }
    }
    fn forbids_inline(&self, _: &str) -> bool {
        false
    }
}

/// What the configuration says of a rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    Unknown,
    Disabled,
    Enabled(Severity),
}

/// Splits `findings` of one file into kept and suppressed, and adds the hygiene findings for
/// the suppressions themselves. Suppressions of disabled rules are not reported as unused.
pub fn apply(
    path: &str,
    findings: Vec<Finding>,
    suppressions: &[Suppression],
    judge: &dyn Judge,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let state = |rule: &str| judge.state(rule);
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    let today = judge.today();
    let expired = |s: &Suppression| match &s.expires {
        Some(Expiry::On(d)) => *d < today,
        Some(Expiry::Unreadable(_)) => true,
        None => false,
    };
    // A rule a suppression names but may not suppress (expired, or forbidden in the files).
    let inert = |s: &Suppression, rule: &str| {
        expired(s)
            || s.kind != SuppressionKind::Config && s.kind != SuppressionKind::Baseline && judge.forbids_inline(rule)
    };
    let mut used: Vec<BTreeMap<&str, bool>> =
        suppressions.iter().map(|s| s.rules.iter().map(|r| (r.as_str(), false)).collect()).collect();
    for f in findings {
        match suppressions.iter().position(|s| applies(s, &f) && !inert(s, &f.rule)) {
            Some(i) => {
                used[i].insert(suppressions[i].rules.iter().find(|r| **r == f.rule).map_or("", |r| r.as_str()), true);
                let s = &suppressions[i];
                suppressed.push(Suppressed { finding: f, reason: s.reason.clone().unwrap_or_default(), kind: s.kind });
            }
            None => kept.push(f),
        }
    }
    let hygiene = |rule: &str, pos: Pos, message: String| -> Option<Finding> {
        Some(Finding {
            rule: rule.to_string(),
            severity: match state(rule) {
                RuleState::Enabled(s) => s,
                _ => return None,
            },
            path: path.to_string(),
            line: pos.line,
            column: Some(pos.col),
            message,
            help: String::new(),
            fix: None,
            hint: None,
        })
    };
    for (s, used) in suppressions.iter().zip(&used) {
        if s.reason.is_none() {
            kept.extend(hygiene(
                SUPPRESSION_WITHOUT_REASON,
                s.pos,
                format!("{} {} gives no reason; add one after `--`", s.label, s.rules.join(",")),
            ));
        }
        if s.rules.is_empty() {
            kept.extend(hygiene(UNUSED_SUPPRESSION, s.pos, format!("{} names no rule", s.label)));
        }
        for rule in &s.rules {
            if judge.forbids_inline(rule) && s.kind != SuppressionKind::Config && s.kind != SuppressionKind::Baseline {
                kept.extend(hygiene(
                    FORBIDDEN_SUPPRESSION,
                    s.pos,
                    format!(
                        "{} {rule}: the configuration's forbid-inline-suppressions does not let files suppress {rule}; the finding is reported",
                        s.label
                    ),
                ));
            } else if expired(s) {
                let when = match &s.expires {
                    Some(Expiry::On(d)) => format!("expired on {d}"),
                    Some(Expiry::Unreadable(t)) => format!("has an unreadable expiry {t:?} (expected YYYY-MM-DD)"),
                    None => String::new(),
                };
                kept.extend(hygiene(
                    EXPIRED_SUPPRESSION,
                    s.pos,
                    format!("{} {rule} {when}: it no longer suppresses, and its findings are reported again", s.label),
                ));
            }
        }
        for (rule, was_used) in used {
            if inert(s, rule) {
                continue;
            }
            let why = match state(rule) {
                _ if *was_used => continue,
                RuleState::Disabled => continue,
                RuleState::Unknown => "names an unknown rule",
                RuleState::Enabled(_) => "matches no finding here",
            };
            kept.extend(hygiene(UNUSED_SUPPRESSION, s.pos, format!("{} {rule} {why}", s.label)));
        }
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Error,
            path: "f".into(),
            line,
            column: Some(1),
            message: "m".into(),
            help: String::new(),
            fix: None,
            hint: None,
        }
    }

    #[test]
    fn scans_forms_and_scopes() {
        let text = "# paved:ignore a,b -- why\nx \\\n  more\ny # paved:ignore c\n  # paved:ignore-file d -- all\nurl#paved:ignore e\n";
        let s = scan_comments(text, true);
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].rules.clone(), s[0].reason.as_deref(), &s[0].scope),
            (vec!["a".into(), "b".into()], Some("why"), &Scope::Lines(2, 3))
        );
        assert_eq!((s[1].scope.clone(), s[1].reason.clone(), s[1].pos), (Scope::Line(4), None, Pos::new(4, 3)));
        assert_eq!(scan_comments(text, false).len(), 2, "no trailing directives where # is not a comment");
        assert_eq!((s[2].scope.clone(), s[2].kind), (Scope::File, SuppressionKind::File));
    }

    #[test]
    fn applies_and_reports_hygiene() {
        let text = "# paved:ignore r1 -- ok\nline2\nline3 # paved:ignore r2\n# paved:ignore r3 -- stale\n";
        let s = scan_comments(text, true);
        let state = |r: &str| match r {
            "r1" | "r2" | "r3" => RuleState::Enabled(Severity::Error),
            SUPPRESSION_WITHOUT_REASON | UNUSED_SUPPRESSION => RuleState::Enabled(Severity::Warning),
            _ => RuleState::Unknown,
        };
        let (kept, sup) = apply("f", vec![finding("r1", 2), finding("r2", 3), finding("r1", 3)], &s, &States(&state));
        assert_eq!(sup.len(), 2);
        assert_eq!(sup[0].reason, "ok");
        let rules: Vec<(&str, u32)> = kept.iter().map(|f| (f.rule.as_str(), f.line)).collect();
        assert_eq!(rules, [("r1", 3), (SUPPRESSION_WITHOUT_REASON, 3), (UNUSED_SUPPRESSION, 4)]);
    }

    struct At {
        today: Date,
        forbid: &'static [&'static str],
    }

    impl Judge for At {
        fn state(&self, r: &str) -> RuleState {
            match r {
                EXPIRED_SUPPRESSION | UNUSED_SUPPRESSION | SUPPRESSION_WITHOUT_REASON => {
                    RuleState::Enabled(Severity::Warning)
                }
                _ => RuleState::Enabled(Severity::Error),
            }
        }
        fn today(&self) -> Date {
            self.today
        }
        fn forbids_inline(&self, rule: &str) -> bool {
            self.forbid.contains(&rule)
        }
    }

    #[test]
    fn a_suppression_stops_the_day_after_its_date() {
        let text = "# paved:ignore r1 -- waiting for the vendor (until 2026-12-01)\nline2\n";
        let s = scan_comments(text, true);
        assert_eq!(s[0].expires, Some(Expiry::On(Date::parse("2026-12-01").unwrap())));
        assert_eq!(s[0].reason.as_deref(), Some("waiting for the vendor (until 2026-12-01)"));
        let on = |day: &str| {
            let judge = At { today: Date::parse(day).unwrap(), forbid: &[] };
            let (kept, sup) = apply("f", vec![finding("r1", 2)], &s, &judge);
            (kept.iter().map(|f| f.rule.clone()).collect::<Vec<_>>(), sup.len())
        };
        assert_eq!(on("2026-11-30"), (vec![], 1), "tomorrow's expiry still suppresses");
        assert_eq!(on("2026-12-01"), (vec![], 1), "it suppresses through its last day");
        let (kept, suppressed) = on("2026-12-02");
        assert_eq!(suppressed, 0);
        assert_eq!(kept, ["r1", EXPIRED_SUPPRESSION]);
        // An unreadable date fails closed.
        let s = scan_comments("# paved:ignore r1 -- later (until soon)\nline2\n", true);
        assert_eq!(s[0].expires, Some(Expiry::Unreadable("soon".into())));
        let (kept, _) =
            apply("f", vec![finding("r1", 2)], &s, &At { today: Date::parse("2020-01-01").unwrap(), forbid: &[] });
        assert!(kept[1].message.contains("unreadable expiry \"soon\""), "{:?}", kept[1].message);
    }

    #[test]
    fn forbidden_inline_suppressions_suppress_nothing_and_are_errors() {
        let text = "# paved:ignore r1,r2 -- we know\nline2\n";
        let s = scan_comments(text, true);
        let judge = At { today: Date::parse("2026-12-02").unwrap(), forbid: &["r1"] };
        let (kept, sup) = apply("f", vec![finding("r1", 2), finding("r2", 2)], &s, &judge);
        assert_eq!(sup.len(), 1, "r2 is still suppressed");
        let rules: Vec<(&str, Severity)> = kept.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
        assert_eq!(rules, [("r1", Severity::Error), (FORBIDDEN_SUPPRESSION, Severity::Error)]);
    }
}
