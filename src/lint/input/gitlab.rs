//! GitLab CI → input: `input.gitlab` (the file as written, anchors and merge keys applied),
//! `images` (`image:` and `services:` at the top level, in `default:` and in every job) and
//! `commands` (`before_script`, `script`, `after_script` of every job, hidden templates
//! included, `!reference` tags resolved within the file), with the global variables, the
//! variables of the jobs named by `extends:` and the job's own in effect.

use std::collections::BTreeMap;

use serde_json::json;

use super::{
    Built, CommandFact, FileInput, ImageFact, MAX_YAML_COMMANDS, commands_in_yaml_script, document, scalar_string,
};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Limits, Node};

/// Top-level keys that are not jobs.
const RESERVED: [&str; 10] = [
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
];
const SCRIPT_KEYS: [&str; 3] = ["before_script", "script", "after_script"];
/// How many `extends:` levels are followed (GitLab allows 11).
const MAX_EXTENDS: usize = 11;

fn variables(node: Option<&Node>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in node.and_then(Node::as_map).into_iter().flatten() {
        let value = if v.as_map().is_some() { v.get("value").and_then(scalar_string) } else { scalar_string(v) };
        if let Some(value) = value {
            out.insert(yaml::key_text(k).into_owned(), value);
        }
    }
    out
}

/// `$VAR` and `${VAR}` replaced from `env`; unknown variables stay as written.
pub fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], end)
        };
        match env.get(name) {
            Some(v) if !name.is_empty() => out.push_str(v),
            _ => out.push_str(&rest[i..i + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

struct Ctx<'a> {
    root: &'a Node,
    images: Vec<ImageFact>,
    commands: Vec<CommandFact>,
}

impl Ctx<'_> {
    fn job_env(&self, job: &Node, global: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        // Variables of extended jobs first (furthest ancestor first), then the job's own.
        let mut chain = vec![job];
        let mut cur = job;
        for _ in 0..MAX_EXTENDS {
            let parent = match cur.get("extends") {
                Some(e) if e.as_str().is_some() => e.as_str().and_then(|n| self.root.get(n)),
                Some(e) => e.as_seq().and_then(|s| s.last()).and_then(Node::as_str).and_then(|n| self.root.get(n)),
                None => None,
            };
            let Some(parent) = parent else { break };
            chain.push(parent);
            cur = parent;
        }
        let mut env = global.clone();
        for j in chain.iter().rev() {
            env.extend(variables(j.get("variables")));
        }
        env
    }

    fn image(&mut self, node: Option<&Node>, context: &str, env: &BTreeMap<String, String>) {
        let Some(node) = node else { return };
        let image = if node.as_str().is_some() { Some(node) } else { node.get("name") };
        if let Some(n) = image
            && let Some(text) = n.as_str()
        {
            self.images.push(ImageFact::new(&expand(text, env), context, n.pos));
        }
    }

    fn services(&mut self, node: Option<&Node>, env: &BTreeMap<String, String>) {
        for s in node.and_then(Node::as_seq).into_iter().flatten() {
            self.image(Some(s), "service", env);
        }
    }

    /// Collects the script lines of `node` (a string, a list, nested lists, `!reference`s).
    fn script(&mut self, node: &Node, env: &BTreeMap<String, String>, owner: &str, depth: usize) {
        if depth > 8 {
            return;
        }
        if node.tag.as_deref() == Some("!reference") {
            let path: Vec<&str> = node.as_seq().into_iter().flatten().filter_map(Node::as_str).collect();
            let mut target = Some(self.root);
            for p in &path {
                target = target.and_then(|t| t.get(p));
            }
            if let Some(t) = target {
                self.script(t, env, owner, depth + 1);
            }
            return;
        }
        if let Some(text) = node.as_str() {
            if self.commands.len() < MAX_YAML_COMMANDS {
                self.commands.extend(commands_in_yaml_script(node, text, env, "script", owner));
                self.commands.truncate(MAX_YAML_COMMANDS);
            }
        } else if let Some(items) = node.as_seq() {
            for item in items {
                self.script(item, env, owner, depth + 1);
            }
        }
    }
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    // A file may start with a `spec:` header document; the pipeline is the last document.
    let Some(root) = docs.into_iter().last().map(|d| d.root) else { return Ok(Built::NotApplicable) };
    let global = variables(root.get("variables"));
    let mut ctx = Ctx { root: &root, images: Vec::new(), commands: Vec::new() };
    ctx.image(root.get("image"), "image", &global);
    ctx.services(root.get("services"), &global);
    for key in ["before_script", "after_script"] {
        if let Some(n) = root.get(key) {
            ctx.script(n, &global, key, 0);
        }
    }
    for (k, job) in root.as_map().into_iter().flatten() {
        let name = yaml::key_text(k);
        if job.as_map().is_none() || (RESERVED.contains(&name.as_ref()) && name != "default") {
            continue;
        }
        let env = ctx.job_env(job, &global);
        ctx.image(job.get("image"), "image", &env);
        ctx.services(job.get("services"), &env);
        for key in SCRIPT_KEYS {
            if let Some(n) = job.get(key) {
                ctx.script(n, &env, &name, 0);
            }
        }
    }
    let (images, commands) = (ctx.images, ctx.commands);
    let extra = json!({ "gitlab": root.to_json() });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "gitlab-ci", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: Some(("gitlab", root)),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_variables() {
        let env = BTreeMap::from([("GO".to_string(), "1.26".to_string())]);
        assert_eq!(expand("golang:$GO-x ${GO} $NOPE ${", &env), "golang:1.26-x 1.26 $NOPE ${");
    }

    #[test]
    fn jobs_templates_references_and_extends() {
        let text = r#"variables:
  CGO_ENABLED: "0"
image: golang:1.26
.go:
  image: golang:$GO
  variables:
    GO: "1.25"
.setup:
  script:
    - go mod download
test:
  extends: .go
  variables:
    X: "1"
  services:
    - name: postgres
  script:
    - !reference [.setup, script]
    - go test -race ./...
"#;
        let Built::Input(fi) = build(".gitlab-ci.yml", text).unwrap() else { panic!() };
        let images: Vec<&str> =
            fi.input["images"].as_array().unwrap().iter().map(|i| i["image"].as_str().unwrap()).collect();
        assert_eq!(images, ["golang:1.26", "golang:1.25", "postgres"]);
        let cmds = fi.input["commands"].as_array().unwrap();
        let test: Vec<_> = cmds.iter().filter(|c| c["owner"] == "test").collect();
        assert_eq!(test.len(), 2);
        assert_eq!(test[0]["argv"], json!(["go", "mod", "download"]));
        assert_eq!(test[0]["line"], 10, "a !reference points at the referenced line");
        assert_eq!(test[1]["line"], 19);
        assert_eq!(test[1]["inherited_env"], json!({"CGO_ENABLED": "0", "GO": "1.25", "X": "1"}));
    }
}
