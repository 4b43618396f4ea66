//! GitHub Actions workflow → input: `input.workflow` (the workflow as written), `images` (job
//! `container:`, `services:` and `docker://` steps) and `commands` (every `run:` step, with the
//! workflow, job and step `env:` in effect), and `script_expressions` (every `${{ }}` of those
//! scripts and of `actions/github-script` scripts, at its position: see [`super::expressions`]).
//! Pointers into `/workflow` resolve through the YAML tree, to the node as written.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    Built, CommandFact, FileInput, ImageFact, MAX_YAML_COMMANDS, commands_in_yaml_script, document, expressions,
    scalar_string,
};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Limits, Node};

/// The images (`uses: docker://...`) and commands (`run:` scripts, with `env` and the step's
/// own `env:`) of a list of steps, a job's or a composite action's; `shell_commands` says
/// whether a step's `run:` is shell commands (a composite step may run Python).
pub(super) fn step_facts(
    steps: &[Node],
    env: &BTreeMap<String, String>,
    owner: &str,
    shell_commands: impl Fn(&Node) -> bool,
    images: &mut Vec<ImageFact>,
    commands: &mut Vec<CommandFact>,
) {
    for step in steps {
        if let Some(uses) = step.get("uses")
            && let Some(image) = uses.as_str().and_then(|u| u.strip_prefix("docker://"))
        {
            images.push(ImageFact::new(image, "uses", uses.pos));
        }
        if let Some(run) = step.get("run")
            && let Some(script) = run.as_str()
            && shell_commands(step)
            && commands.len() < MAX_YAML_COMMANDS
        {
            let mut env = env.clone();
            env.extend(env_map(step.get("env")));
            commands.extend(commands_in_yaml_script(run, script, &env, "run", owner));
            commands.truncate(MAX_YAML_COMMANDS);
        }
    }
}

/// `env:` as a string map; expressions (`${{ }}`) are kept as written.
pub(super) fn env_map(node: Option<&Node>) -> BTreeMap<String, String> {
    node.and_then(Node::as_map)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((yaml::key_text(k).into_owned(), scalar_string(v)?)))
        .collect()
}

/// A `container:`/service value: a string, or a map with `image`.
pub(super) fn image_node(node: &Node) -> Option<&Node> {
    if node.as_str().is_some() { Some(node) } else { node.get("image").filter(|n| n.as_str().is_some()) }
}

/// The image names a build-push-action `tags:` value names: literal tags, or the `images:` of
/// the docker/metadata-action step whose outputs it uses (`${{ steps.meta.outputs.tags }}`).
fn metadata_images(steps: &[Node], tags: &str) -> Vec<String> {
    let mut out: Vec<String> = tags
        .split([',', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains("${{"))
        .map(str::to_string)
        .collect();
    for step in steps {
        let Some(id) = step.get("id").and_then(Node::as_str) else { continue };
        let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
        if uses.starts_with("docker/metadata-action@") && tags.contains(&format!("steps.{id}.outputs.tags")) {
            let images = step.get("with").and_then(|w| w.get("images")).and_then(scalar_string).unwrap_or_default();
            // Each line is `name` or `name,enable=...`.
            out.extend(
                images.lines().map(|l| l.split(',').next().unwrap_or("").trim().to_string()).filter(|l| !l.is_empty()),
            );
        }
    }
    out
}

/// What the `uses:` steps of one job (or composite action) set up: `actions/setup-go`'s
/// `go-version` and `docker/build-push-action`'s builds.
pub(super) fn setup_and_builds(steps: &[Node], owner: &str, setup_go: &mut Vec<Value>, docker_builds: &mut Vec<Value>) {
    for step in steps {
        let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
        let with = step.get("with");
        if uses.starts_with("actions/setup-go@")
            && let Some(v) = with.and_then(|w| w.get("go-version"))
            && let Some(text) = scalar_string(v)
        {
            setup_go.push(json!({"version": text, "line": v.pos.line, "col": v.pos.col, "job": owner}));
        }
        if uses.starts_with("docker/build-push-action@") {
            let text = |k: &str| with.and_then(|w| w.get(k)).and_then(scalar_string);
            let tags = text("tags").map(|t| metadata_images(steps, &t)).unwrap_or_default();
            docker_builds.push(json!({
                "tags": tags,
                "context": text("context").unwrap_or_else(|| ".".into()),
                "file": text("file"),
                "line": step.pos.line,
                "col": step.pos.col,
            }));
        }
    }
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    let Some(root) = docs.into_iter().next().map(|d| d.root) else { return Ok(Built::NotApplicable) };
    let mut images = Vec::new();
    let mut commands: Vec<CommandFact> = Vec::new();
    let workflow_env = env_map(root.get("env"));
    let mut setup_go = Vec::new();
    let mut docker_builds = Vec::new();
    let source = expressions::Source::new(text);
    let mut script_expressions = Vec::new();

    for (job_key, job) in root.get("jobs").and_then(Node::as_map).into_iter().flatten() {
        let job_name = yaml::key_text(job_key).into_owned();
        if let Some(n) = job.get("container").and_then(image_node) {
            images.push(ImageFact::new(n.as_str().unwrap_or_default(), "container", n.pos));
        }
        for (_, svc) in job.get("services").and_then(Node::as_map).into_iter().flatten() {
            if let Some(n) = image_node(svc) {
                images.push(ImageFact::new(n.as_str().unwrap_or_default(), "service", n.pos));
            }
        }
        let mut job_env = workflow_env.clone();
        job_env.extend(env_map(job.get("env")));
        let steps = job.get("steps").and_then(Node::as_seq).unwrap_or_default();
        let steps_pointer = format!("/workflow/jobs/{}/steps", expressions::pointer_token(&job_name));
        expressions::in_steps(steps, &source, &steps_pointer, Some(&job_name), &mut script_expressions);
        setup_and_builds(steps, &job_name, &mut setup_go, &mut docker_builds);
        step_facts(steps, &job_env, &job_name, |_| true, &mut images, &mut commands);
    }
    let extra = json!({
        "workflow": root.to_json(),
        "setup_go": setup_go,
        "docker_builds": docker_builds,
        "script_expressions": script_expressions,
    });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "github-workflow", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: Some(("workflow", root)),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;

    #[test]
    fn run_commands_carry_file_positions_and_env() {
        let text = "\"on\": push\nenv:\n  A: \"1\"\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    container: golang:latest\n    env: {B: x}\n    steps:\n      - run: |\n          echo hi\n          CGO_ENABLED=0 go test ./...\n        env:\n          C: \"3\"\n      - uses: docker://alpine\n";
        let Built::Input(fi) = build("w.yml", text).unwrap() else { panic!() };
        let cmds = fi.input["commands"].as_array().unwrap();
        assert_eq!(cmds.len(), 2);
        assert_eq!((cmds[1]["line"].as_u64(), cmds[1]["col"].as_u64()), (Some(12), Some(11)));
        assert_eq!(cmds[1]["env"]["CGO_ENABLED"], "0");
        assert_eq!(cmds[1]["inherited_env"], json!({"A": "1", "B": "x", "C": "3"}));
        assert_eq!(cmds[1]["owner"], "test");
        let images = fi.input["images"].as_array().unwrap();
        assert_eq!(images[0]["image"], "golang:latest");
        assert_eq!((images[0]["line"].as_u64(), images[0]["col"].as_u64()), (Some(7), Some(16)));
        assert_eq!(images[1]["context"], "uses");
        assert_eq!(fi.locate("/commands/1"), Pos::new(12, 11));
        // Pointers into the workflow as written: a job at its key, a value at the value, a
        // missing key at the item that should hold it.
        assert_eq!(fi.locate("/workflow/jobs/test"), Pos::new(5, 3));
        assert_eq!(fi.locate("/workflow/jobs/test/permissions"), Pos::new(5, 3));
        assert_eq!(fi.locate("/workflow/jobs/test/steps/1/uses"), Pos::new(15, 15));
        assert_eq!(fi.locate("/workflow/jobs/test/steps/0"), Pos::new(10, 9));
        assert_eq!(fi.locate("/workflow/jobs/test/container"), Pos::new(7, 16));
    }

    #[test]
    fn script_expressions_and_workflow_pointers_are_located_in_the_file() {
        let text = "on: pull_request_target\njobs:\n  a/b:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.head_ref }}\n      - run: |\n          echo \"${{ github.event.pull_request.title }}\"\n";
        let Built::Input(fi) = build("w.yml", text).unwrap() else { panic!() };
        let e = &fi.input["script_expressions"][0];
        assert_eq!(e["expr"], "github.event.pull_request.title");
        assert_eq!((e["line"].as_u64(), e["col"].as_u64()), (Some(9), Some(17)));
        assert_eq!(e["pointer"], "/workflow/jobs/a~1b/steps/1");
        assert_eq!(fi.locate("/workflow/jobs/a~1b/steps/0/with/ref"), Pos::new(7, 16));
        assert_eq!(fi.locate("/workflow/jobs/a~1b/steps/0/with/missing"), Pos::new(6, 9));
    }
}
