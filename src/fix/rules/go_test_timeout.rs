//! `go-test-timeout-missing`: `-timeout 120s` right after `go test` (Makefile recipes, CI
//! scripts, shell scripts, Dockerfile RUN/CMD in both forms), or right after gotestsum's `--`.
//! Safe: the rule's intent is a bound on the run; flags after `test` are go test's own, so
//! the position never changes the packages or other flags.

use std::sync::LazyLock;

use regex::Regex;

use super::Fixer;
use crate::fix::{Applicability, Ctx, Fix, text::Lines};

pub const FIXER: Fixer = Fixer {
    rule: "go-test-timeout-missing",
    applicability: Applicability::Safe,
    summary: "adds `-timeout 120s` right after `go test` (after gotestsum's `--`)",
    fix,
};

const FLAG: &str = "-timeout 120s";

/// `go test` at the command's start: assignments before it, `go` by path or as a make/shell
/// variable (`$(GO) test`, `${GO} test`).
static SHELL_FORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:\S*/)?(?:go|\$\([A-Za-z0-9_.]+\)|\$\{[A-Za-z0-9_.]+\})\s+test\b"#)
        .expect("valid regex")
});
static EXEC_FORM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\[\s*"(?:\S*/)?go"\s*,\s*"test""#).expect("valid regex"));
static GOTESTSUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(?:\S*/)?gotestsum\b[^;&|]*?\s--(?:\s|$)"#).expect("valid regex"));

fn fix(ctx: &Ctx) -> Option<Fix> {
    let lines = Lines::new(ctx.text);
    let n = ctx.finding.line as usize;
    let line = lines.get(n);
    let col = ctx.finding.column.unwrap_or(1).saturating_sub(1) as usize;
    let from = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let rest = &line[from..];
    let at = lines.start(n) + from;
    let (end, insert) = if let Some(m) = EXEC_FORM.find(rest) {
        (m.end(), r#", "-timeout", "120s""#.to_string())
    } else if let Some(m) = GOTESTSUM.find(rest) {
        // After the `--`, whatever follows it.
        let dashes = m.as_str().trim_end().len();
        (dashes, format!(" {FLAG}"))
    } else {
        let m = SHELL_FORM.find(rest)?;
        (m.end(), format!(" {FLAG}"))
    };
    Fix::safe(format!("add `{FLAG}` to the `go test` command"), vec![ctx.insert(at + end, insert)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fixed};

    fn run(path: &str, text: &str, line: u32, col: u32) -> Option<String> {
        fixed(fix, &finding(FIXER.rule, path, line, col, ""), text)
    }

    #[test]
    fn makefile_recipe_with_a_go_variable_keeps_its_tab() {
        let t = "GO ?= go\ntest:\n\t$(GO) test -v ./...\n";
        assert_eq!(run("Makefile", t, 3, 2).unwrap(), "GO ?= go\ntest:\n\t$(GO) test -timeout 120s -v ./...\n");
    }

    #[test]
    fn second_command_of_a_line_and_gotestsum_after_its_dashes() {
        let t = "test:\n\tgo test ./x && gotestsum --format dots -- ./...\n";
        assert_eq!(run("Makefile", t, 2, 2).unwrap(), "test:\n\tgo test -timeout 120s ./x && gotestsum --format dots -- ./...\n");
        assert_eq!(
            run("Makefile", t, 2, 17).unwrap(),
            "test:\n\tgo test ./x && gotestsum --format dots -- -timeout 120s ./...\n"
        );
        // No `--`: adding one would replace gotestsum's default package list.
        assert_eq!(run("Makefile", "t:\n\tgotestsum --format dots\n", 2, 2), None);
    }

    #[test]
    fn dockerfile_shell_and_exec_forms() {
        let t = "FROM golang:1.26\nRUN CGO_ENABLED=1 go test -race ./... && \\\n    go build .\nCMD [\"go\", \"test\", \"./...\"]\n";
        let once = run("Dockerfile", t, 2, 5).unwrap();
        assert!(once.contains("RUN CGO_ENABLED=1 go test -timeout 120s -race ./... && \\\n"), "{once}");
        let exec = run("Dockerfile", t, 4, 5).unwrap();
        assert!(exec.contains(r#"CMD ["go", "test", "-timeout", "120s", "./..."]"#), "{exec}");
    }

    #[test]
    fn ci_script_in_a_crlf_block_scalar() {
        let t = "jobs:\r\n  t:\r\n    steps:\r\n      - run: |\r\n          go test ./...\r\n";
        assert_eq!(
            run(".github/workflows/ci.yml", t, 5, 11).unwrap(),
            "jobs:\r\n  t:\r\n    steps:\r\n      - run: |\r\n          go test -timeout 120s ./...\r\n"
        );
    }

    #[test]
    fn no_fix_when_the_line_does_not_start_with_go_test_at_the_column() {
        assert_eq!(run("Makefile", "t:\n\techo go test\n", 2, 2), None);
    }
}
