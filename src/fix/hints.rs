//! What a fixer needs to know that the finding's own file does not say, gathered from the
//! linked repository model while it exists (before the cross-file rules consume it) and carried
//! on the finding: for a container without probes, the port and the health paths the Go binary
//! it runs serves; for the securityContext fixes, the user its image runs as. Keyed by the container's place in rendered coordinates, the place the probe
//! findings have before charts and kustomizations move them into their sources.

use std::collections::HashMap;

use serde_json::Value;

/// Something only the repository model knows, for one finding's fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// An HTTP probe the container's Go code answers: `port` is the containerPort's name when it
    /// has one, else its number; the paths are registered GET routes.
    Probe { port: String, liveness: Option<String>, readiness: Option<String> },
    /// The user the linked image's Dockerfile runs as: `None` for root (no USER, `USER root`,
    /// `USER 0`), else the USER as written; `numeric_non_root` when it is a non-zero number (or a
    /// known non-root base's 65532). Only then do `runAsNonRoot: true` and dropping every
    /// capability certainly leave the program working: an image that starts as root may need
    /// them to drop privileges itself (redis's entrypoint does), and a user name cannot be
    /// verified by the kubelet.
    ImageUser { user: Option<String>, numeric_non_root: bool },
}

/// Container hints by display path, then line.
pub type ContainerHints = HashMap<String, HashMap<u32, Vec<Hint>>>;

/// Whether a fix of `rule` reads a hint at all (most findings need no lookup).
pub fn wanted(rule: &str) -> bool {
    matches!(
        rule,
        "liveness-probe-missing" | "readiness-probe-missing" | "run-as-non-root" | "capabilities-not-dropped"
    )
}

/// The hint of `hints` (a container's) that a fix of `rule` needs.
pub fn for_rule<'a>(rule: &str, hints: &'a [Hint]) -> Option<&'a Hint> {
    hints.iter().find(|h| match h {
        Hint::Probe { .. } => rule == "liveness-probe-missing" || rule == "readiness-probe-missing",
        Hint::ImageUser { .. } => rule == "run-as-non-root" || rule == "capabilities-not-dropped",
    })
}

const LIVENESS: [&str; 7] = ["/livez", "/healthz", "/health", "/live", "/liveness", "/ping", "/alive"];
const READINESS: [&str; 6] = ["/readyz", "/ready", "/readiness", "/healthz", "/health", "/ping"];

/// The hints of each container, by (display path, line): probes for those that run a linked Go
/// binary whose routes are known, the image's user name for those whose Dockerfile ends so.
pub fn container_hints(repo: &Value) -> ContainerHints {
    let mut out: ContainerHints = HashMap::new();
    for c in repo["containers"].as_array().into_iter().flatten() {
        let (Some(path), Some(line)) = (c["path"].as_str(), c["line"].as_u64()) else { continue };
        let hints: Vec<Hint> = probe_hint(c).into_iter().chain(user_hint(repo, c)).collect();
        if !hints.is_empty() {
            out.entry(path.to_string()).or_default().entry(line as u32).or_default().extend(hints);
        }
    }
    out
}

fn user_hint(repo: &Value, c: &Value) -> Option<Hint> {
    let df = &repo["dockerfiles"][c["dockerfile"].as_u64()? as usize];
    if df.is_null() {
        return None;
    }
    let Some(user) = df["final_user"]["user"].as_str() else {
        return Some(Hint::ImageUser { user: None, numeric_non_root: false });
    };
    if user.contains('$') {
        return None;
    }
    let name = user.split(':').next().unwrap_or(user);
    if name == "root" || name == "0" {
        return Some(Hint::ImageUser { user: None, numeric_non_root: false });
    }
    let numeric_non_root = !name.is_empty() && name.chars().all(|ch| ch.is_ascii_digit());
    Some(Hint::ImageUser { user: Some(user.to_string()), numeric_non_root })
}

fn probe_hint(c: &Value) -> Option<Hint> {
    if c["runs_go"] != true || c["init"] == true {
        return None;
    }
    let go = &c["go"];
    if go["routes_known"] != true {
        return None;
    }
    let routes = go["routes"].as_array()?;
    if routes.iter().any(|r| r["unresolved"] == true) {
        return None;
    }
    // Only the service's own routes: a framework's health endpoints listen on a port of their
    // own (controller-runtime's HealthProbeBindAddress), which the manifest may not declare.
    let served = |p: &str| {
        routes.iter().any(|r| {
            r["served_by_framework"] != true
                && r["unknown_prefix"] != true
                && r["path"].as_str() == Some(p)
                && (r["method"].is_null() || matches!(r["method"].as_str(), Some("GET" | "HEAD")))
        })
    };
    let pick = |candidates: &[&str]| candidates.iter().find(|p| served(p)).map(|p| p.to_string());
    let (liveness, readiness) = (pick(&LIVENESS), pick(&READINESS));
    if liveness.is_none() && readiness.is_none() {
        return None;
    }
    let listens: Vec<u64> = go["ports"].as_array().into_iter().flatten().filter_map(|p| p["port"].as_u64()).collect();
    let declared: Vec<&Value> = c["ports"].as_array().into_iter().flatten().collect();
    let port_of = |p: &Value| match p["name"].as_str() {
        Some(n) if !n.is_empty() => Some(n.to_string()),
        _ => p["containerPort"].as_u64().map(|n| n.to_string()),
    };
    let port = match declared.as_slice() {
        [] => match listens.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        },
        [one] if listens.is_empty() || listens.iter().any(|l| one["containerPort"].as_u64() == Some(*l)) => {
            port_of(one)
        }
        several => {
            let matching: Vec<&&Value> =
                several.iter().filter(|p| p["containerPort"].as_u64().is_some_and(|n| listens.contains(&n))).collect();
            match matching.as_slice() {
                [one] => port_of(one),
                _ => None,
            }
        }
    }?;
    Some(Hint::Probe { port, liveness, readiness })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn container(routes: Value, ports: Value, listens: Value) -> Value {
        json!({"path": "deploy/app.yaml", "line": 9, "runs_go": true, "init": false, "ports": ports,
               "go": {"routes_known": true, "routes": routes, "ports": listens}})
    }

    #[test]
    fn the_named_port_the_code_listens_on_and_its_health_paths() {
        let routes = json!([{"path": "/healthz", "method": "GET"}, {"path": "/readyz", "method": null}, {"path": "/api", "method": "POST"}]);
        let c = container(
            routes,
            json!([{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}]),
            json!([{"port": 8080}]),
        );
        let hints = container_hints(&json!({"containers": [c]}));
        assert_eq!(
            hints["deploy/app.yaml"][&9][0],
            Hint::Probe { port: "http".into(), liveness: Some("/healthz".into()), readiness: Some("/readyz".into()) }
        );
    }

    #[test]
    fn nothing_when_unsure() {
        let health = json!([{"path": "/health", "method": "GET"}]);
        // Two declared ports, the code's port unknown.
        let c = container(health.clone(), json!([{"containerPort": 8080}, {"containerPort": 9090}]), json!([]));
        assert!(container_hints(&json!({"containers": [c]})).is_empty());
        // Only a framework's endpoints.
        let c =
            container(json!([{"path": "/healthz", "served_by_framework": true}]), json!([]), json!([{"port": 8080}]));
        assert!(container_hints(&json!({"containers": [c]})).is_empty());
        // A route paved could not resolve.
        let c = container(json!([{"path": "/health"}, {"unresolved": true}]), json!([]), json!([{"port": 8080}]));
        assert!(container_hints(&json!({"containers": [c]})).is_empty());
        // No health-style route.
        let c = container(json!([{"path": "/api"}]), json!([]), json!([{"port": 8080}]));
        assert!(container_hints(&json!({"containers": [c]})).is_empty());
    }

    #[test]
    fn wanted_lists_exactly_the_rules_a_hint_serves() {
        let hints = [
            Hint::Probe { port: "http".into(), liveness: None, readiness: None },
            Hint::ImageUser { user: None, numeric_non_root: false },
        ];
        for rule in ["liveness-probe-missing", "readiness-probe-missing", "run-as-non-root", "capabilities-not-dropped"]
        {
            assert!(wanted(rule) && for_rule(rule, &hints).is_some(), "{rule}");
        }
        assert!(!wanted("image-latest-tag") && for_rule("image-latest-tag", &hints).is_none());
    }
}
