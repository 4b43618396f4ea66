//! Dockerfile parser: stages, instructions, flags, heredocs, exec form, and the ARG/ENV scoping
//! Docker applies, with a [`Pos`] on every node, so the lint rules can read pre-digested facts
//! ("which image does the final stage use", "is CGO_ENABLED=0 in effect for this `go build`").
//!
//! Hand-written on purpose: the `dockerfile-parser` crate fails on heredocs and hides RUN flags
//! (`--mount`, `--network`), and tree-sitter-containerfile needs a C build and yields a concrete
//! syntax tree we would still have to interpret (continuations, ARG scoping, substitution). The
//! line handling follows BuildKit's parser: directives only at the very top, comment lines dropped
//! even between continuation lines, empty continuation lines skipped, heredoc bodies read after
//! the joined instruction line. Work is linear in the input (env snapshots are budgeted).

mod builder;
mod expand;
mod image_ref;
mod lines;
mod run;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

use super::pos::{ParseError, Pos};
use super::shell::SimpleCommand;
use builder::Builder;
use expand::{MAX_SUBSTITUTED, SUBSTITUTED};
pub use image_ref::parse_image_ref;
use lines::{directive, read_instructions};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dockerfile {
    pub escape: char,
    pub syntax: Option<String>,
    /// ARGs before the first FROM; values substituted with the earlier global ARGs.
    pub global_args: Vec<KeyValue>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    pub from: From,
    /// Every instruction after the FROM, in order (the FROM itself is `from`).
    pub instructions: Vec<Instruction>,
    /// The last USER of this stage, or the one inherited from the base stage (FROM an earlier stage).
    pub last_user: Option<User>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct From {
    #[serde(flatten)]
    pub pos: Pos,
    pub image_pos: Pos,
    /// The image word as written, e.g. `golang:${GO_VERSION}-bookworm`.
    pub raw: String,
    /// `raw` with the global ARG defaults substituted; a variable without a value stays as written.
    pub image: String,
    pub platform: Option<String>,
    pub alias: Option<String>,
    pub base_stage: Option<usize>,
    pub scratch: bool,
    /// A variable in the image had no value (no default); it is left as written in `image`.
    pub unresolved: bool,
    /// `None` for scratch, an earlier stage, or an image whose repository is not known.
    pub reference: Option<ImageRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instruction {
    #[serde(flatten)]
    pub pos: Pos,
    pub end_line: u32,
    pub keyword: String,
    /// The arguments after the flags, continuation lines joined as Docker joins them.
    pub raw: String,
    pub flags: Vec<Flag>,
    pub exec: Option<Vec<String>>,
    pub heredocs: Vec<Heredoc>,
    /// RUN, CMD and ENTRYPOINT: the commands of the shell form, of a `RUN <<EOF` script or of
    /// the body a shell reads on stdin (`RUN bash <<EOF`), or the exec form's argv; positions
    /// are in the file.
    pub commands: Vec<SimpleCommand>,
    /// ARG and ENV values in effect before this instruction (ENV wins over ARG of the same name).
    pub env: BTreeMap<String, String>,
    pub key_values: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    #[serde(flatten)]
    pub pos: Pos,
    pub key: String,
    /// After quote removal and substitution; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// Where the value starts as written (its opening quote, if quoted); `None` without one.
    pub value_pos: Option<Pos>,
    /// The value as written refers to a variable (`$X`, `${X}`), resolved or not: it copies a
    /// value from elsewhere rather than spelling one out.
    pub value_refs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    #[serde(flatten)]
    pub pos: Pos,
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    #[serde(flatten)]
    pub pos: Pos,
    pub delimiter: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    #[serde(flatten)]
    pub pos: Pos,
    pub user: String,
    pub group: Option<String>,
}

/// Parses a Dockerfile. Fails only where Docker would refuse the file outright: a bad parser
/// directive, an unterminated heredoc, an instruction other than ARG before the first FROM, or
/// no FROM at all. Unknown instructions are kept.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let (mut escape, mut syntax, mut seen) = ('\\', None, Vec::new());
    for (n, l) in lines.iter().enumerate() {
        let Some((key, value)) = directive(l) else { break };
        let pos = Pos::new(n as u32 + 1, 1);
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            break;
        }
        if seen.contains(&key) {
            return Err(ParseError::new(pos, format!("only one {key} parser directive can be used")));
        }
        match key.as_str() {
            "escape" if value == "\\" || value == "`" => escape = value.chars().next().unwrap_or('\\'),
            "escape" => {
                return Err(ParseError::new(pos, format!("invalid escape token '{value}' does not match ` or \\")));
            }
            "syntax" => syntax = Some(value),
            _ => {}
        }
        seen.push(key);
    }
    let raws = read_instructions(&lines, escape)?;
    SUBSTITUTED.set(MAX_SUBSTITUTED);
    let mut b = Builder { esc: escape, budget: (16 << 20) + text.len(), ..Builder::default() };
    for raw in &raws {
        if raw.keyword == "FROM" {
            b.from(raw)?;
        } else if b.stages.is_empty() {
            if raw.keyword != "ARG" {
                return Err(ParseError::new(raw.pos(), format!("instruction {} before FROM", raw.keyword)));
            }
            for kv in b.key_values(raw, false) {
                match &kv.value {
                    Some(v) => b.globals.insert(kv.key.clone(), v.clone()),
                    None => b.globals.remove(&kv.key),
                };
                b.global_args.push(kv);
            }
        } else {
            b.instruction(raw);
        }
    }
    if b.stages.is_empty() {
        return Err(ParseError::new(Pos::new(1, 1), "no FROM instruction"));
    }
    Ok(Dockerfile { escape, syntax, global_args: b.global_args, stages: b.stages })
}
