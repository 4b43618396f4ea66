use super::expand::MAX_SUBSTITUTED;
use super::*;

fn df(text: &str) -> Dockerfile {
    parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn err(text: &str) -> ParseError {
    parse(text).expect_err("expected a parse error")
}

fn cmds(i: &Instruction) -> Vec<(String, Pos)> {
    i.commands.iter().map(|c| (c.argv.join(" "), c.pos)).collect()
}

fn img(reg: Option<&str>, repo: &str, tag: Option<&str>, digest: Option<&str>) -> Option<ImageRef> {
    let s = |o: Option<&str>| o.map(String::from);
    Some(ImageRef { registry: s(reg), repository: repo.into(), tag: s(tag), digest: s(digest) })
}

#[test]
fn image_refs() {
    assert_eq!(parse_image_ref("golang:1.22"), img(None, "golang", Some("1.22"), None));
    assert_eq!(parse_image_ref("golang"), img(None, "golang", None, None));
    // Template placeholders are not references.
    assert_eq!(parse_image_ref("{ARG_FROM}"), None);
    assert_eq!(parse_image_ref("<image>:<tag>"), None);
    assert_eq!(
        parse_image_ref("ghcr.io/acme/api:${GITHUB_SHA}"),
        img(Some("ghcr.io"), "acme/api", Some("${GITHUB_SHA}"), None)
    );
    assert_eq!(
        parse_image_ref("registry.k8s.io/app:v1.2.3_rc-1"),
        img(Some("registry.k8s.io"), "app", Some("v1.2.3_rc-1"), None)
    );
    assert_eq!(parse_image_ref("[::1]:5000/app"), img(Some("[::1]:5000"), "app", None, None));
    assert_eq!(parse_image_ref("host:5000/app"), img(Some("host:5000"), "app", None, None));
    assert_eq!(parse_image_ref("host:5000/team/app:v1"), img(Some("host:5000"), "team/app", Some("v1"), None));
    assert_eq!(parse_image_ref("localhost/app"), img(Some("localhost"), "app", None, None));
    assert_eq!(parse_image_ref("library/golang:latest"), img(None, "library/golang", Some("latest"), None));
    assert_eq!(
        parse_image_ref("gcr.io/distroless/static:nonroot"),
        img(Some("gcr.io"), "distroless/static", Some("nonroot"), None)
    );
    assert_eq!(parse_image_ref("alpine@sha256:abc"), img(None, "alpine", None, Some("sha256:abc")));
    assert_eq!(parse_image_ref("alpine:3.19@sha256:abc"), img(None, "alpine", Some("3.19"), Some("sha256:abc")));
    for bad in ["", "golang:", "a b", "/x", "x@", "a//b"] {
        assert_eq!(parse_image_ref(bad), None, "{bad}");
    }
}

#[test]
fn stages_by_name_index_and_scratch() {
    let d =
        df("FROM golang:1.22 AS Build\nFROM build\nFROM 0 as copy\nFROM scratch\nFROM later\nFROM alpine AS later\n");
    let f: Vec<&From> = d.stages.iter().map(|s| &s.from).collect();
    assert_eq!(d.stages[0].name.as_deref(), Some("Build"));
    assert_eq!((f[1].base_stage, f[1].reference.is_none()), (Some(0), true));
    assert_eq!((f[2].base_stage, f[2].alias.as_deref()), (Some(0), Some("copy")));
    assert!(f[3].scratch && f[3].reference.is_none() && f[3].base_stage.is_none());
    // Catches not: a name defined later, and a stage number that does not exist yet, are images.
    assert_eq!((f[4].base_stage, f[4].reference.clone()), (None, img(None, "later", None, None)));
    assert_eq!(df("FROM 1\n").stages[0].from.base_stage, None);
    assert!(!f[0].scratch && f[0].base_stage.is_none());
    assert_eq!(f[0].reference, img(None, "golang", Some("1.22"), None));
    assert_eq!((f[1].pos, f[1].image_pos), (Pos::new(2, 1), Pos::new(2, 6)));
}

#[test]
fn args_in_from() {
    let d = df("ARG GO=1.22\nARG BASE=golang:${GO}-bookworm\nARG NODEF\nFROM ${BASE}\nFROM golang:$NODEF\n\
                FROM golang:${NODEF:-1.21}\nFROM --platform=$BUILDPLATFORM golang:${GO}\n");
    let f: Vec<&From> = d.stages.iter().map(|s| &s.from).collect();
    assert_eq!((f[0].raw.as_str(), f[0].image.as_str(), f[0].unresolved), ("${BASE}", "golang:1.22-bookworm", false));
    assert_eq!((f[1].image.as_str(), f[1].unresolved), ("golang:$NODEF", true));
    assert_eq!((f[2].image.as_str(), f[2].unresolved), ("golang:1.21", false));
    assert_eq!((f[3].image.as_str(), f[3].platform.as_deref()), ("golang:1.22", Some("$BUILDPLATFORM")));
    let g: Vec<_> = d.global_args.iter().map(|a| (a.key.as_str(), a.value.as_deref(), a.pos)).collect();
    assert_eq!(g[1], ("BASE", Some("golang:1.22-bookworm"), Pos::new(2, 5)));
    assert_eq!(g[2], ("NODEF", None, Pos::new(3, 5)));
    // Stage-local ARGs do not reach a later FROM.
    let d = df("FROM alpine\nARG V=1\nFROM golang:${V}\n");
    assert!(d.stages[1].from.unresolved);
}

#[test]
fn env_scoping_and_inheritance() {
    let d = df("ARG CGO=0\nARG GLOBAL=g\nFROM golang AS base\nENV CGO_ENABLED=0 A=1\nRUN go build\n\
                FROM base AS child\nRUN go build\nARG GLOBAL\nARG LOCAL=l${GLOBAL}\nENV LOCAL=env\nRUN x\n\
                FROM golang\nRUN go build\n");
    let run = |s: usize, i: usize| &d.stages[s].instructions[i];
    assert_eq!(run(0, 1).env.get("CGO_ENABLED").map(String::as_str), Some("0"));
    assert_eq!(run(0, 0).env.get("CGO_ENABLED"), None); // before the ENV's own effect
    assert_eq!(run(1, 0).env.get("CGO_ENABLED").map(String::as_str), Some("0")); // inherited
    assert_eq!(run(1, 0).env.get("GLOBAL"), None); // global not visible until re-declared
    assert_eq!(run(1, 3).env.get("GLOBAL").map(String::as_str), Some("g"));
    assert_eq!(run(1, 4).env.get("LOCAL").map(String::as_str), Some("env")); // ENV wins over ARG
    assert_eq!(run(1, 3).env.get("LOCAL").map(String::as_str), Some("lg"));
    assert!(run(2, 0).env.is_empty()); // catches not: an unrelated stage inherits nothing
    let kv = &run(0, 0).key_values;
    assert_eq!((kv[1].key.as_str(), kv[1].value.as_deref(), kv[1].pos), ("A", Some("1"), Pos::new(4, 19)));
}

#[test]
fn env_forms_and_substitution() {
    let d = df("FROM a\nENV A 1 2\nENV B=\"x y\" C=$A D=${A:+set} E=${NO:-dflt} F='$A' G=${PATH}:/go\nENV A=3 H=$A\n");
    let kv = |i: usize| -> Vec<(String, Option<String>)> {
        d.stages[0].instructions[i].key_values.iter().map(|k| (k.key.clone(), k.value.clone())).collect()
    };
    let p = |k: &str, v: &str| (k.to_string(), Some(v.to_string()));
    assert_eq!(kv(0), vec![p("A", "1 2")]);
    assert_eq!(
        kv(1),
        vec![p("B", "x y"), p("C", "1 2"), p("D", "set"), p("E", "dflt"), p("F", "$A"), p("G", "${PATH}:/go")]
    );
    assert_eq!(kv(2), vec![p("A", "3"), p("H", "1 2")]); // same-instruction values use the env before it
}

#[test]
fn key_values_know_where_their_value_starts_and_whether_it_refers_to_a_variable() {
    let d = df("ARG T=abc\nFROM a\nENV A   1 2\nENV B=\"x y\" C=$T D=${NO:-dflt} \\\n    E=${T}x F\nARG G\n");
    let at = |i: usize| -> Vec<(String, Option<Pos>, bool)> {
        d.stages[0].instructions[i].key_values.iter().map(|k| (k.key.clone(), k.value_pos, k.value_refs)).collect()
    };
    let kv = |k: &str, pos: Option<Pos>, refs: bool| (k.to_string(), pos, refs);
    assert_eq!((d.global_args[0].value_pos, d.global_args[0].value_refs), (Some(Pos::new(1, 7)), false));
    assert_eq!(at(0), vec![kv("A", Some(Pos::new(3, 9)), false)]);
    assert_eq!(
        at(1),
        vec![
            kv("B", Some(Pos::new(4, 7)), false),
            kv("C", Some(Pos::new(4, 15)), true),
            // A default that is used is written out, not referred to.
            kv("D", Some(Pos::new(4, 20)), false),
            kv("E", Some(Pos::new(5, 7)), true),
            kv("F", None, false),
        ]
    );
    assert_eq!(at(2), vec![kv("G", None, false)]);
}

#[test]
fn users() {
    let d = df("FROM golang AS b\nUSER app:grp\nFROM b\nRUN x\nFROM alpine\nARG U=1000\nUSER ${U}\nUSER root\n");
    let u = |s: usize| d.stages[s].last_user.as_ref().map(|u| (u.user.as_str(), u.group.as_deref(), u.pos));
    assert_eq!(u(0), Some(("app", Some("grp"), Pos::new(2, 6))));
    assert_eq!(u(1), Some(("app", Some("grp"), Pos::new(2, 6)))); // inherited from the base stage
    assert_eq!(u(2), Some(("root", None, Pos::new(8, 6))));
    assert_eq!(df("FROM golang AS b\nUSER app\nFROM alpine\n").stages[1].last_user, None);
    assert_eq!(
        df("FROM a\nARG U=1000\nUSER $U:$U\n").stages[0].last_user.as_ref().map(|u| u.user.as_str()),
        Some("1000")
    );
}

#[test]
fn multiline_run_positions_flags_and_comments() {
    let text = "FROM golang\nrun --mount=type=cache,target=/root/.cache \\\n    --network=none \\\n    go mod download && \\\n\
                # a comment Docker strips\n\n    CGO_ENABLED=0 go build ./... \\\n  && go test -timeout 5m ./...\n";
    let d = df(text);
    let i = &d.stages[0].instructions[0];
    assert_eq!((i.keyword.as_str(), i.pos, i.end_line), ("RUN", Pos::new(2, 1), 8));
    let flags: Vec<_> = i.flags.iter().map(|f| (f.name.as_str(), f.value.as_deref(), f.pos)).collect();
    assert_eq!(
        flags,
        vec![
            ("mount", Some("type=cache,target=/root/.cache"), Pos::new(2, 5)),
            ("network", Some("none"), Pos::new(3, 5))
        ]
    );
    assert!(i.raw.starts_with("go mod download") && !i.raw.contains("comment"));
    let c = cmds(i);
    assert_eq!(c[0], ("go mod download".into(), Pos::new(4, 5)));
    assert_eq!((c[1].0.as_str(), c[1].1.line), ("go build ./...", 7));
    assert_eq!(i.commands[1].env.get("CGO_ENABLED").map(String::as_str), Some("0"));
    assert_eq!(c[2], ("go test -timeout 5m ./...".into(), Pos::new(8, 6)));
}

#[test]
fn heredoc_run_script_positions() {
    let d = df(
        "FROM golang\nRUN <<EOF\nset -e\n  go build -o /app .\nEOF\nRUN <<-\"END\"\n\t\tgo test ./...\n\tEND\nUSER 1\n",
    );
    let (r1, r2) = (&d.stages[0].instructions[0], &d.stages[0].instructions[1]);
    assert_eq!(
        r1.heredocs[0],
        Heredoc { pos: Pos::new(3, 1), delimiter: "EOF".into(), body: "set -e\n  go build -o /app .\n".into() }
    );
    assert_eq!(cmds(r1), vec![("set -e".into(), Pos::new(3, 1)), ("go build -o /app .".into(), Pos::new(4, 3))]);
    assert_eq!((r1.end_line, r2.pos, r2.end_line), (5, Pos::new(6, 1), 8));
    assert_eq!((r2.heredocs[0].delimiter.as_str(), r2.heredocs[0].body.as_str()), ("END", "go test ./...\n"));
    assert_eq!(cmds(r2), vec![("go test ./...".into(), Pos::new(7, 3))]);
    assert_eq!(d.stages[0].last_user.as_ref().map(|u| u.pos), Some(Pos::new(9, 6)));
}

#[test]
fn heredoc_stdin_files_and_shebang() {
    let d = df("FROM python\nRUN python3 <<EOF\nimport os\nEOF\nRUN bash -e <<EOF\ngo build\nEOF\n\
                COPY <<A <<B /dst/\na\nA\nb\nB\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n\
                RUN <<F1 cat > /f1 && <<F2 cat > /f2\n1\nF1\n2\nF2\nRUN echo '<<NOT' \"<<X\"\n");
    let i = &d.stages[0].instructions;
    assert_eq!(cmds(&i[0]), vec![("python3".into(), Pos::new(2, 5))]); // the body is python, not shell
    assert_eq!(cmds(&i[1]), vec![("bash -e".into(), Pos::new(5, 5)), ("go build".into(), Pos::new(6, 1))]);
    let docs: Vec<_> = i[2].heredocs.iter().map(|h| (h.delimiter.as_str(), h.body.as_str(), h.pos)).collect();
    assert_eq!(docs, vec![("A", "a\n", Pos::new(9, 1)), ("B", "b\n", Pos::new(11, 1))]);
    assert!(i[2].commands.is_empty() && i[2].raw == "<<A <<B /dst/");
    assert!(i[3].commands.is_empty() && i[3].heredocs.len() == 1);
    assert_eq!(i[4].commands.iter().map(|c| c.argv[0].as_str()).collect::<Vec<_>>(), ["cat", "cat"]);
    assert_eq!(i[4].heredocs.len(), 2);
    assert!(i[5].heredocs.is_empty() && i[5].pos == Pos::new(22, 1));
}

#[test]
fn heredoc_edge_cases() {
    let d = df("FROM a\nONBUILD RUN <<EOF\nnot an instruction\nEOF\nRUN python -s <<EOF\nimport x\nEOF\n\
                RUN 3<<EOF cat /proc/self/fd/3\nx\nEOF\nENV A=hello\\ world\n");
    let i = &d.stages[0].instructions;
    assert_eq!(i.iter().map(|i| i.keyword.as_str()).collect::<Vec<_>>(), ["ONBUILD", "RUN", "RUN", "ENV"]);
    assert_eq!((i[0].heredocs.len(), i[0].end_line), (1, 4));
    assert_eq!(cmds(&i[1]).len(), 1); // python reads the body, it is not shell
    assert_eq!(cmds(&i[2]).len(), 1);
    assert_eq!(i[3].key_values[0].value.as_deref(), Some("hello world"));
}

#[test]
fn exec_form() {
    let d = df("FROM a\nRUN [\"go\", \"build\", \"./...\"]\nRUN [\"sh\", \"-c\", \"go test ./... && echo ok\"]\n\
                CMD [\"/app\"]\nENTRYPOINT ['/app']\nRUN [\"a\", 1]\nRUN [\"<<EOF\"]\n");
    let i = &d.stages[0].instructions;
    assert_eq!(i[0].exec.as_deref(), Some(&["go".to_string(), "build".into(), "./...".into()][..]));
    assert_eq!(cmds(&i[0]), vec![("go build ./...".into(), Pos::new(2, 5))]);
    assert_eq!(cmds(&i[1]).iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["go test ./...", "echo ok"]);
    assert_eq!(i[2].exec.as_deref(), Some(&["/app".to_string()][..]));
    assert_eq!(i[3].exec, None); // invalid JSON: shell form, as Docker does
    assert_eq!(i[4].exec, None);
    assert_eq!(i[4].commands.len(), 1);
    assert!(i[5].heredocs.is_empty()); // no heredocs in exec form
}

#[test]
fn directives_escape_crlf_bom() {
    let d = df(
        "\u{feff}# syntax=docker/dockerfile:1.7\r\n# escape=`\r\nFROM golang\r\nRUN go build `\r\n  -o /app . \\\r\n",
    );
    assert_eq!((d.escape, d.syntax.as_deref()), ('`', Some("docker/dockerfile:1.7")));
    let i = &d.stages[0].instructions[0];
    assert_eq!((i.raw.as_str(), i.end_line), ("go build   -o /app . \\", 5));
    // Catches not: a directive after a comment or an instruction is a plain comment.
    let d = df("# hello\n# escape=`\nFROM a\nRUN a \\\n b\n");
    assert_eq!((d.escape, d.stages[0].instructions[0].raw.as_str()), ('\\', "a  b"));
    assert_eq!(df("FROM a\n# syntax=x\n").syntax, None);
    assert_eq!(err("# escape=x\nFROM a\n").pos, Pos::new(1, 1));
    assert_eq!(err("# syntax=a\n# syntax=b\nFROM a\n").pos, Pos::new(2, 1));
}

#[test]
fn misc_instructions() {
    let d = df("from a\nonbuild RUN go build\nFOO bar baz\nlabel a=b \"c d\"=e\nRUN echo hi \\");
    let i = &d.stages[0].instructions;
    let kws: Vec<&str> = i.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(kws, ["ONBUILD", "FOO", "LABEL", "RUN"]);
    assert!(i[0].commands.is_empty() && i[0].raw == "RUN go build");
    assert_eq!(i[2].key_values.iter().map(|k| k.key.as_str()).collect::<Vec<_>>(), ["a", "c d"]);
    assert_eq!((i[3].raw.as_str(), i[3].end_line), ("echo hi", 5)); // trailing continuation at EOF
}

#[test]
fn errors_with_positions() {
    assert_eq!(err("").pos, Pos::new(1, 1));
    assert_eq!(err("# only a comment\nARG A=1\n").pos, Pos::new(1, 1));
    let e = err("ARG A=1\n\n  RUN echo\nFROM a\n");
    assert_eq!((e.pos, e.message.as_str()), (Pos::new(3, 3), "instruction RUN before FROM"));
    let e = err("FROM a\nRUN ok\nRUN <<EOF\necho\n");
    assert_eq!((e.pos, e.message.as_str()), (Pos::new(3, 1), "unterminated heredoc <<EOF"));
    assert_eq!(err("FROM --platform=x\n").pos, Pos::new(1, 1));
    assert!(parse("ARG A\nFROM a\n").is_ok());
}

#[test]
fn never_panics_and_stays_linear() {
    let pieces = [
        "FROM ", "RUN ", "ARG ", "ENV ", "USER ", "COPY ", "<<", "<<-", "EOF", "\n", "\\", "`", "\"", "'", "${", "}",
        ":-", "$", "[", "]", " ", "\t", "#", "=", "--", "é", "\r", "AS ", "0", "scratch", "{",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..20_000 {
        let mut s = String::new();
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let _ = parse(&s);
    }
    let big = format!("FROM a\n{}RUN x\n", "ENV A=1 B=2\n".repeat(40_000));
    let t = std::time::Instant::now();
    assert_eq!(df(&big).stages[0].instructions.len(), 40_001);
    let deep = format!("FROM a\nENV A={}x{}\n", "${A:-".repeat(50_000), "}".repeat(50_000));
    assert!(parse(&deep).is_ok());
    let stages: String = (0..30_000).map(|i| format!("FROM a AS s{i}\nENV V{i}=1\nFROM s{i}\n")).collect();
    assert_eq!(df(&stages).stages.len(), 60_000);
    assert!(t.elapsed().as_secs() < 10);
}

/// `ENV` values that double or quadruple per line stop growing at the substitution budget,
/// and env snapshots of huge values are budgeted by size.
#[test]
fn substitution_is_bounded() {
    let mut text = String::from("FROM a\nENV V0=xxxxxxxxxxxxxxxx\n");
    for i in 1..16 {
        text += &format!("ENV V{i}=${{V{j}}}${{V{j}}}$V{j}$V{j}\n", j = i - 1);
    }
    text += &"RUN echo $V15\n".repeat(2000);
    let d = parse(&text).expect("parses");
    let run = &d.stages[0].instructions[16];
    assert!(run.env.values().map(String::len).sum::<usize>() <= MAX_SUBSTITUTED);
    let copied: usize = d.stages[0].instructions.iter().flat_map(|i| i.env.values()).map(String::len).sum();
    assert!(copied <= (16 << 20) + text.len(), "{copied}");
}
