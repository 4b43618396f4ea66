//! Image references: `[registry/]repository[:tag][@digest]`.

use super::ImageRef;

/// Splits `[registry/]repository[:tag][@digest]`. The first component is a registry when it has
/// a `.` or `:` or is `localhost`; the tag is after the last `:` of the last path component, so
/// `host:5000/app` has none. Nothing is normalised (`golang` stays `golang`).
pub fn parse_image_ref(s: &str) -> Option<ImageRef> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let (name, digest) = match s.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (Some(first), rest),
        _ => (None, name),
    };
    let last = path.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match path[last..].rfind(':') {
        Some(i) => (&path[..last + i], Some(&path[last + i + 1..])),
        None => (path, None),
    };
    let empty = |o: Option<&str>| o.is_some_and(str::is_empty);
    if repository.split('/').any(str::is_empty) || empty(tag) || empty(digest) || empty(registry) {
        return None;
    }
    // Only the characters the reference grammar allows: a template placeholder such as
    // `{ARG_FROM}` (a `Dockerfile.in` that the build fills in) or `<image>` is not an image.
    // Shell and CI variables (`app:${GITHUB_SHA}`) are kept: callers link by the repository and
    // do not judge what still holds a `$`.
    let expands = s.contains('$');
    let word =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || expands && matches!(c, '$' | '{' | '}');
    let valid = registry.is_none_or(|r| r.chars().all(|c| word(c) || c == ':' || c == '[' || c == ']'))
        && repository.chars().all(|c| word(c) || c == '/')
        && tag.is_none_or(|t| t.chars().all(word))
        && digest.is_none_or(|d| d.chars().all(|c| word(c) || c == ':' || c == '+'));
    if !valid {
        return None;
    }
    Some(ImageRef {
        registry: registry.map(String::from),
        repository: repository.to_string(),
        tag: tag.map(String::from),
        digest: digest.map(String::from),
    })
}
