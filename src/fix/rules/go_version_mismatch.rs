//! `go-version-mismatch`: the Go version of a Dockerfile `golang:` image (in FROM, or in the
//! global ARG default the FROM takes it from), of a CI job image (`golang:`, `cimg/go:`) or of
//! setup-go's `go-version`, set to the version go.mod requires (the rule's message names it: the
//! `toolchain` line when newer, else the `go` line). The image variant (`-bookworm`,
//! `-alpine3.20`), quoting and the precision of the version stay: `1.22` becomes `X.Y`,
//! `1.22.3` becomes go.mod's full version when it has a patch, else `X.Y`. Safe: the rule's
//! intent is exactly that version, and a golang image of every released version exists.
//!
//! Declined: a digest-pinned image (`@sha256:`: the digest would no longer match), a version
//! built from variables (`golang:1.${MINOR}`, an ARG default that refers to another ARG, a CI
//! variable), and text at the finding that does not spell the version the message names.

use std::sync::LazyLock;

use regex::Regex;

use super::Fixer;
use super::src_support::finding_offset;
use crate::fix::{Applicability, Ctx, Edit, Fix};
use crate::parse::dockerfile;

pub const FIXER: Fixer = Fixer {
    rule: "go-version-mismatch",
    applicability: Applicability::Safe,
    summary: "sets the `golang:` image tag (or its ARG default) or setup-go's `go-version` to go.mod's version, \
              keeping the image variant and the version's precision",
    fix,
};

/// "... Go 1.22.3, which is older than go.mod's 1.26.1" (also "differs in minor version from").
static MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Go (\d+\.\d+(?:\.\d+)?), which (?:is older than|differs in minor version from) .*'s (?:go)?(\d+\.\d+(?:\.\d+)?)$")
        .expect("valid regex")
});

fn fix(ctx: &Ctx) -> Option<Fix> {
    let caps = MESSAGE.captures(&ctx.finding.message)?;
    let (found, required) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
    let target = target(found, required);
    let at = finding_offset(ctx)?;
    let rest = &ctx.text[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
    let start = at + quote.map_or(0, char::len_utf8);
    let token_len = token_len(&ctx.text[start..]);
    let token = &ctx.text[start..start + token_len];
    let title = format!("use Go {target}, the version go.mod requires");
    if token.contains('@') {
        return None;
    }
    if token == found {
        // setup-go's `go-version: 1.25`: an unquoted 1.30 would be the YAML float 1.3.
        let needs_quotes = quote.is_none() && target.matches('.').count() == 1 && target.ends_with('0');
        let replacement = if needs_quotes { format!("\"{target}\"") } else { target.clone() };
        return Fix::safe(title, vec![ctx.edit(start, start + token_len, replacement)]);
    }
    let tag_at = token.rfind('/').map_or(0, |i| i + 1);
    let tag_at = tag_at + token[tag_at..].find(':')? + 1;
    let tag = &token[tag_at..];
    if let Some(after) = tag.strip_prefix(found)
        && (after.is_empty() || after.starts_with('-'))
    {
        let s = start + tag_at;
        return Fix::safe(title, vec![ctx.edit(s, s + found.len(), target)]);
    }
    let edit = arg_default(ctx, tag, found, &target)?;
    Fix::safe(title, vec![edit])
}

/// The length of the word at the start of `s`: up to a space, a quote or a YAML flow
/// delimiter (a `}` closing a `${VAR}` is part of the word).
fn token_len(s: &str) -> usize {
    let mut in_var = false;
    for (i, c) in s.char_indices() {
        match c {
            '{' if s[..i].ends_with('$') => in_var = true,
            '}' if in_var => in_var = false,
            c if c.is_whitespace() || "\"',]}#".contains(c) => return i,
            _ => {}
        }
    }
    s.len()
}

/// The version to write: go.mod's, at the precision of the one written.
fn target(found: &str, required: &str) -> String {
    let parts: Vec<&str> = required.split('.').collect();
    if found.matches('.').count() >= 2 && parts.len() >= 3 { required.to_string() } else { parts[..2].join(".") }
}

/// `FROM golang:${GO_VERSION}-alpine` with `ARG GO_VERSION=1.22` before the first FROM: the
/// edit of the ARG's default.
fn arg_default(ctx: &Ctx, tag: &str, found: &str, target: &str) -> Option<Edit> {
    let name = if let Some(r) = tag.strip_prefix("${") {
        &r[..r.find('}')?]
    } else {
        let r = tag.strip_prefix('$')?;
        &r[..r.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(r.len())]
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let df = dockerfile::parse(ctx.text).ok()?;
    let arg = df.global_args.iter().rev().find(|a| a.key == name)?;
    if arg.value_refs {
        return None;
    }
    let pos = arg.value_pos?;
    let lines = crate::fix::text::Lines::new(ctx.text);
    let mut at = super::src_support::offset_at(&lines, pos.line, pos.col)?;
    if ctx.text[at..].starts_with(['"', '\'']) {
        at += 1;
    }
    let after = ctx.text[at..].strip_prefix(found)?;
    if after.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(ctx.edit(at, at + found.len(), target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::src_support::e2e;
    use crate::fix::rules::test_support::{finding, fixed};

    fn run(path: &str, text: &str, line: u32, col: u32, msg: &str) -> Option<String> {
        fixed(fix, &finding(FIXER.rule, path, line, col, msg), text)
    }

    fn msg(found: &str, req: &str) -> String {
        format!("golang:x builds with Go {found}, which is older than go.mod's {req}")
    }

    #[test]
    fn from_tag_keeps_the_variant_and_the_precision() {
        let t = "FROM golang:1.22-bookworm AS b\nFROM --platform=$BUILDPLATFORM golang:1.22.3-alpine3.20\n";
        assert_eq!(run("Dockerfile", t, 1, 6, &msg("1.22", "1.26.1")).unwrap(), t.replacen("1.22-", "1.26-", 1));
        assert_eq!(
            run("Dockerfile", t, 2, 38, &msg("1.22.3", "1.26.1")).unwrap(),
            t.replace("1.22.3-alpine", "1.26.1-alpine")
        );
        assert_eq!(
            run("Dockerfile", t, 2, 38, &msg("1.22.3", "1.26")).unwrap(),
            t.replace("1.22.3-alpine", "1.26-alpine")
        );
        let reg = "FROM docker.io/library/golang:1.22\n";
        assert_eq!(run("Dockerfile", reg, 1, 6, &msg("1.22", "1.26")).unwrap(), "FROM docker.io/library/golang:1.26\n");
    }

    #[test]
    fn arg_default_quoted_or_not() {
        let t = "ARG GO_VERSION=\"1.22\"\nFROM golang:${GO_VERSION}-bookworm\n";
        assert_eq!(run("Dockerfile", t, 2, 6, &msg("1.22", "1.26")).unwrap(), t.replace("\"1.22\"", "\"1.26\""));
        let t = "ARG GO=1.22.3\nFROM golang:$GO\n";
        assert_eq!(run("Dockerfile", t, 2, 6, &msg("1.22.3", "1.26.1")).unwrap(), "ARG GO=1.26.1\nFROM golang:$GO\n");
        assert_eq!(run("Dockerfile", "ARG V=1.22\nARG GO=$V\nFROM golang:$GO\n", 3, 6, &msg("1.22", "1.26")), None);
    }

    #[test]
    fn declines_digests_and_variables() {
        let t = "FROM golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
        assert_eq!(run("Dockerfile", t, 1, 6, &msg("1.22", "1.26")), None);
        assert_eq!(run("Dockerfile", "FROM golang:1.${M}\n", 1, 6, &msg("1.22", "1.26")), None);
    }

    #[test]
    fn ci_setup_go_and_job_images() {
        let t = "jobs:\r\n  t:\r\n    container: golang:1.24-bookworm # ci\r\n    steps:\r\n      - uses: actions/setup-go@v5\r\n        with:\r\n          go-version: '1.25.2'\r\n";
        let m = "setup-go uses Go 1.25.2, which is older than go.mod's 1.26.1";
        assert_eq!(run("ci.yml", t, 7, 23, m).unwrap(), t.replace("'1.25.2'", "'1.26.1'"));
        let m = "golang:1.24-bookworm uses Go 1.24, which is older than go.mod's 1.26.1";
        assert_eq!(run("ci.yml", t, 3, 16, m).unwrap(), t.replace("golang:1.24-", "golang:1.26-"));
        let t = "with:\n  go-version: 1.25\n";
        let m = "setup-go uses Go 1.25, which is older than go.mod's 1.30.1";
        assert_eq!(run("ci.yml", t, 2, 15, m).unwrap(), "with:\n  go-version: \"1.30\"\n");
        let gitlab = "build:\n  image: cimg/go:1.24\n";
        let m = "cimg/go:1.24 uses Go 1.24, which differs in minor version from go.mod's 1.23";
        assert_eq!(run(".gitlab-ci.yml", gitlab, 2, 10, m).unwrap(), "build:\n  image: cimg/go:1.23\n");
    }

    #[test]
    fn end_to_end_dockerfile_and_workflow() {
        let files = [
            ("go.mod", "module x\n\ngo 1.26.1\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
            (
                "Dockerfile",
                "ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION}-bookworm AS b\nRUN CGO_ENABLED=0 go build -o /a .\nFROM golang:1.22.3-alpine3.20 AS c\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /a /a\n",
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container: golang:1.24\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: \"1.25.2\"\n",
            ),
        ];
        let out = e2e::run(&files, &FIXER);
        assert_eq!(out.before.iter().filter(|f| f.rule == FIXER.rule).count(), 4);
        out.assert_clean(FIXER.rule);
        let df = out.read("Dockerfile");
        assert!(df.starts_with("ARG GO_VERSION=1.26\n") && df.contains("golang:1.26.1-alpine3.20"), "{df}");
        let ci = out.read(".github/workflows/ci.yml");
        assert!(ci.contains("container: golang:1.26\n") && ci.contains("go-version: \"1.26.1\"\n"), "{ci}");
    }
}
