//! Turns one parsed file into the document Rego policies see as `input`, and turns the JSON
//! pointers that policies return back into file positions.
//!
//! Every input has `path`, `kind`, and two lists shared by all kinds so one policy can cover
//! every surface: `images` (every container image the file references, with its parsed
//! reference) and `commands` (every simple shell command the file runs, with the environment in
//! effect). Each kind adds its own facts (`dockerfile`, `makefile`, `workflow`, `action`,
//! `gitlab`, `circleci`, `objects` + `workloads`, `gomod`). The schema is documented in `policies/README.md`.

pub mod circleci;
pub mod dockerfile;
pub mod expressions;
pub mod github;
pub mod github_action;
pub mod gitlab;
pub mod golang;
pub mod gomod;
pub mod ko;
pub mod kubernetes;
pub mod makefile;
pub mod shell;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::lint::discover::Kind;
use crate::parse::dockerfile::{ImageRef, parse_image_ref};
use crate::parse::shell::{Expansion, Pipeline, Redirect, SimpleCommand, Stdout, Substitution};
use crate::parse::yaml;
use crate::parse::{ParseError, Pos};

/// The policy input for one file, with what is needed to locate findings in it.
#[derive(Debug)]
pub struct FileInput {
    pub input: Value,
    /// Kubernetes files: the YAML node of `input.objects[i].object`, to resolve pointers into
    /// objects as written (a missing key resolves to the map that should hold it).
    pub objects: Vec<yaml::Node>,
    /// Suppressions the file declares in its content (Kubernetes `ignore.paved.dev/` annotations).
    pub suppressions: Vec<crate::lint::suppress::Suppression>,
    /// A file kept as written under one input field (`workflow`, `action`, `gitlab`,
    /// `circleci`), with its YAML root, so pointers into that field resolve to file positions.
    pub written: Option<(&'static str, yaml::Node)>,
}

/// A file that parsed but holds nothing paved lints (e.g. YAML that is not a manifest).
pub enum Built {
    Input(Box<FileInput>),
    NotApplicable,
}

/// Builds the input for `text` of `kind`.
pub fn build(kind: Kind, path: &str, text: &str) -> Result<Built, ParseError> {
    match kind {
        Kind::Dockerfile => dockerfile::build(path, text),
        Kind::Makefile => makefile::build(path, text),
        Kind::GithubWorkflow => github::build(path, text),
        Kind::GithubAction => github_action::build(path, text),
        Kind::GitlabCi => gitlab::build(path, text),
        Kind::CircleCi => circleci::build(path, text),
        Kind::Yaml => kubernetes::build(path, text),
        Kind::Shell => shell::build(path, text),
        Kind::GoMod => gomod::build(path, text),
        Kind::Go => golang::build(path, text),
        Kind::Ko => ko::build(path, text),
    }
}

/// [`build`] for a file on disk at `fs_path`, linted under `roots` (canonical directories): a
/// Makefile's `include`s are read from inside them (see [`makefile::read_include`]).
pub fn build_file(
    kind: Kind,
    fs_path: &std::path::Path,
    roots: &[std::path::PathBuf],
    path: &str,
    text: &str,
) -> Result<Built, ParseError> {
    match kind {
        Kind::Makefile => {
            makefile::build_with_includes(path, text, &|name| makefile::read_include(fs_path, name, roots))
        }
        Kind::Dockerfile => dockerfile::build_with_makefiles(path, text, &|name| {
            let mk = makefile::read_include(fs_path, name, roots)?;
            let mk_path = fs_path.parent()?.join(name);
            crate::parse::makefile::parse_with_includes(&mk, &|inc| makefile::read_include(&mk_path, inc, roots)).ok()
        }),
        _ => build(kind, path, text),
    }
}

/// An image reference as policies see it.
#[derive(Debug, Clone, Serialize)]
pub struct ImageFact {
    pub image: String,
    /// `null` when the reference cannot be judged (it still holds an unresolved `$VAR` or
    /// `${{ }}` expression, or is not a valid reference).
    #[serde(rename = "ref")]
    pub reference: Option<ImageRef>,
    /// Where it appears: `FROM`, `container`, `initContainer`, `image`, `service`, `uses`.
    pub context: String,
    #[serde(flatten)]
    pub pos: Pos,
}

impl ImageFact {
    pub fn new(image: &str, context: &str, pos: Pos) -> Self {
        let unresolved = image.contains('$');
        let reference = if unresolved { None } else { parse_image_ref(image) };
        Self { image: image.to_string(), reference, context: context.to_string(), pos }
    }
}

/// A command as policies see it: the shell splitter's view plus where it runs.
#[derive(Debug, Clone, Serialize)]
pub struct CommandFact {
    pub argv: Vec<String>,
    /// Assignments on the command itself (`CGO_ENABLED=0 go build`).
    pub env: BTreeMap<String, String>,
    /// Everything else in effect: the surrounding environment (Dockerfile ENV/ARG, Make
    /// exports, CI env/variables), overridden by variables set earlier in the same script.
    pub inherited_env: BTreeMap<String, String>,
    pub text: String,
    /// `RUN`, `recipe`, `run` (GitHub or CircleCI step), `script` (GitLab), `shell`.
    pub context: String,
    /// The Make target, CI job or Dockerfile stage the command belongs to.
    pub owner: String,
    /// A command a Dockerfile's `RUN make TARGET` runs from the Makefile: where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(flatten)]
    pub pos: Pos,
    /// How it connects to other commands and what it expands: see [`SimpleCommand`].
    pub pipeline: Pipeline,
    pub redirects: Vec<Redirect>,
    pub stdout: Stdout,
    pub substitutions: Vec<Substitution>,
    pub expansions: Vec<Expansion>,
    pub xtrace: bool,
}

impl CommandFact {
    /// `cmd` with positions already in file coordinates.
    pub fn from_command(
        cmd: &SimpleCommand,
        surrounding: &BTreeMap<String, String>,
        context: &str,
        owner: &str,
        pos: Pos,
    ) -> Self {
        let mut inherited_env = surrounding.clone();
        inherited_env.extend(cmd.script_env.iter().map(|(k, v)| (k.clone(), v.clone())));
        Self {
            argv: cmd.argv.clone(),
            env: cmd.env.clone(),
            inherited_env,
            text: cmd.text.clone(),
            context: context.to_string(),
            owner: owner.to_string(),
            via: None,
            pos,
            pipeline: cmd.pipeline.clone(),
            redirects: cmd.redirects.clone(),
            stdout: cmd.stdout,
            substitutions: cmd.substitutions.clone(),
            expansions: cmd.expansions.clone(),
            xtrace: cmd.xtrace,
        }
    }
}

/// Commands kept from one CI file. YAML aliases let a small file repeat one script thousands of
/// times (`script: *big` in every job): without a bound that is millions of commands and
/// gigabytes of policy input.
pub const MAX_YAML_COMMANDS: usize = 10_000;

/// Splits a script held in a YAML scalar and maps each command to its file position.
pub fn commands_in_yaml_script(
    node: &yaml::Node,
    script: &str,
    env: &BTreeMap<String, String>,
    context: &str,
    owner: &str,
) -> Vec<CommandFact> {
    crate::parse::shell::split_script(script)
        .iter()
        .map(|c| {
            let line_start = node.content_line_pos(c.pos.line.saturating_sub(1) as usize);
            let pos = Pos::new(line_start.line, line_start.col + c.pos.col.saturating_sub(1));
            CommandFact::from_command(c, env, context, owner, pos)
        })
        .collect()
}

/// Assembles the common input document.
pub fn document(path: &str, kind: &str, images: Vec<ImageFact>, commands: Vec<CommandFact>, extra: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("path".into(), json!(path));
    doc.insert("kind".into(), json!(kind));
    doc.insert("images".into(), serde_json::to_value(images).unwrap_or(Value::Null));
    doc.insert("commands".into(), serde_json::to_value(commands).unwrap_or(Value::Null));
    if let Value::Object(extra) = extra {
        doc.extend(extra);
    }
    Value::Object(doc)
}

/// A YAML scalar as a string for environment maps (`1` and `true` are written as in YAML).
pub fn scalar_string(node: &yaml::Node) -> Option<String> {
    node.scalar_text().map(|s| s.into_owned())
}

impl FileInput {
    /// The position a finding at `pointer` refers to: inside a Kubernetes object, the YAML node
    /// (or the nearest existing ancestor); inside a file kept as written ([`FileInput::written`]),
    /// see [`locate_written`]; elsewhere, the nearest object on the pointer's path that carries
    /// `line`/`col`. Falls back to line 1.
    pub fn locate(&self, pointer: &str) -> Pos {
        if let Some((field, root)) = &self.written
            && let Some(tail) = pointer.strip_prefix('/').and_then(|p| p.strip_prefix(*field))
            && (tail.is_empty() || tail.starts_with('/'))
        {
            return locate_written(root, tail);
        }
        if let Some(rest) = pointer.strip_prefix("/objects/") {
            let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if let (Ok(i), Some(tail)) = (index.parse::<usize>(), tail.strip_prefix("object"))
                && let Some(node) = self.objects.get(i)
                && (tail.is_empty() || tail.starts_with('/'))
            {
                return node.locate(tail);
            }
        }
        locate_in_json(&self.input, pointer)
    }
}

/// Where a finding at `ptr` inside a file as written points: a scalar at its value; a mapping or
/// sequence that is a mapping's value at its key (`build:` for `/jobs/build`, the start of the
/// item); a list item at its first line (`- uses:`). A missing key resolves the same way to the
/// nearest existing ancestor, the item that should hold it.
pub fn locate_written(root: &yaml::Node, ptr: &str) -> Pos {
    let mut node = root;
    let mut key_pos = None;
    for token in ptr.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if let Some(items) = node.as_seq() {
            let Some(item) = token.parse::<usize>().ok().and_then(|i| items.get(i)) else { break };
            (node, key_pos) = (item, None);
        } else if let Some((k, v)) = node.entry(&token) {
            (node, key_pos) = (v, Some(k.pos));
        } else {
            break;
        }
    }
    match key_pos {
        Some(p) if !node.is_scalar() => p,
        _ => node.pos,
    }
}

fn position_of(v: &Value) -> Option<Pos> {
    let line = v.get("line")?.as_u64()?;
    let col = v.get("col").and_then(Value::as_u64).unwrap_or(1);
    Some(Pos::new(line as u32, col as u32))
}

fn locate_in_json(root: &Value, pointer: &str) -> Pos {
    let mut best = position_of(root).unwrap_or(Pos::new(1, 1));
    let mut cur = root;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match cur {
            Value::Object(m) => m.get(&token),
            Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        let Some(next) = next else { break };
        if let Some(p) = position_of(next) {
            best = p;
        }
        cur = next;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_pointers_resolve_to_the_nearest_positioned_object() {
        let v = json!({"commands": [{"line": 3, "col": 5, "argv": ["go"]}, {"line": 9, "col": 1}],
                       "stages": [{"line": 1, "col": 1, "instructions": [{"line": 4, "col": 1}]}]});
        assert_eq!(locate_in_json(&v, "/commands/1"), Pos::new(9, 1));
        assert_eq!(locate_in_json(&v, "/commands/0/argv/0"), Pos::new(3, 5));
        assert_eq!(locate_in_json(&v, "/stages/0/instructions/0"), Pos::new(4, 1));
        assert_eq!(locate_in_json(&v, "/stages/0/missing"), Pos::new(1, 1));
        assert_eq!(locate_in_json(&v, "/nothing"), Pos::new(1, 1));
    }

    #[test]
    fn images_with_expressions_are_not_judged() {
        assert!(ImageFact::new("golang:${GO}", "FROM", Pos::new(1, 1)).reference.is_none());
        assert!(ImageFact::new("golang:${{ matrix.go }}", "container", Pos::new(1, 1)).reference.is_none());
        let r = ImageFact::new("host:5000/app", "image", Pos::new(1, 1)).reference.unwrap();
        assert_eq!(r.tag, None);
    }
}
