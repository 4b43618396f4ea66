//! CircleCI config (`.circleci/config.yml`) → input: `input.circleci` (the config as written,
//! anchors and merge keys applied), `images` (the `docker:` images of every job and every
//! executor: the first is the primary container the steps run in, context `image`, the others
//! run beside it, context `service`; `machine:` and `macos:` executors run no image) and
//! `commands` (every `run:` step, string or map form, of every job and of every reusable command
//! in `commands:`, inside `when:`/`unless:` steps too), with the environment in effect: the
//! `environment:` of the executor a job names (when the file defines it), of the job, and of
//! the step.
//!
//! Not resolved: orbs (their executors, commands and jobs live elsewhere) and invocations of
//! reusable commands (a command's steps are linted once, where `commands:` defines them, with
//! only their own step environment). `<< parameters.x >>` / `<< pipeline.x >>` expressions are
//! not evaluated: an image holding one is not judged, and in a script one is kept as written;
//! it is never read as a shell heredoc (which would hide every command after it).

use std::collections::BTreeMap;

use serde_json::json;

use super::{
    Built, CommandFact, FileInput, ImageFact, MAX_YAML_COMMANDS, commands_in_yaml_script, document, scalar_string,
};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Limits, Node};

/// How deep `when:`/`unless:` steps are followed.
const MAX_STEP_DEPTH: usize = 8;

/// `environment:` as a string map: a mapping, or a list of mappings or `KEY=value` strings.
fn env_map(node: Option<&Node>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(node) = node else { return out };
    let mut add = |n: &Node| {
        for (k, v) in n.as_map().into_iter().flatten() {
            if let Some(v) = scalar_string(v) {
                out.insert(yaml::key_text(k).into_owned(), v);
            }
        }
        if let Some((k, v)) = n.as_str().and_then(|s| s.split_once('=')) {
            out.insert(k.trim().to_string(), v.to_string());
        }
    };
    match node.as_seq() {
        Some(items) => items.iter().for_each(&mut add),
        None => add(node),
    }
    out
}

/// `<< expr >>` on one line replaced by `${ expr }}` (the same length, so every position still
/// holds, and the shell splitter keeps it inside its word), and CircleCI's escape `\<<` (a
/// literal `<<`) by ` <<`. Returns the masked script and each masked `expr`, for [`unmask`].
fn mask(script: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(script.len());
    let mut exprs = Vec::new();
    let mut rest = script;
    while let Some(i) = rest.find("<<") {
        let (before, after) = (&rest[..i], &rest[i + 2..]);
        if let Some(escaped) = before.strip_suffix('\\') {
            out.push_str(escaped);
            out.push_str(" <<");
            rest = after;
            continue;
        }
        out.push_str(before);
        let line = &after[..after.find('\n').unwrap_or(after.len())];
        match line.find(">>") {
            Some(end) => {
                let expr = &after[..end];
                out.push_str("${");
                out.push_str(expr);
                out.push_str("}}");
                exprs.push(expr.to_string());
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("<<");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, exprs)
}

/// Puts back the `<< expr >>` that [`mask`] replaced in `text`.
fn unmask(text: &mut String, exprs: &[String]) {
    if !text.contains("${") {
        return;
    }
    for e in exprs {
        let masked = format!("${{{e}}}}}");
        if text.contains(&masked) {
            *text = text.replace(&masked, &format!("<<{e}>>"));
        }
    }
}

fn unmask_command(c: &mut CommandFact, exprs: &[String]) {
    unmask(&mut c.text, exprs);
    c.argv.iter_mut().for_each(|a| unmask(a, exprs));
    c.env.values_mut().chain(c.inherited_env.values_mut()).for_each(|v| unmask(v, exprs));
}

struct Ctx<'a> {
    root: &'a Node,
    /// Whether `<< >>` expressions exist (config version 2.1; 2.0 has no parameters).
    templated: bool,
    images: Vec<ImageFact>,
    commands: Vec<CommandFact>,
}

impl Ctx<'_> {
    /// The `docker:` images of a job or an executor.
    fn docker(&mut self, owner: &Node) {
        for (i, d) in owner.get("docker").and_then(Node::as_seq).into_iter().flatten().enumerate() {
            let Some(n) = d.get("image") else { continue };
            let Some(text) = n.as_str() else { continue };
            let mut fact = ImageFact::new(text, if i == 0 { "image" } else { "service" }, n.pos);
            if text.contains("<<") {
                fact.reference = None;
            }
            self.images.push(fact);
        }
    }

    /// The executor a job names (`executor: name` or `executor: {name: ...}`), if this file
    /// defines it (an orb's `go/default` it does not).
    fn executor(&self, job: &Node) -> Option<&Node> {
        let e = job.get("executor")?;
        let name = e.as_str().or_else(|| e.get("name").and_then(Node::as_str))?;
        self.root.get("executors")?.get(name)
    }

    fn steps(&mut self, steps: Option<&Node>, env: &BTreeMap<String, String>, owner: &str, depth: usize) {
        if depth > MAX_STEP_DEPTH {
            return;
        }
        // A step is a string (`checkout`, a command's name) or a one-key map.
        for step in steps.and_then(Node::as_seq).into_iter().flatten() {
            for (k, v) in step.as_map().into_iter().flatten() {
                match yaml::key_text(k).as_ref() {
                    "run" => self.run(v, env, owner),
                    "when" | "unless" => self.steps(v.get("steps"), env, owner, depth + 1),
                    _ => {}
                }
            }
        }
    }

    /// A `run:` step: `run: SCRIPT` or `run: {command: SCRIPT, environment: ...}`.
    fn run(&mut self, run: &Node, env: &BTreeMap<String, String>, owner: &str) {
        let (script, step_env) = match run.as_str() {
            Some(_) => (run, BTreeMap::new()),
            None => match run.get("command") {
                Some(c) => (c, env_map(run.get("environment"))),
                None => return,
            },
        };
        let Some(text) = script.as_str() else { return };
        if self.commands.len() >= MAX_YAML_COMMANDS {
            return;
        }
        let mut env = env.clone();
        env.extend(step_env);
        let (masked, exprs) = if self.templated { mask(text) } else { (text.to_string(), Vec::new()) };
        let mut found = commands_in_yaml_script(script, &masked, &env, "run", owner);
        if !exprs.is_empty() {
            found.iter_mut().for_each(|c| unmask_command(c, &exprs));
        }
        self.commands.extend(found);
        self.commands.truncate(MAX_YAML_COMMANDS);
    }
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    let Some(root) = docs.into_iter().next().map(|d| d.root) else { return Ok(Built::NotApplicable) };
    let version = root.get("version").and_then(Node::scalar_text);
    let templated = !matches!(version.as_deref(), Some("2" | "2.0"));
    let mut ctx = Ctx { root: &root, templated, images: Vec::new(), commands: Vec::new() };
    let none = BTreeMap::new();
    for (_, executor) in root.get("executors").and_then(Node::as_map).into_iter().flatten() {
        ctx.docker(executor);
    }
    for (k, command) in root.get("commands").and_then(Node::as_map).into_iter().flatten() {
        ctx.steps(command.get("steps"), &none, &yaml::key_text(k), 0);
    }
    for (k, job) in root.get("jobs").and_then(Node::as_map).into_iter().flatten() {
        if job.as_map().is_none() {
            continue;
        }
        ctx.docker(job);
        let mut env = ctx.executor(job).map(|e| env_map(e.get("environment"))).unwrap_or_default();
        env.extend(env_map(job.get("environment")));
        ctx.steps(job.get("steps"), &env, &yaml::key_text(k), 0);
    }
    let (images, commands) = (ctx.images, ctx.commands);
    let extra = json!({ "circleci": root.to_json() });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "circleci", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: Some(("circleci", root)),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;

    fn built(text: &str) -> FileInput {
        match build(".circleci/config.yml", text).unwrap() {
            Built::Input(fi) => *fi,
            Built::NotApplicable => panic!("not applicable"),
        }
    }

    /// (argv joined, owner, line, col) of every command.
    fn commands(fi: &FileInput) -> Vec<(String, String, u64, u64)> {
        fi.input["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let argv: Vec<&str> = c["argv"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
                (
                    argv.join(" "),
                    c["owner"].as_str().unwrap().to_string(),
                    c["line"].as_u64().unwrap(),
                    c["col"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    fn c(argv: &str, owner: &str, line: u64, col: u64) -> (String, String, u64, u64) {
        (argv.to_string(), owner.to_string(), line, col)
    }

    #[test]
    fn string_and_map_runs_with_exact_positions() {
        let text = "\
version: 2.1
jobs:
  test:
    docker:
      - image: cimg/go:1.22
    steps:
      - checkout
      - run: go vet ./...
      - run: \"go build ./... && go test ./...\"
      - run:
          name: Test
          command: |
            go mod download
              go test -race ./...
            echo done; go test -count=1 ./x
      - run:
          command: >-
            go test ./folded
      - run: |-
          make lint
";
        let fi = built(text);
        assert_eq!(fi.input["kind"], "circleci");
        assert_eq!(
            commands(&fi),
            [
                c("go vet ./...", "test", 8, 14),
                c("go build ./...", "test", 9, 15),
                c("go test ./...", "test", 9, 33),
                c("go mod download", "test", 13, 13),
                c("go test -race ./...", "test", 14, 15),
                c("echo done", "test", 15, 13),
                c("go test -count=1 ./x", "test", 15, 24),
                c("go test ./folded", "test", 18, 13),
                c("make lint", "test", 20, 11),
            ]
        );
        assert!(fi.input["commands"].as_array().unwrap().iter().all(|c| c["context"] == "run"));
        assert_eq!(fi.locate("/commands/4"), Pos::new(14, 15));
        assert_eq!(fi.input["circleci"]["jobs"]["test"]["docker"][0]["image"], "cimg/go:1.22");
    }

    #[test]
    fn executor_job_and_step_environment() {
        let text = "\
version: 2.1
executors:
  go:
    docker:
      - image: cimg/go:1.22
    environment:
      A: exec
      B: exec
jobs:
  test:
    executor: go
    environment:
      B: job
      C: job
    steps:
      - run: go test ./...
      - run:
          command: CGO_ENABLED=0 go build .
          environment:
            C: step
            N: 1
  other:
    executor: {name: go}
    steps:
      - run: go test ./...
  orb:
    executor: go/default
    environment:
      - X: list
      - Y=eq
    steps:
      - run: go test ./...
";
        let fi = built(text);
        let cmds = fi.input["commands"].as_array().unwrap();
        assert_eq!(cmds[0]["inherited_env"], json!({"A": "exec", "B": "job", "C": "job"}));
        assert_eq!(cmds[1]["inherited_env"], json!({"A": "exec", "B": "job", "C": "step", "N": "1"}));
        assert_eq!(cmds[1]["env"], json!({"CGO_ENABLED": "0"}));
        assert_eq!(cmds[2]["inherited_env"], json!({"A": "exec", "B": "exec"}));
        assert_eq!(cmds[2]["owner"], "other");
        assert_eq!(cmds[3]["inherited_env"], json!({"X": "list", "Y": "eq"}), "an orb's executor is not resolved");
    }

    #[test]
    fn images_of_jobs_and_executors_not_machines() {
        let text = "\
version: 2.1
executors:
  go:
    docker:
      - image: golang
  vm:
    machine:
      image: ubuntu-2204:current
jobs:
  test:
    docker:
      - image: \"cimg/go:1.22.5\"
        environment: {GOFLAGS: -mod=mod}
      - image: cimg/postgres:16.4
    steps: [checkout]
  param:
    parameters:
      go: {type: string, default: \"1.22\"}
    docker:
      - image: cimg/go:<< parameters.go >>
    steps: [checkout]
  vm:
    machine: true
    steps: [checkout]
";
        let fi = built(text);
        let images: Vec<(&str, &str, u64, u64, bool)> = fi.input["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["image"].as_str().unwrap(),
                    i["context"].as_str().unwrap(),
                    i["line"].as_u64().unwrap(),
                    i["col"].as_u64().unwrap(),
                    i["ref"].is_null(),
                )
            })
            .collect();
        assert_eq!(
            images,
            [
                ("golang", "image", 5, 16, false),
                ("cimg/go:1.22.5", "image", 12, 16, false),
                ("cimg/postgres:16.4", "service", 14, 16, false),
                ("cimg/go:<< parameters.go >>", "image", 20, 16, true),
            ]
        );
        assert_eq!(fi.input["images"][0]["ref"]["tag"], json!(null));
    }

    #[test]
    fn reusable_commands_and_conditional_steps() {
        let text = "\
version: 2.1
commands:
  setup:
    parameters:
      flags: {type: string, default: \"\"}
    steps:
      - run:
          name: deps
          command: |
            go mod download
            go test << parameters.flags >> ./...
            go vet ./...
jobs:
  test:
    docker: [{image: cimg/go:1.22}]
    environment: {CGO_ENABLED: \"0\"}
    steps:
      - setup
      - when:
          condition: << pipeline.parameters.race >>
          steps:
            - run: go test -race ./...
      - unless:
          condition: true
          steps:
            - run: echo \"<< pipeline.git.branch >>\" \\<< 'x'
";
        let fi = built(text);
        assert_eq!(
            commands(&fi),
            [
                c("go mod download", "setup", 10, 13),
                c("go test << parameters.flags >> ./...", "setup", 11, 13),
                c("go vet ./...", "setup", 12, 13),
                c("go test -race ./...", "test", 22, 20),
                c("echo << pipeline.git.branch >>", "test", 26, 20),
            ]
        );
        let cmds = fi.input["commands"].as_array().unwrap();
        assert_eq!(cmds[1]["text"], "go test << parameters.flags >> ./...");
        assert_eq!(cmds[0]["inherited_env"], json!({}), "a command's steps have their own environment only");
        assert_eq!(cmds[3]["inherited_env"], json!({"CGO_ENABLED": "0"}));
    }

    #[test]
    fn version_2_0_has_no_parameters() {
        let text = "version: 2\njobs:\n  t:\n    docker: [{image: cimg/go:1.22}]\n    steps:\n      - run: |\n          cat <<EOF >> x\n          go test ./...\n          EOF\n          go vet ./...\n";
        assert_eq!(commands(&built(text)), [c("cat", "t", 7, 11), c("go vet ./...", "t", 10, 11)]);
    }

    #[test]
    fn masking_keeps_lengths() {
        for s in ["a << p.x >> b", "x \\<<EOF\n>>", "<<a>><<b>>", "<< unclosed\n>>", "é << ü >> ö"] {
            let (m, _) = mask(s);
            assert_eq!(m.len(), s.len(), "{s:?} -> {m:?}");
        }
        let (m, exprs) = mask("go test << parameters.f >> . \\<<E");
        assert_eq!(m, "go test ${ parameters.f }} .  <<E");
        let mut back = m.clone();
        unmask(&mut back, &exprs);
        assert_eq!(back, "go test << parameters.f >> .  <<E");
    }

    #[test]
    fn aliased_scripts_are_bounded() {
        let mut text = String::from("version: 2.1\nx: &s \"a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a\"\njobs:\n");
        for j in 0..1000 {
            text.push_str(&format!("  j{j}:\n    steps: [{{run: *s}}]\n"));
        }
        let fi = built(&text);
        assert_eq!(fi.input["commands"].as_array().unwrap().len(), MAX_YAML_COMMANDS);
    }

    #[test]
    fn empty_and_odd_configs() {
        assert!(matches!(build(".circleci/config.yml", "").unwrap(), Built::NotApplicable));
        let fi = built("version: 2.1\njobs: [a]\ncommands: x\nexecutors: {e: 1}\n");
        assert_eq!(fi.input["commands"], json!([]));
        assert_eq!(fi.input["images"], json!([]));
        let fi = built("jobs:\n  t:\n    steps:\n      - run: {name: no command}\n      - run: 3\n      - run:\n");
        assert_eq!(fi.input["commands"], json!([]));
    }
}
