//! `liveness-probe-missing` / `readiness-probe-missing` (unsafe: probe timings and the
//! choice of endpoint are judgement calls, and a wrong liveness probe restarts healthy pods):
//! an `httpGet` probe on the port and the path the container's Go binary serves, known from
//! the repository model ([`Hint::Probe`]: `/livez`, `/healthz`, `/health`, ... for liveness,
//! `/readyz`, `/ready`, ... for readiness). No fix when the code's routes or port are not
//! known, for JSON manifests, or when the container's block mentions the probe already (a
//! chart that sets it from values under a condition).

use super::Fixer;
use crate::fix::hints::Hint;
use crate::fix::text::{Lines, indent_of};
use crate::fix::{Applicability, Ctx, Fix};

pub const LIVENESS: Fixer = Fixer {
    rule: "liveness-probe-missing",
    applicability: Applicability::Unsafe,
    summary: "adds an `httpGet` livenessProbe on the port and health path (`/livez`, `/healthz`, `/health`, ...) the container's Go code serves; none when paved does not know them",
    fix: liveness,
};

pub const READINESS: Fixer = Fixer {
    rule: "readiness-probe-missing",
    applicability: Applicability::Unsafe,
    summary: "adds an `httpGet` readinessProbe on the port and readiness path (`/readyz`, `/ready`, `/healthz`, ...) the container's Go code serves; none when paved does not know them",
    fix: readiness,
};

fn liveness(ctx: &Ctx) -> Option<Fix> {
    let Some(Hint::Probe { port, liveness: Some(path), .. }) = ctx.finding.hint.as_deref() else { return None };
    probe(ctx, "livenessProbe", path, port)
}

fn readiness(ctx: &Ctx) -> Option<Fix> {
    let Some(Hint::Probe { port, readiness: Some(path), .. }) = ctx.finding.hint.as_deref() else { return None };
    probe(ctx, "readinessProbe", path, port)
}

/// The column (0-based byte offset) of the first key of the block sequence item on `line`
/// (`- name: x` → the `n`), if the line starts an item with a `key:`.
fn item_key_column(line: &str) -> Option<usize> {
    let dash = indent_of(line);
    let rest = line[dash..].strip_prefix('-')?;
    let gap = rest.len() - rest.trim_start_matches(' ').len();
    let body = &rest[gap..];
    if gap == 0 || body.starts_with('{') || body.starts_with('[') || !body.contains(':') {
        return None;
    }
    Some(dash + 1 + gap)
}

/// Whether the item starting at line `n` (with its dash at column `dash`) mentions `key`.
fn item_mentions(lines: &Lines, n: usize, dash: usize, key: &str) -> bool {
    let mut k = n + 1;
    while k <= lines.count() {
        let l = lines.get(k);
        let t = l.trim_start();
        let template_only = t.starts_with("{{") && t.trim_end().ends_with("}}");
        if !t.is_empty() && !t.starts_with('#') && !template_only && indent_of(l) <= dash {
            break;
        }
        if t.contains(key) {
            return true;
        }
        k += 1;
    }
    false
}

fn probe(ctx: &Ctx, key: &str, path: &str, port: &str) -> Option<Fix> {
    if ctx.path().ends_with(".json") {
        return None;
    }
    let lines = Lines::new(ctx.text);
    let n = ctx.finding.line as usize;
    let line = lines.get(n);
    let col = item_key_column(line)?;
    if item_mentions(&lines, n, indent_of(line), key) {
        return None;
    }
    let pad = " ".repeat(col);
    let eol = lines.eol;
    let block = format!("{pad}{key}:{eol}{pad}  httpGet:{eol}{pad}    path: {path}{eol}{pad}    port: {port}{eol}");
    let (at, prefix) = lines.after_line(n);
    Fix::unsafe_(
        format!("add a {key} on {path} (port {port}), the path the Go code serves"),
        vec![ctx.insert(at, format!("{prefix}{block}"))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fixed};

    fn hinted(rule: &str, line: u32) -> crate::lint::finding::Finding {
        let mut f = finding(rule, "deploy/app.yaml", line, 11, "");
        f.hint = Some(Box::new(Hint::Probe {
            port: "http".into(),
            liveness: Some("/healthz".into()),
            readiness: Some("/readyz".into()),
        }));
        f
    }

    const APP: &str = "spec:\n  containers:\n    - name: api   # the service\n      image: x:1\n      ports:\n        - name: http\n          containerPort: 8080\n";

    #[test]
    fn inserts_the_probe_under_the_container_name() {
        let out = fixed(liveness, &hinted(LIVENESS.rule, 3), APP).unwrap();
        assert_eq!(
            out,
            "spec:\n  containers:\n    - name: api   # the service\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: http\n      image: x:1\n      ports:\n        - name: http\n          containerPort: 8080\n"
        );
        let out = fixed(readiness, &hinted(READINESS.rule, 3), &APP.replace('\n', "\r\n")).unwrap();
        assert!(out.contains("    - name: api   # the service\r\n      readinessProbe:\r\n        httpGet:\r\n          path: /readyz\r\n"));
    }

    #[test]
    fn no_fix_without_a_hint_or_when_the_block_mentions_the_probe() {
        assert_eq!(fixed(liveness, &finding(LIVENESS.rule, "deploy/app.yaml", 3, 11, ""), APP), None);
        let chart = "      containers:\n        - name: {{ .Chart.Name }}\n          {{- with .Values.livenessProbe }}\n          livenessProbe: {{ toYaml . | nindent 12 }}\n          {{- end }}\n";
        assert_eq!(fixed(liveness, &hinted(LIVENESS.rule, 2), chart), None);
        assert_eq!(fixed(liveness, &hinted(LIVENESS.rule, 1), "- {name: api, image: x}\n"), None);
    }
}
