//! Small pure helpers: identifier words and port/address names, port literals, route path joins
//! and net/http's pattern syntax, default import names, a minimal `fmt.Sprintf`, struct tags.

use super::lex::unescape;
use super::value::{Fw, Value};

/// Splits an identifier into lower-case words: camelCase, acronyms, `_`, `-`, `.`.
pub(super) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (k, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = k.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(k + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a name says it holds a port (`DefaultPort`, `HTTP_PORT`, `port-number`) or a listen
/// address (`ListenAddr`, `addr`, `http.address`): the word must end the name, or be followed only
/// by qualifiers (`PORT_DEFAULT`). `ERROR_PORT_NOT_SET`, `listenBacklog`, `maxReportSize` say neither.
pub(super) fn port_words(name: &str) -> (bool, bool) {
    let w = words(name);
    let key = w.iter().rposition(|w| matches!(w.as_str(), "port" | "addr" | "address" | "listen"));
    let Some(k) = key else { return (false, false) };
    let qualifiers_only = w[k + 1..].iter().all(|q| {
        matches!(
            q.as_str(),
            "default" | "number" | "num" | "http" | "https" | "env" | "var" | "flag" | "str" | "string"
        )
    });
    if !qualifiers_only {
        return (false, false);
    }
    let port = w[k] == "port";
    (port, !port)
}

/// The name says it holds a port or a listen address.
pub(super) fn portish(name: &str) -> bool {
    let (port, addr) = port_words(name);
    port || addr
}

/// The port a listen address or port literal names: `8080`, `:8080`, `0.0.0.0:8080`, `[::]:8080`.
pub(super) fn parse_port(addr: &str) -> Option<u16> {
    let s = addr.trim();
    let digits = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s } else { &s[s.rfind(':')? + 1..] };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u16>().ok().filter(|&p| p != 0)
}

pub(super) fn int_port(n: i64) -> Option<u16> {
    u16::try_from(n).ok().filter(|&p| p != 0)
}

/// Joins a group prefix and a path the way the routers do (one `/` between them).
pub(super) fn join_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    if path.is_empty() {
        return prefix.to_string();
    }
    match (prefix.ends_with('/'), path.starts_with('/')) {
        (true, true) => format!("{prefix}{}", &path[1..]),
        (false, false) => format!("{prefix}/{path}"),
        _ => format!("{prefix}{path}"),
    }
}

/// [`join_path`], with the routers' own rules: chi serves a subrouter's `/` at the mount point
/// itself (`Route("/articles", ...)` + `Get("/")` is `GET /articles`); gin and echo root a
/// relative path at `/` (`GET("favicon.ico")` is `/favicon.ico`).
pub(super) fn join_route(fw: Fw, prefix: &str, path: &str) -> String {
    match fw {
        Fw::Chi if !prefix.is_empty() && path == "/" => prefix.to_string(),
        Fw::Gin | Fw::Echo if prefix.is_empty() && !path.starts_with('/') => format!("/{path}"),
        _ => join_path(prefix, path),
    }
}

/// net/http's pattern syntax `[METHOD ][HOST]/[PATH]`: the method, if any, and the rest.
pub(super) fn split_method(pattern: &str) -> (Option<String>, &str) {
    match pattern.find([' ', '\t']) {
        Some(i) if i > 0 => (Some(pattern[..i].to_string()), pattern[i + 1..].trim_start_matches([' ', '\t'])),
        _ => (None, pattern),
    }
}

/// The path of `[HOST]/[PATH]`.
pub(super) fn strip_host(rest: &str) -> &str {
    if rest.starts_with('/') { rest } else { rest.find('/').map_or(rest, |i| &rest[i..]) }
}

pub(super) fn looks_like_pattern(s: &str) -> bool {
    let (_, rest) = split_method(s);
    rest.starts_with('/')
        || (!rest.contains(' ') && rest.split('/').next().is_some_and(|h| h.contains('.')) && rest.contains('/'))
}

/// The package name an import path gets without an alias: its last element, minus a `/vN`
/// major-version element, a `.vN` suffix (gopkg.in) and a `go-` prefix.
pub(super) fn default_import_name(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1
        && parts.last().is_some_and(|l| l.len() > 1 && l.starts_with('v') && l[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        parts.pop();
    }
    let mut last = parts.last().copied().unwrap_or("");
    if let Some(i) = last.find(".v")
        && last[i + 2..].bytes().all(|b| b.is_ascii_digit())
    {
        last = &last[..i];
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.replace(['-', '.'], "_")
}

/// An echo import whose `Start` serves with the instance's own `e.Server` (`e.TLSServer` for TLS),
/// created without timeouts: v3 (imported without a major version) and v4. v5's `Start` builds a
/// server with a 30-second `ReadTimeout`.
pub(super) fn echo_starts_bare_server(path: &str) -> bool {
    path == "github.com/labstack/echo" || matches!(path.strip_prefix("github.com/labstack/echo/"), Some("v3" | "v4"))
}

/// A minimal `fmt.Sprintf` for `%d`, `%s`, `%v` and `%%` with resolved arguments.
pub(super) fn sprintf(format: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut it = format.chars();
    let mut args = args.iter();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match (it.next()?, args.next()) {
            ('%', _) => out.push('%'),
            ('d' | 'v', Some(Value::Int(n))) => out.push_str(&n.to_string()),
            ('s' | 'v', Some(Value::Str(s))) => out.push_str(s),
            _ => return None,
        }
    }
    Some(out)
}

/// `key:"value"` pairs of a struct tag, as reflect.StructTag reads them.
pub(super) fn tag_lookup(tag: &str, key: &str) -> Option<String> {
    let mut rest = tag;
    loop {
        rest = rest.trim_start();
        let colon = rest.find(':')?;
        let name = &rest[..colon];
        let after = rest[colon + 1..].strip_prefix('"')?;
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        if name == key {
            return Some(unescape(&after[..end]));
        }
        rest = &after[end + 1..];
    }
}
