//! Validation of the values a user gives `paved new`. Each function returns the reason a value
//! is refused, phrased for the person who typed it.

/// NAME names the binary, the image and the Helm chart, so it must be a DNS-1123 label:
/// lowercase alphanumerics and `-`, starting and ending alphanumeric, at most 63 characters.
pub fn service_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the service name is empty".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "the service name {name:?} is {} characters long; a DNS-1123 label has at most 63",
            name.len()
        ));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(format!(
            "the service name {name:?} contains {c:?}; use lowercase letters, digits and '-' \
             (a DNS-1123 label: it names the binary, image and chart)"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(format!("the service name {name:?} must start and end with a letter or digit"));
    }
    Ok(())
}

/// A Go module path as `go mod init` accepts it: slash-separated elements of
/// `A-Z a-z 0-9 . _ ~ -`, none empty, `.` or `..`, none starting or ending with a dot.
pub fn module_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the module path is empty".into());
    }
    if path.len() > 1024 {
        return Err("the module path is longer than 1024 characters".into());
    }
    for element in path.split('/') {
        if element.is_empty() {
            return Err(format!("the module path {path:?} has an empty element (leading, trailing or double '/')"));
        }
        if element.starts_with('.') || element.ends_with('.') {
            return Err(format!("the module path {path:?} has an element starting or ending with '.': {element:?}"));
        }
        if let Some(c) = element.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-'))) {
            return Err(format!("the module path {path:?} contains {c:?}, which Go module paths do not allow"));
        }
    }
    Ok(())
}

/// A container registry prefix, HOST[:PORT][/PATH...]: the host is a domain, an IP or
/// `localhost`, the path components are lowercase image-name components.
pub fn registry(registry: &str) -> Result<(), String> {
    let mut parts = registry.split('/');
    let host = parts.next().unwrap_or_default();
    let (hostname, port) = match host.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host, None),
    };
    let host_ok = !hostname.is_empty()
        && (hostname.contains('.') || hostname == "localhost")
        && hostname.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !host_ok {
        return Err(format!(
            "the registry {registry:?} must start with a registry host such as ghcr.io, \
             registry.example.com:5000 or localhost:5000"
        ));
    }
    if let Some(port) = port
        && port.parse::<u16>().ok().is_none_or(|p| p == 0)
    {
        return Err(format!("the registry {registry:?} has an invalid port {port:?}"));
    }
    for component in parts {
        let ok = !component.is_empty()
            && component.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
            && component.starts_with(|c: char| c.is_ascii_alphanumeric())
            && component.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return Err(format!(
                "the registry {registry:?} has an invalid path component {component:?} \
                 (lowercase letters, digits and . _ - between alphanumerics)"
            ));
        }
    }
    Ok(())
}

/// The container runs as a non-root user with every capability dropped, so it cannot bind
/// a privileged port.
pub fn port(port: u16) -> Result<(), String> {
    if port < 1024 {
        return Err(format!(
            "port {port} is privileged: the generated container runs as a non-root user with all \
             capabilities dropped and cannot bind ports below 1024; pick 1024-65535 (e.g. 8080)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names() {
        for ok in ["orders", "a", "a1", "my-svc-2", &"a".repeat(63)] {
            assert_eq!(service_name(ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("", "empty"),
            ("Orders", "contains 'O'"),
            ("../x", "contains '.'"),
            ("a/b", "contains '/'"),
            ("my_svc", "contains '_'"),
            ("-svc", "start and end"),
            ("svc-", "start and end"),
            (&"a".repeat(64), "at most 63"),
        ] {
            let err = service_name(bad).unwrap_err();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn module_paths() {
        for ok in ["orders", "github.com/acme/orders", "example.com/x/y", "gitlab.com/a_b/c~d/v2"] {
            assert_eq!(module_path(ok), Ok(()), "{ok}");
        }
        for bad in ["", "/x", "x/", "a//b", "a/../b", ".a", "a b", "a\\b", "ex.com/é"] {
            assert!(module_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registries() {
        for ok in ["ghcr.io/acme", "registry.example.com:5000/team/sub", "localhost:5000", "10.0.0.1/x"] {
            assert_eq!(registry(ok), Ok(()), "{ok}");
        }
        for bad in ["", "acme", "ghcr.io/Acme", "ghcr.io/", "ghcr.io//a", "ghcr.io:0/a", "ghcr.io/a b", "ghcr.io/-a"] {
            assert!(registry(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports() {
        assert!(port(8080).is_ok());
        assert!(port(1024).is_ok());
        assert!(port(80).unwrap_err().contains("privileged"));
        assert!(port(0).is_err());
    }
}
