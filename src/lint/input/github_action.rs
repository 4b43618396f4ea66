//! A repository's own GitHub Action (`action.yml`/`action.yaml` outside `.github/workflows/`,
//! with a `runs:` mapping) → input: `input.action` (the file as written), `images` (a Docker
//! action's `runs.image` when it is `docker://...`, and the `uses: docker://` steps of a
//! composite action) and `commands` (a composite action's `run:` steps whose `shell:` runs
//! commands, not `python` or `node {0}`, with the step's `env:`), as workflows have them, so the
//! command and image rules cover actions too; `script_expressions` as for workflows
//! ([`super::expressions`]). A file so named without `runs:` is no action: it
//! is other YAML (a manifest if it is one).

use serde_json::json;

use super::github::{setup_and_builds, step_facts};
use super::{Built, CommandFact, FileInput, ImageFact, document};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Limits, Node};

/// Whether a step's `shell:` runs its script as commands (`bash`, `sh`, a custom `bash -e {0}`,
/// `pwsh`, `cmd`), not as a program in another language (`python`, `node {0}`, `perl {0}`).
fn command_shell(shell: Option<&Node>) -> bool {
    let Some(shell) = shell.and_then(Node::as_str) else { return true };
    let program = shell.split_whitespace().next().unwrap_or_default();
    let name = program.rsplit(['/', '\\']).next().unwrap_or_default().trim_end_matches(".exe");
    shell.contains("${{")
        || matches!(name, "bash" | "sh" | "dash" | "ash" | "zsh" | "ksh" | "pwsh" | "powershell" | "cmd")
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    let Some(root) = docs.into_iter().next().map(|d| d.root) else { return Ok(Built::NotApplicable) };
    let Some(runs) = root.get("runs").filter(|r| r.as_map().is_some()) else {
        return super::kubernetes::build(path, text);
    };
    let owner = root.get("name").and_then(Node::as_str).unwrap_or("action").to_string();
    let mut images = Vec::new();
    let mut commands: Vec<CommandFact> = Vec::new();
    if let Some(n) = runs.get("image")
        && let Some(image) = n.as_str().and_then(|i| i.strip_prefix("docker://"))
    {
        images.push(ImageFact::new(image, "image", n.pos));
    }
    let steps = runs.get("steps").and_then(Node::as_seq).unwrap_or_default();
    let (mut setup_go, mut docker_builds) = (Vec::new(), Vec::new());
    setup_and_builds(steps, &owner, &mut setup_go, &mut docker_builds);
    let mut script_expressions = Vec::new();
    super::expressions::in_steps(
        steps,
        &super::expressions::Source::new(text),
        "/action/runs/steps",
        None,
        &mut script_expressions,
    );
    let no_env = std::collections::BTreeMap::new();
    step_facts(steps, &no_env, &owner, |step| command_shell(step.get("shell")), &mut images, &mut commands);
    let extra = json!({
        "action": root.to_json(),
        "setup_go": setup_go,
        "docker_builds": docker_builds,
        "script_expressions": script_expressions,
    });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "github-action", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: Some(("action", root)),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;

    fn built(text: &str) -> FileInput {
        match build(".github/actions/x/action.yml", text).unwrap() {
            Built::Input(fi) => *fi,
            Built::NotApplicable => panic!("not applicable"),
        }
    }

    #[test]
    fn composite_steps_are_commands_and_images() {
        let text = "name: Test\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-go@v5\n      with:\n        go-version: \"1.25\"\n    - shell: bash\n      env:\n        GOFLAGS: -mod=mod\n      run: |\n        echo hi\n        go test ./...\n    - shell: python\n      run: print('go test ./...')\n    - uses: docker://alpine\n";
        let fi = built(text);
        assert_eq!(fi.input["kind"], "github-action");
        let cmds = fi.input["commands"].as_array().unwrap();
        assert_eq!(cmds.len(), 2, "the python step runs no commands");
        assert_eq!((cmds[1]["line"].as_u64(), cmds[1]["col"].as_u64()), (Some(13), Some(9)));
        assert_eq!(cmds[1]["inherited_env"]["GOFLAGS"], "-mod=mod");
        assert_eq!(cmds[1]["owner"], "Test");
        let images = fi.input["images"].as_array().unwrap();
        assert_eq!((images[0]["image"].as_str(), images[0]["line"].as_u64()), (Some("alpine"), Some(16)));
        assert_eq!(fi.input["setup_go"][0]["version"], "1.25");
        assert_eq!(fi.input["action"]["runs"]["using"], "composite");
        // Pointers into the action as written resolve to its positions.
        assert_eq!(fi.locate("/action/runs/steps/0/uses"), Pos::new(5, 13));
        assert_eq!(fi.locate("/action/runs/steps/1"), Pos::new(8, 7));
        assert_eq!(fi.locate("/action/runs/steps"), Pos::new(4, 3));
        assert_eq!(fi.locate("/action/runs/steps/1/missing"), Pos::new(8, 7));
        // The expressions of its scripts, python's too (GitHub substitutes them in every shell).
        let text = "runs:\n  using: composite\n  steps:\n    - shell: python\n      run: |\n        print('${{ github.event.issue.title }}')\n";
        let e = &built(text).input["script_expressions"][0];
        assert_eq!((e["line"].as_u64(), e["col"].as_u64(), e["job"].is_null()), (Some(6), Some(16), true));
        assert_eq!(e["pointer"], "/action/runs/steps/0");
    }

    #[test]
    fn a_docker_action_image_is_an_image() {
        let fi = built("runs:\n  using: docker\n  image: docker://ghcr.io/acme/tool:latest\n");
        assert_eq!(fi.input["images"][0]["image"], "ghcr.io/acme/tool:latest");
        let fi = built("runs:\n  using: docker\n  image: Dockerfile\n");
        assert_eq!(fi.input["images"].as_array().map(Vec::len), Some(0));
    }

    #[test]
    fn yaml_without_runs_is_other_yaml() {
        let Built::Input(fi) = build(
            "deploy/action.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(fi.input["kind"], "kubernetes");
        assert!(matches!(build("action.yml", "name: x\nsteps: []\n").unwrap(), Built::NotApplicable));
        assert!(matches!(build("action.yml", "runs: npm test\n").unwrap(), Built::NotApplicable));
    }
}
