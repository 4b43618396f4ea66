//! Dockerfile → input: `input.dockerfile` is the parsed file (stages, instructions, ENV/ARG
//! in effect, USER) plus what the runtime rules need to know of the final stage
//! (`test_runner`, `final_nonroot_base`), `images` are the FROM images (not earlier stages, not
//! scratch), and `commands` the commands of every RUN, CMD and ENTRYPOINT with the ENV/ARG
//! values in effect (an exec-form ENTRYPOINT with the CMD's arguments appended, as Docker runs
//! them).
//!
//! `RUN make TARGET` runs the target's recipe: with a reader for the Makefile beside the
//! Dockerfile (or the one `-C`/`-f` names), its recipe commands — and those of the
//! prerequisites it has rules for, and of `$(MAKE) OTHER` it runs, at most 6 levels — stand in
//! the RUN, at the RUN's position, with the RUN's environment, the make command line's
//! `VAR=value` assignments and the Makefile's exports; `via` says where they came from.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Built, CommandFact, FileInput, ImageFact, document};
use crate::parse::ParseError;
use crate::parse::dockerfile::{self, ImageRef, Stage};
use crate::parse::makefile::Makefile;
use crate::parse::shell::SimpleCommand;

/// Reads and parses the Makefile a `make` in a RUN uses, by its path relative to the
/// Dockerfile's directory (`Makefile`, `GNUmakefile`, `sub/Makefile`, a `-f` file).
pub type MakefileReader<'a> = dyn Fn(&str) -> Option<Makefile> + 'a;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    build_with_makefiles(path, text, &|_| None)
}

/// [`build`], following `make TARGET` in RUN into the Makefile `makefiles` reads.
pub fn build_with_makefiles(path: &str, text: &str, makefiles: &MakefileReader) -> Result<Built, ParseError> {
    let df = dockerfile::parse(text)?;
    let mut images = Vec::new();
    let mut commands = Vec::new();
    for stage in &df.stages {
        let from = &stage.from;
        if from.base_stage.is_none() && !from.scratch {
            let mut fact = ImageFact::new(&from.image, "FROM", from.image_pos);
            if from.unresolved {
                fact.reference = None;
            }
            images.push(fact);
        }
        let owner = stage.name.clone().unwrap_or_else(|| format!("stage {}", stage.index));
        let merged_cmd = entrypoint_takes_cmd(stage);
        for (k, ins) in stage.instructions.iter().enumerate() {
            if Some(k) == merged_cmd.map(|(_, cmd)| cmd) {
                continue;
            }
            let appended: Vec<String> = match merged_cmd {
                Some((ep, cmd)) if ep == k => stage.instructions[cmd].exec.clone().unwrap_or_default(),
                _ => Vec::new(),
            };
            for cmd in &ins.commands {
                let mut fact = CommandFact::from_command(cmd, &ins.env, &ins.keyword, &owner, cmd.pos);
                if !appended.is_empty() {
                    fact.argv.extend(appended.iter().cloned());
                    fact.text = format!("{} {}", fact.text, appended.join(" "));
                }
                // Expanded recipes are bounded per file as CI files' commands are.
                if ins.keyword == "RUN"
                    && commands.len() < super::MAX_YAML_COMMANDS
                    && let Some(make) = MakeCall::parse(cmd)
                {
                    let mut env = ins.env.clone();
                    env.extend(cmd.script_env.clone());
                    env.extend(cmd.env.clone());
                    let expanded = make.expand(makefiles, &env, 0, &std::cell::Cell::new(MAX_MAKE_CALLS));
                    if !expanded.is_empty() {
                        commands.push(fact);
                        for (c, env, via) in expanded {
                            let mut f = CommandFact::from_command(&c, &env, "RUN", &owner, cmd.pos);
                            f.via = Some(via);
                            commands.push(f);
                        }
                        continue;
                    }
                }
                commands.push(fact);
            }
        }
    }
    let mut doc = serde_json::to_value(&df).unwrap_or(Value::Null);
    if let Some(last) = df.stages.last() {
        doc["test_runner"] = json!(is_test_runner(last));
        doc["final_nonroot_base"] = json!(root_reference(&df.stages, last.index).is_some_and(known_nonroot));
    }
    let extra = json!({ "dockerfile": doc });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "dockerfile", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}

/// The stage's last ENTRYPOINT and last CMD when Docker appends the CMD to the ENTRYPOINT
/// (both exec form): their instruction indices.
fn entrypoint_takes_cmd(stage: &Stage) -> Option<(usize, usize)> {
    let last = |kw: &str| stage.instructions.iter().rposition(|i| i.keyword == kw);
    let (ep, cmd) = (last("ENTRYPOINT")?, last("CMD")?);
    let ins = &stage.instructions[ep];
    let shell_c = ins.exec.as_ref().is_some_and(|a| a.len() >= 2 && a[1].starts_with('-') && a[1].contains('c'));
    (ins.exec.is_some() && stage.instructions[cmd].exec.is_some() && !shell_c).then_some((ep, cmd))
}

/// Whether `argv` runs Go tests: `go test`, gotestsum, `go tool gotestsum`, ginkgo.
pub fn runs_go_test(argv: &[String]) -> bool {
    let base = |a: &str| a.rsplit('/').next().unwrap_or(a).to_string();
    let Some(first) = argv.first().map(|a| base(a)) else { return false };
    if matches!(first.as_str(), "gotestsum" | "ginkgo") {
        return true;
    }
    let words: Vec<&str> = argv.iter().skip(1).map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    first == "go" && (words.first() == Some(&"test") || words.starts_with(&["tool", "gotestsum"]))
}

/// A final stage that runs Go's tests instead of a service: its own ENTRYPOINT/CMD runs them,
/// or it has neither and its RUNs test without building.
fn is_test_runner(stage: &Stage) -> bool {
    fn of<'s>(stage: &'s Stage, kw: &'static str) -> impl Iterator<Item = &'s dockerfile::Instruction> + 's {
        stage.instructions.iter().filter(move |i| i.keyword == kw)
    }
    let entry = of(stage, "ENTRYPOINT").last().or_else(|| of(stage, "CMD").last());
    match entry {
        Some(ins) => ins.commands.iter().any(|c| runs_go_test(&c.argv)),
        None => {
            let runs: Vec<&SimpleCommand> = of(stage, "RUN").flat_map(|i| &i.commands).collect();
            runs.iter().any(|c| runs_go_test(&c.argv))
                && !runs.iter().any(|c| crate::lint::repo::go_builds_binary(&c.argv))
        }
    }
}

/// The image reference the stage at `index` is ultimately built FROM (following earlier stages).
fn root_reference(stages: &[Stage], index: usize) -> Option<&ImageRef> {
    let mut i = index;
    for _ in 0..stages.len() {
        let from = &stages.get(i)?.from;
        match from.base_stage {
            Some(b) if b < i => i = b,
            Some(_) => return None,
            None => return if from.unresolved || from.scratch { None } else { from.reference.as_ref() },
        }
    }
    None
}

/// Images whose configuration runs a non-root numeric user (65532): distroless `nonroot`
/// tags (`:nonroot`, `:nonroot-amd64`, `:debug-nonroot`) and Chainguard images other than their
/// `-dev` variants.
pub fn known_nonroot(r: &ImageRef) -> bool {
    let registry = r.registry.as_deref().unwrap_or("");
    let tag = r.tag.as_deref().unwrap_or("");
    match registry {
        "gcr.io" if r.repository.starts_with("distroless/") => tag.split('-').any(|p| p == "nonroot"),
        "cgr.dev" if r.repository.starts_with("chainguard/") => !tag.ends_with("-dev") && tag != "dev",
        _ => false,
    }
}

/// A `make` a RUN runs: the Makefile it reads, its targets and command-line assignments.
struct MakeCall {
    /// Relative to the Dockerfile's directory.
    dir: Option<String>,
    file: Option<String>,
    targets: Vec<String>,
    assignments: BTreeMap<String, String>,
}

const MAX_MAKE_DEPTH: usize = 6;
const MAX_MAKE_COMMANDS: usize = 1000;
/// Makefiles read (the RUN's make and every `$(MAKE)` it reaches) per RUN: a recipe of a thousand
/// `$(MAKE) x` lines, each nesting further, must not parse Makefiles a thousand to the sixth times.
const MAX_MAKE_CALLS: usize = 32;

impl MakeCall {
    fn parse(cmd: &SimpleCommand) -> Option<Self> {
        let tool = cmd.argv.first()?.rsplit('/').next()?;
        if !matches!(tool, "make" | "gmake") {
            return None;
        }
        let mut call = MakeCall { dir: None, file: None, targets: Vec::new(), assignments: BTreeMap::new() };
        let mut args = cmd.argv[1..].iter().peekable();
        while let Some(a) = args.next() {
            let value = |args: &mut std::iter::Peekable<std::slice::Iter<String>>, inline: &str| {
                if inline.is_empty() { args.next().cloned() } else { Some(inline.to_string()) }
            };
            if let Some(v) = a.strip_prefix("--directory=") {
                call.dir = Some(v.to_string());
            } else if let Some(v) = a.strip_prefix("-C") {
                call.dir = value(&mut args, v);
            } else if let Some(v) = a.strip_prefix("--file=").or_else(|| a.strip_prefix("--makefile=")) {
                call.file = Some(v.to_string());
            } else if let Some(v) = a.strip_prefix("-f") {
                call.file = value(&mut args, v);
            } else if a == "-j" || a == "-l" {
                if args.peek().is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())) {
                    args.next();
                }
            } else if a == "-o" || a == "-W" || a == "-I" {
                args.next();
            } else if a.starts_with('-') {
            } else if let Some((k, v)) = a.split_once('=') {
                call.assignments.insert(k.to_string(), v.to_string());
            } else {
                call.targets.push(a.clone());
            }
        }
        Some(call)
    }

    fn makefile_path(&self) -> Vec<String> {
        let join = |d: &Option<String>, f: &str| match d {
            Some(d) => format!("{}/{f}", d.trim_end_matches('/')),
            None => f.to_string(),
        };
        match &self.file {
            Some(f) => vec![join(&self.dir, f)],
            None => ["GNUmakefile", "makefile", "Makefile"].iter().map(|f| join(&self.dir, f)).collect(),
        }
    }

    /// The commands the targets' recipes run, each with its environment and where it came from.
    fn expand(
        &self,
        read: &MakefileReader,
        env: &BTreeMap<String, String>,
        depth: usize,
        calls: &std::cell::Cell<usize>,
    ) -> Vec<(SimpleCommand, BTreeMap<String, String>, String)> {
        let mut out = Vec::new();
        if depth >= MAX_MAKE_DEPTH || calls.get() == 0 {
            return out;
        }
        calls.set(calls.get() - 1);
        let Some((name, mk)) = self.makefile_path().into_iter().find_map(|p| read(&p).map(|m| (p, m))) else {
            return out;
        };
        let mut env = env.clone();
        env.extend(mk.exports.clone());
        env.extend(self.assignments.clone());
        let goals: Vec<String> = if self.targets.is_empty() {
            mk.rules
                .iter()
                .flat_map(|r| &r.targets)
                .find(|t| !t.starts_with('.') && !t.contains('%'))
                .cloned()
                .into_iter()
                .collect()
        } else {
            self.targets.clone()
        };
        let mut seen = BTreeSet::new();
        for goal in goals {
            self.target(&mk, &name, &goal, read, &env, (depth, calls), &mut seen, &mut out);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn target(
        &self,
        mk: &Makefile,
        name: &str,
        goal: &str,
        read: &MakefileReader,
        env: &BTreeMap<String, String>,
        (depth, calls): (usize, &std::cell::Cell<usize>),
        seen: &mut BTreeSet<String>,
        out: &mut Vec<(SimpleCommand, BTreeMap<String, String>, String)>,
    ) {
        if !seen.insert(goal.to_string()) || out.len() >= MAX_MAKE_COMMANDS {
            return;
        }
        for rule in mk.rules.iter().filter(|r| r.targets.iter().any(|t| t == goal)) {
            for p in &rule.prerequisites {
                self.target(mk, name, p, read, env, (depth, calls), seen, out);
            }
            for line in &rule.recipe {
                for c in &line.commands {
                    if out.len() >= MAX_MAKE_COMMANDS {
                        return;
                    }
                    let via = format!("via `make {goal}`, {name}:{}", c.pos.line);
                    if let Some(sub) = MakeCall::parse(c) {
                        let mut sub_env = env.clone();
                        sub_env.extend(c.env.clone());
                        let sub = MakeCall { dir: sub.dir.or_else(|| self.dir.clone()), ..sub };
                        let before = out.len();
                        out.extend(sub.expand(read, &sub_env, depth + 1, calls));
                        if out.len() > before {
                            continue;
                        }
                    }
                    out.push((c.clone(), env.clone(), via));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::makefile;

    fn input(text: &str, makefile: &str) -> Value {
        let mk = makefile.to_string();
        let read = move |name: &str| (name == "Makefile").then(|| makefile::parse(&mk).ok()).flatten();
        match build_with_makefiles("Dockerfile", text, &read).unwrap() {
            Built::Input(fi) => fi.input,
            Built::NotApplicable => panic!("not applicable"),
        }
    }

    fn argvs(v: &Value) -> Vec<String> {
        v["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let argv: Vec<&str> = c["argv"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
                format!("{}:{} {}", c["context"].as_str().unwrap(), c["line"], argv.join(" "))
            })
            .collect()
    }

    #[test]
    fn make_targets_stand_in_the_run() {
        let mk = "GO ?= go\nexport GOFLAGS = -mod=readonly\nall: app\napp: gen\n\tOUT=. $(MAKE) build\nbuild:\n\tCGO_ENABLED=0 $(GO) build -o $(OUT)/app ./cmd/app\ngen:\n\t$(GO) generate ./...\n";
        let v = input("FROM golang:1.26\nRUN make app ARCH=arm64\n", mk);
        assert_eq!(
            argvs(&v),
            vec!["RUN:2 make app ARCH=arm64", "RUN:2 go generate ./...", "RUN:2 go build -o /app ./cmd/app"]
        );
        let build = &v["commands"][2];
        assert_eq!(build["env"]["CGO_ENABLED"], "0");
        assert_eq!(build["inherited_env"]["ARCH"], "arm64");
        assert_eq!(build["inherited_env"]["GOFLAGS"], "-mod=readonly");
        assert_eq!(build["via"], "via `make build`, Makefile:7");
        // The default goal, and a Makefile that is not there.
        assert_eq!(argvs(&input("FROM golang:1.26\nRUN make\n", mk)).len(), 3);
        assert_eq!(argvs(&input("FROM golang:1.26\nRUN make -C sub app\n", mk)), vec!["RUN:2 make -C sub app"]);
    }

    #[test]
    fn many_sub_makes_read_a_bounded_number_of_makefiles() {
        let mut mk = String::from("all:\n");
        for i in 0..200 {
            mk.push_str(&format!("\t$(MAKE) t{i}\n"));
        }
        for i in 0..200 {
            mk.push_str(&format!("t{i}:\n\t$(MAKE) all\n\tgo build ./cmd/{i}\n"));
        }
        let reads = std::cell::Cell::new(0);
        let text = mk.clone();
        let read = |name: &str| {
            reads.set(reads.get() + 1);
            (name == "Makefile").then(|| makefile::parse(&text).ok()).flatten()
        };
        let Built::Input(fi) = build_with_makefiles("Dockerfile", "FROM golang:1.26\nRUN make\n", &read).unwrap()
        else {
            panic!("not applicable")
        };
        assert!(reads.get() <= MAX_MAKE_CALLS * 3, "{} Makefile reads", reads.get());
        assert!(fi.input["commands"].as_array().unwrap().len() <= MAX_MAKE_COMMANDS + 1);
    }

    #[test]
    fn recursive_makefiles_stop() {
        let mk = "a:\n\t$(MAKE) b\nb:\n\t$(MAKE) a\n\tgo build .\n";
        let v = input("FROM golang:1.26\nRUN make a\n", mk);
        assert!(argvs(&v).iter().any(|c| c.ends_with("go build .")));
        assert!(argvs(&v).len() < 20);
    }

    #[test]
    fn cmd_and_entrypoint_are_commands_and_mark_test_runners() {
        let v = input("FROM golang:1.26\nENTRYPOINT [\"go\", \"test\"]\nCMD [\"-v\", \"./...\"]\n", "");
        assert_eq!(argvs(&v), vec!["ENTRYPOINT:2 go test -v ./..."]);
        assert_eq!(v["dockerfile"]["test_runner"], true);
        let v = input("FROM golang:1.26 AS b\nRUN go build -o /app .\nFROM alpine:3\nCMD /app serve\n", "");
        assert_eq!(v["dockerfile"]["test_runner"], false);
        assert_eq!(argvs(&v), vec!["RUN:2 go build -o /app .", "CMD:4 /app serve"]);
        let v = input("FROM golang:1.26\nCOPY . .\nRUN gotestsum --format testname -- -timeout 60s ./...\n", "");
        assert_eq!(v["dockerfile"]["test_runner"], true);
        let v = input("FROM golang:1.26\nRUN go test ./... && go build -o /app .\n", "");
        assert_eq!(v["dockerfile"]["test_runner"], false);
    }

    #[test]
    fn known_nonroot_bases() {
        let nonroot = |image: &str| {
            input(&format!("FROM golang:1.26 AS b\nFROM {image} AS run\nFROM run\n"), "")["dockerfile"]["final_nonroot_base"]
                == true
        };
        assert!(nonroot("gcr.io/distroless/static-debian12:nonroot"));
        assert!(nonroot("gcr.io/distroless/base:debug-nonroot"));
        assert!(nonroot("gcr.io/distroless/static:nonroot-arm64"));
        assert!(nonroot("cgr.dev/chainguard/static:latest"));
        assert!(!nonroot("cgr.dev/chainguard/go:latest-dev"));
        assert!(!nonroot("gcr.io/distroless/static:latest"));
        assert!(!nonroot("example.com/distroless/static:nonroot"));
        assert!(!nonroot("gcr.io/distroless/static"));
    }
}
