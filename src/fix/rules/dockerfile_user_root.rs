//! `dockerfile-user-root`: a `USER 65532:65532` line in the final stage, after its last build
//! instruction: right before the trailing CMD/ENTRYPOINT (and the comment lines just above
//! them), else at the end of the stage. Build steps (RUN, COPY, WORKDIR) before it still run
//! as root, as they did; only the image's runtime user changes. CMD/ENTRYPOINT are image
//! configuration, so placing USER before them changes nothing at run time and keeps the
//! runtime settings together, as Dockerfiles are usually written.
//!
//! Safe when the final stage is built (directly or through earlier stages) on `scratch`,
//! `gcr.io/distroless/*` or a `*/static*` image and exposes no port below 1024: those bases have
//! no shell or package manager needing root, and the program's files are the copied ones,
//! readable by anyone unless copied with a restrictive mode. Unsafe on other bases (files the
//! program writes, a root-owned directory, a privileged port may need root or a `chown`), and
//! always when the stage's last USER is root: someone wrote `USER root` and the program may
//! rely on it. The `USER root` line is kept (the RUNs after it may need it); the new USER comes
//! after them.
//!
//! Declined: a file that does not parse, a last line that continues onto the next.

use super::Fixer;
use crate::fix::text::Lines;
use crate::fix::{Applicability, Ctx, Fix};
use crate::parse::dockerfile::{self, Stage};

pub const FIXER: Fixer = Fixer {
    rule: "dockerfile-user-root",
    applicability: Applicability::Safe,
    summary: "adds `USER 65532:65532` to the final stage, before its CMD/ENTRYPOINT (safe on scratch, \
              distroless and static bases; unsafe on others and when the stage chose `USER root`)",
    fix,
};

const USER: &str = "65532:65532";

fn fix(ctx: &Ctx) -> Option<Fix> {
    let df = dockerfile::parse(ctx.text).ok()?;
    let last = df.stages.last()?;
    let lines = Lines::new(ctx.text);
    let lower =
        ctx.text.get(lines.start(last.from.pos.line as usize)..).is_some_and(|t| t.trim_start().starts_with("from"));
    let line = format!("{} {USER}", if lower { "user" } else { "USER" });
    // The trailing CMD/ENTRYPOINT instructions of the stage: USER goes before the first.
    let trailing =
        last.instructions.iter().rev().take_while(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT")).count();
    let edit = if trailing > 0 {
        let first = &last.instructions[last.instructions.len() - trailing];
        let mut n = first.pos.line as usize;
        while n > 1 && lines.get(n - 1).trim_start().starts_with('#') && n - 1 > last.from.pos.line as usize {
            n -= 1;
        }
        ctx.insert(lines.start(n), format!("{line}{}", lines.eol))
    } else {
        let n = (1..=lines.count()).rev().find(|&n| !lines.get(n).trim().is_empty())?;
        if lines.get(n).trim_end().ends_with(df.escape) {
            return None;
        }
        if lines.has_eol(n) {
            ctx.insert(lines.next_start(n), format!("{line}{}", lines.eol))
        } else {
            ctx.insert(ctx.text.len(), format!("{}{line}", lines.eol))
        }
    };
    let chose_root = ctx.finding.message.contains("runs as USER");
    let title = format!("run the final stage as `USER {USER}`");
    if !chose_root && safe_base(&df.stages, last) && !privileged_port(last) {
        Fix::safe(title, vec![edit])
    } else {
        Fix::unsafe_(title, vec![edit])
    }
}

/// The final stage is built on scratch, distroless or a `static` image.
fn safe_base(stages: &[Stage], last: &Stage) -> bool {
    let mut stage = last;
    for _ in 0..stages.len() {
        match stage.from.base_stage {
            Some(b) if b < stage.index => stage = &stages[b],
            Some(_) => return false,
            None => break,
        }
    }
    let from = &stage.from;
    if from.scratch {
        return true;
    }
    let Some(r) = from.reference.as_ref().filter(|_| !from.unresolved) else { return false };
    let distroless = r.registry.as_deref() == Some("gcr.io") && r.repository.starts_with("distroless/");
    let static_ =
        r.repository.contains('/') && r.repository.rsplit('/').next().is_some_and(|n| n.starts_with("static"));
    distroless || static_
}

/// The stage EXPOSEs a port only root may bind (outside Docker's default sysctl).
fn privileged_port(stage: &Stage) -> bool {
    stage
        .instructions
        .iter()
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| i.raw.split_whitespace())
        .any(|p| p.split('/').next().and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n < 1024))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::src_support::e2e;
    use crate::fix::rules::test_support::{finding, fix_with};

    const NO_USER: &str = "the final stage has no USER instruction, so the container runs as root";

    fn run(text: &str, msg: &str) -> Option<(String, Applicability)> {
        let f = finding(FIXER.rule, "Dockerfile", 1, 1, msg);
        let fix = fix_with(fix, &f, text, &[])?;
        let edits: Vec<_> = fix.edits.iter().collect();
        Some((crate::fix::apply::apply(text, &edits)?, fix.applicability))
    }

    #[test]
    fn before_the_entrypoint_and_its_comment_on_distroless_is_safe() {
        let t = "FROM golang:1.26 AS b\nRUN go build -o /app .\n\nFROM gcr.io/distroless/static-debian12:latest\nCOPY --from=b /app /app\n# the service\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n";
        let (out, a) = run(t, NO_USER).unwrap();
        assert_eq!(
            out,
            "FROM golang:1.26 AS b\nRUN go build -o /app .\n\nFROM gcr.io/distroless/static-debian12:latest\nCOPY --from=b /app /app\nUSER 65532:65532\n# the service\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n"
        );
        assert_eq!(a, Applicability::Safe);
    }

    #[test]
    fn at_the_end_keeping_crlf_and_a_missing_final_newline() {
        let (out, a) = run("FROM scratch\r\nCOPY app /app", NO_USER).unwrap();
        assert_eq!((out.as_str(), a), ("FROM scratch\r\nCOPY app /app\r\nUSER 65532:65532", Applicability::Safe));
        let (out, _) = run("FROM scratch\r\nCOPY app /app\r\n\r\n", NO_USER).unwrap();
        assert_eq!(out, "FROM scratch\r\nCOPY app /app\r\nUSER 65532:65532\r\n\r\n");
        let (out, _) = run("from scratch\ncopy app /app\n", NO_USER).unwrap();
        assert_eq!(out, "from scratch\ncopy app /app\nuser 65532:65532\n");
    }

    #[test]
    fn unsafe_on_other_bases_on_privileged_ports_and_after_user_root() {
        let (_, a) = run("FROM alpine:3.20\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", NO_USER).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        let (_, a) = run("FROM scratch\nCOPY app /app\nEXPOSE 80\nENTRYPOINT [\"/app\"]\n", NO_USER).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        let t = "FROM gcr.io/distroless/base\nUSER root\nCOPY app /app\nENTRYPOINT [\"/app\"]\n";
        let (out, a) = run(t, "the final stage runs as USER root, which is root").unwrap();
        assert_eq!(
            out,
            "FROM gcr.io/distroless/base\nUSER root\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n"
        );
        assert_eq!(a, Applicability::Unsafe);
        // Built FROM an earlier stage on distroless: still distroless.
        let t = "FROM gcr.io/distroless/static AS base\nFROM base\nCOPY app /app\n";
        assert_eq!(run(t, NO_USER).unwrap().1, Applicability::Safe);
    }

    #[test]
    fn declines_a_dangling_continuation() {
        assert_eq!(run("FROM scratch\nCOPY a \\\n", NO_USER), None);
    }

    #[test]
    fn end_to_end_the_finding_is_gone() {
        let df = "FROM golang:1.26 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n\nFROM gcr.io/distroless/static-debian12:latest\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
        let out = e2e::run(&[("Dockerfile", df)], &FIXER);
        assert!(out.before.iter().any(|f| f.rule == FIXER.rule));
        out.assert_clean(FIXER.rule);
        let root = "FROM ubuntu:24.04\nUSER root\nRUN apt-get update\nCMD [\"bash\"]\n";
        let out = e2e::run(&[("Dockerfile", root)], &FIXER);
        out.assert_clean(FIXER.rule);
        assert_eq!(out.fixes[0].applicability, Applicability::Unsafe);
    }
}
