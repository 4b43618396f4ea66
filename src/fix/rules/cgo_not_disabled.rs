//! `cgo-not-disabled`: `CGO_ENABLED=0 ` as an assignment on the command the finding points at:
//! the `go build`/`go install` of a RUN (shell form, `&&` chains, continuation lines, heredoc
//! scripts), or the `make TARGET` whose recipe runs the build (make passes its environment to
//! the recipe, and the rule evaluates the recipe with the RUN's environment). Safe: the rule's
//! intent is a static binary, and the assignment reaches only that one command.
//!
//! Declined: cgo set to anything in effect (`CGO_ENABLED=1` inline, by ENV or ARG: the author
//! chose it), an `ARG CGO_ENABLED` without default anywhere in the file (a `--build-arg` would
//! be overridden), exec-form RUNs (no shell to take an assignment), and a line whose text at the
//! column is not the command.

use std::sync::LazyLock;

use regex::Regex;

use super::Fixer;
use super::src_support::finding_offset;
use crate::fix::{Applicability, Ctx, Fix};

pub const FIXER: Fixer = Fixer {
    rule: "cgo-not-disabled",
    applicability: Applicability::Safe,
    summary: "adds `CGO_ENABLED=0 ` before the `go build`/`go install` (or the `make TARGET` that runs it) in the RUN",
    fix,
};

/// The command at the finding's column: assignments, then go (by path, `xx-go`) or make.
static COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:\S*/)?(?:go|xx-go|make|gmake)\s").expect("valid regex")
});
/// `ARG CGO_ENABLED` with no default: the value comes from `--build-arg`, or stays unset on
/// purpose.
static ARG_WITHOUT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?mi)^\s*ARG\s+(?:.*\s)?CGO_ENABLED\s*$").expect("valid regex"));

fn fix(ctx: &Ctx) -> Option<Fix> {
    // The rule says why: only "not set" is ours to decide.
    if !ctx.finding.message.contains("(CGO_ENABLED is not set)") || ARG_WITHOUT_DEFAULT.is_match(ctx.text) {
        return None;
    }
    let at = finding_offset(ctx)?;
    let rest = &ctx.text[at..];
    if rest.starts_with('[') || !COMMAND.is_match(rest) {
        return None;
    }
    let via_make = ctx.finding.message.contains("(via `make");
    let title =
        if via_make { "set `CGO_ENABLED=0` for the `make` that runs the build" } else { "build with `CGO_ENABLED=0`" };
    Fix::safe(title, vec![ctx.insert(at, "CGO_ENABLED=0 ")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::src_support::e2e;
    use crate::fix::rules::test_support::{finding, fixed};

    const NOT_SET: &str =
        "`go build` runs with cgo enabled (CGO_ENABLED is not set): the binary links libc dynamically";

    fn run(text: &str, line: u32, col: u32, msg: &str) -> Option<String> {
        fixed(fix, &finding(FIXER.rule, "Dockerfile", line, col, msg), text)
    }

    #[test]
    fn assignment_before_the_command_in_a_chain_with_continuations() {
        let t = "FROM golang:1.26\r\nRUN go mod download && \\\r\n    GOOS=linux go build -o /app . && \\\r\n    echo ok\r\n";
        assert_eq!(
            run(t, 3, 5, NOT_SET).unwrap(),
            "FROM golang:1.26\r\nRUN go mod download && \\\r\n    CGO_ENABLED=0 GOOS=linux go build -o /app . && \\\r\n    echo ok\r\n"
        );
    }

    #[test]
    fn heredoc_script_line() {
        let t = "FROM golang:1.26\nRUN <<EOF\nset -e\ngo build -o /app .\nEOF\n";
        assert_eq!(
            run(t, 4, 1, NOT_SET).unwrap(),
            "FROM golang:1.26\nRUN <<EOF\nset -e\nCGO_ENABLED=0 go build -o /app .\nEOF\n"
        );
    }

    #[test]
    fn declines_an_explicit_choice_exec_form_and_build_args() {
        let t = "FROM golang:1.26\nRUN CGO_ENABLED=1 go build .\n";
        assert_eq!(run(t, 2, 5, "`go build` runs with cgo enabled (CGO_ENABLED=1): x"), None);
        assert_eq!(run("FROM golang:1.26\nRUN [\"go\", \"build\", \".\"]\n", 2, 5, NOT_SET), None);
        assert_eq!(run("FROM golang:1.26\nARG CGO_ENABLED\nRUN go build .\n", 3, 5, NOT_SET), None);
        assert_eq!(run("FROM golang:1.26\nRUN echo go build .\n", 2, 5, NOT_SET), None);
    }

    #[test]
    fn end_to_end_every_build_including_make_is_fixed_and_nothing_new_appears() {
        let df = "FROM golang:1.26-bookworm AS build\nWORKDIR /src\nCOPY go.mod main.go Makefile ./\n\
                  RUN go mod download && \\\n    go build -o /out/a . && \\\n    go install ./...\n\
                  RUN make build\nRUN <<EOF\ngo build -o /out/c .\nEOF\n\
                  FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/a /a\nENTRYPOINT [\"/a\"]\n";
        let files = [
            ("Dockerfile", df),
            ("Makefile", "build:\n\tgo build -o /out/b .\n"),
            ("go.mod", "module x\n\ngo 1.26\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ];
        let out = e2e::run(&files, &FIXER);
        assert_eq!(out.before.iter().filter(|f| f.rule == FIXER.rule).count(), 4);
        out.assert_clean(FIXER.rule);
        let fixed = out.read("Dockerfile");
        assert!(
            fixed.contains("    CGO_ENABLED=0 go build -o /out/a . && \\\n    CGO_ENABLED=0 go install ./...\n"),
            "{fixed}"
        );
        assert!(fixed.contains("RUN CGO_ENABLED=0 make build\n"), "{fixed}");
        assert!(fixed.contains("<<EOF\nCGO_ENABLED=0 go build -o /out/c .\nEOF\n"), "{fixed}");
        assert_eq!(out.read("Makefile"), "build:\n\tgo build -o /out/b .\n");
    }
}
