//! The repository model for cross-file rules: facts gathered from every file, then linked.
//!
//! Links are made only where the files establish them, never guessed:
//! - a Dockerfile builds an image when a build command names both (`docker build -t IMG -f F
//!   CTX` in a Makefile recipe, CI script or shell script after variable expansion, or a GitHub
//!   `docker/build-push-action` step with its tags, following `docker/metadata-action` images);
//! - a container runs a repository image when its image's repository equals a built image's
//!   (containers of plain manifests and of rendered Helm charts alike: a chart's findings are
//!   moved back to its template or values.yaml, see `lint::chart`);
//! - a Dockerfile's Go module is the nearest `go.mod` at or above its build context, and its Go
//!   code is, per binary, the main package each `go build` builds and the repository packages
//!   it imports (see [`gobin`]); a container runs the binary its `command:` names, or the
//!   image's ENTRYPOINT/CMD, and a `command:` that runs a shell or another program runs no Go;
//! - a CI file's Go module is the `go.mod` at the CI root (the directory holding `.github/`,
//!   `.gitlab-ci.yml` or `.circleci/`);
//! - Kubernetes objects belong to the rendered unit that deploys them together: a chart's
//!   rendering, a kustomization root's build, or the folder of plain manifests (see [`units`]).
//!
//! The result is one more policy input, `kind: "repository"`, whose findings carry their own
//! `path`, `line` and `col`.

pub mod dockerignore;
mod gobin;
mod prestop;
pub mod units;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::discover::Kind;
use super::input::FileInput;
use super::input::gitlab::expand;
use crate::parse::dockerfile::parse_image_ref;

/// What one file contributes to the repository model.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: String,
    pub kind: Kind,
    pub data: Value,
    /// The chart rendering or kustomization build its objects belong to (`None`: a plain
    /// manifest, of the folder unit of its directory).
    pub unit: Option<units::UnitTag>,
}

/// Lexically normalised `/` path (`a/./b/../c` → `a/c`); `.` for empty.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    let joined = if path.starts_with('/') { format!("/{joined}") } else { joined };
    if joined.is_empty() { ".".into() } else { joined }
}

fn dir_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((d, _)) if !d.is_empty() => d.to_string(),
        Some(_) => "/".into(),
        None => ".".into(),
    }
}

fn join(dir: &str, rel: &str) -> String {
    if rel.starts_with('/') || dir == "." { normalize(rel) } else { normalize(&format!("{dir}/{rel}")) }
}

/// `registry/repository` of an image, with Docker Hub's implicit prefixes removed.
pub fn image_key(image: &str) -> Option<String> {
    let r = parse_image_ref(image)?;
    let registry = r.registry.filter(|h| h != "docker.io" && h != "index.docker.io");
    let repo = r.repository.strip_prefix("library/").unwrap_or(&r.repository).to_string();
    Some(match registry {
        Some(h) => format!("{h}/{repo}"),
        None => repo,
    })
}

/// `X.Y[.Z]` at the start of a Go version or image tag (`1.26.8-bookworm`, `go1.26`).
pub fn go_version(text: &str) -> Option<Value> {
    let t = text.trim().trim_matches('"');
    let t = t.strip_prefix("go").unwrap_or(t);
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let nums: Vec<u64> = t[..end].split('.').map_while(|p| p.parse().ok()).collect();
    match nums.as_slice() {
        [major, minor] => Some(json!({"text": &t[..end], "major": major, "minor": minor, "patch": null})),
        [major, minor, patch, ..] => Some(json!({"text": &t[..end], "major": major, "minor": minor, "patch": patch})),
        _ => None,
    }
}

/// Value-taking flags of `docker build` / `docker buildx build` / `podman build`.
const VALUE_FLAGS: [&str; 20] = [
    "--build-arg",
    "--platform",
    "--target",
    "--label",
    "--cache-from",
    "--cache-to",
    "-o",
    "--output",
    "--secret",
    "--ssh",
    "--network",
    "--progress",
    "--iidfile",
    "--metadata-file",
    "--builder",
    "--add-host",
    "--shm-size",
    "--build-context",
    "--annotation",
    "--attest",
];

/// A `docker build` command's tags, Dockerfile and context (relative paths as written).
fn docker_build(argv: &[String]) -> Option<(Vec<String>, Option<String>, String)> {
    let tool = argv.first()?.rsplit('/').next()?;
    if !matches!(tool, "docker" | "podman") {
        return None;
    }
    let rest = match argv.get(1..3) {
        Some([a, b]) if a == "buildx" && b == "build" => &argv[3..],
        Some([a, _]) if a == "build" => &argv[2..],
        Some([a, b]) if a == "image" && b == "build" => &argv[3..],
        _ => return None,
    };
    let (mut tags, mut file, mut context) = (Vec::new(), None, None);
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        let take = |i: &mut usize| -> Option<String> {
            *i += 1;
            rest.get(*i).cloned()
        };
        if a == "-t" || a == "--tag" {
            tags.extend(take(&mut i));
        } else if let Some(v) = a.strip_prefix("--tag=").or_else(|| a.strip_prefix("-t=")) {
            tags.push(v.to_string());
        } else if a == "-f" || a == "--file" {
            file = take(&mut i);
        } else if let Some(v) = a.strip_prefix("--file=").or_else(|| a.strip_prefix("-f=")) {
            file = Some(v.to_string());
        } else if VALUE_FLAGS.contains(&a.as_str()) {
            i += 1;
        } else if !a.starts_with('-') {
            context = Some(a.clone());
        }
        i += 1;
    }
    Some((tags, file, context.unwrap_or_else(|| ".".into())))
}

/// The directory CI commands run in: the one holding `.github/`, `.gitlab-ci.yml` or `.circleci/`
/// (for an action elsewhere, such as a published one at the root, its own directory).
fn ci_root(path: &str, kind: Kind) -> String {
    match kind {
        Kind::GithubWorkflow => path.split_once(".github/").map_or(".".into(), |(d, _)| normalize(d)),
        Kind::GithubAction => path.split_once(".github/").map_or_else(|| dir_of(path), |(d, _)| normalize(d)),
        Kind::CircleCi => normalize(&dir_of(&dir_of(path))),
        _ => dir_of(path),
    }
}

fn build_entry(tags: &[String], file: Option<&str>, context: &str, base: &str) -> Value {
    // A URL, a git remote or stdin (`-`): no local directory is sent.
    let remote = context == "-" || context.contains("://") || context.starts_with("git@");
    let context = join(base, context);
    let dockerfile = match file {
        Some(f) => join(base, f),
        None => join(&context, "Dockerfile"),
    };
    let images: Vec<String> = tags.iter().filter_map(|t| image_key(t)).collect();
    json!({"images": images, "dockerfile": dockerfile, "context": context, "remote_context": remote})
}

/// Collects what `input` contributes to the repository model.
pub fn extract(kind: Kind, path: &str, fi: &FileInput) -> Option<FileFacts> {
    let input = &fi.input;
    if kind == Kind::GithubAction && input["kind"] == "kubernetes" {
        return extract(Kind::Yaml, path, fi); // an action.yaml that is a manifest
    }
    let data = match kind {
        Kind::GoMod => {
            json!({"dir": dir_of(path), "gomod": input["gomod"], "module": input["gomod"]["module"]["value"]})
        }
        Kind::Dockerfile => dockerfile_facts(input),
        Kind::Makefile | Kind::Shell | Kind::GithubWorkflow | Kind::GithubAction | Kind::GitlabCi | Kind::CircleCi => {
            let base = match kind {
                Kind::Makefile | Kind::Shell => dir_of(path),
                _ => ci_root(path, kind),
            };
            let mut builds = Vec::new();
            for c in input["commands"].as_array().into_iter().flatten() {
                let argv: Vec<String> =
                    c["argv"].as_array().into_iter().flatten().filter_map(|a| a.as_str()).map(str::to_string).collect();
                let Some((tags, file, context)) = docker_build(&argv) else { continue };
                let mut env: BTreeMap<String, String> =
                    serde_json::from_value(c["inherited_env"].clone()).unwrap_or_default();
                env.extend(serde_json::from_value::<BTreeMap<String, String>>(c["env"].clone()).unwrap_or_default());
                let tags: Vec<String> = tags.iter().map(|t| expand(t, &env)).collect();
                builds.push(build_entry(&tags, file.as_deref(), &context, &base));
            }
            for b in input["docker_builds"].as_array().into_iter().flatten() {
                let tags: Vec<String> = serde_json::from_value(b["tags"].clone()).unwrap_or_default();
                builds.push(build_entry(&tags, b["file"].as_str(), b["context"].as_str().unwrap_or("."), &base));
            }
            let mut versions = Vec::new();
            for s in input["setup_go"].as_array().into_iter().flatten() {
                if let Some(v) = s["version"].as_str().and_then(go_version) {
                    versions.push(json!({"version": v, "source": "setup-go", "line": s["line"], "col": s["col"]}));
                }
            }
            for img in input["images"].as_array().into_iter().flatten() {
                if let Some(v) = ci_go_tag(img) {
                    versions
                        .push(json!({"version": v, "source": img["image"], "line": img["line"], "col": img["col"]}));
                }
            }
            json!({"builds": builds, "go_versions": versions, "ci_root": ci_root(path, kind)})
        }
        Kind::Yaml => {
            // Inserted, not written in `json!`, which would serialise (copy) them.
            let mut data = serde_json::Map::new();
            data.insert("containers".into(), Value::Array(container_facts(fi)));
            data.insert("objects".into(), Value::Array(units::objects(fi)));
            Value::Object(data)
        }
        // ko's links come from `ko://` images; its base images are judged in the file itself.
        Kind::Ko => return None,
        Kind::Go => {
            let go = &input["go"];
            if go["is_test"] == true {
                return None;
            }
            let ports: Vec<Value> = go["listens"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|l| l["unresolved"] != true && l["port"].is_u64())
                .map(|l| json!({"port": l["port"], "how": l["how"], "line": l["line"], "col": l["col"]}))
                .collect();
            let imports: Vec<&Value> = go["imports"].as_array().into_iter().flatten().map(|i| &i["path"]).collect();
            json!({
                "dir": dir_of(path), "package": go["package"], "imports": imports, "routes": go["routes"], "ports": ports,
                "serves": go["serves"], "signals": go["signals"], "shutdowns": go["shutdowns"],
            })
        }
    };
    Some(FileFacts { path: path.to_string(), kind, data, unit: None })
}

/// The Go version of a `golang:` image reference fact, if it is one.
fn golang_tag(img: &Value) -> Option<Value> {
    let repo = img["ref"]["repository"].as_str()?;
    if repo.rsplit('/').next()? != "golang" {
        return None;
    }
    go_version(img["ref"]["tag"].as_str()?)
}

/// The Go version of an image a CI job runs in: a `golang:` image, or CircleCI's Go
/// convenience image `cimg/go:X.Y[.Z][-variant]` (on Docker Hub), which any CI can run.
fn ci_go_tag(img: &Value) -> Option<Value> {
    golang_tag(img).or_else(|| {
        let r = &img["ref"];
        let hub = r["registry"].is_null() || matches!(r["registry"].as_str(), Some("docker.io" | "index.docker.io"));
        if !hub || r["repository"] != "cimg/go" {
            return None;
        }
        go_version(r["tag"].as_str()?)
    })
}

fn dockerfile_facts(input: &Value) -> Value {
    let stages = input["dockerfile"]["stages"].as_array().cloned().unwrap_or_default();
    let last = stages.last().cloned().unwrap_or(Value::Null);
    let golang: Vec<Value> = input["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|img| {
            Some(json!({"image": img["image"], "version": golang_tag(img)?, "line": img["line"], "col": img["col"]}))
        })
        .collect();
    let exposes: Vec<Value> = last["instructions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["keyword"] == "EXPOSE")
        .flat_map(|i| {
            let raw = i["raw"].as_str().unwrap_or("").to_string();
            let (line, col) = (i["line"].clone(), i["col"].clone());
            raw.split_whitespace()
                .filter_map(|p| p.split('/').next()?.parse::<u64>().ok())
                .map(|port| json!({"port": port, "line": line, "col": col}))
                .collect::<Vec<_>>()
        })
        .collect();
    let go_builds: Vec<Value> = input["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let argv: Vec<String> =
                c["argv"].as_array()?.iter().filter_map(|a| a.as_str()).map(str::to_string).collect();
            let b = gobin::go_build(&argv)?;
            Some(json!({"packages": b.packages, "output": b.output, "chdir": b.chdir}))
        })
        .collect();
    let builds_go = !go_builds.is_empty();
    let final_user = match &last["last_user"] {
        Value::Null if input["dockerfile"]["final_nonroot_base"] == true => json!({"user": "65532", "group": "65532"}),
        u => u.clone(),
    };
    // The signal `docker stop` and the kubelet send instead of SIGTERM, if the final stage names one.
    let stop_signal = last["instructions"]
        .as_array()
        .into_iter()
        .flatten()
        .rfind(|i| i["keyword"] == "STOPSIGNAL")
        .and_then(|i| i["raw"].as_str())
        .map(|s| s.trim().to_string());
    json!({
        "stop_signal": stop_signal,
        "final_user": final_user, "final_from": last["from"], "golang_images": golang, "exposes": exposes,
        "builds_go": builds_go, "go_builds": go_builds, "entrypoint": entry_program(&last),
        "context_copies": dockerignore::context_copies(&stages),
    })
}

/// Whether `argv` is a `go build`/`go install` (or a wrapper such as `xx-go build`).
pub fn go_builds_binary(argv: &[String]) -> bool {
    gobin::go_build(argv).is_some()
}

/// The program an argv runs, by base name (`/usr/local/bin/app` → `app`); `None` for a shell,
/// busybox or `env` (what they run is a script or another word), or a script.
fn program(argv0: &str) -> Option<String> {
    let base = argv0.rsplit('/').next().unwrap_or(argv0);
    let runs_another = crate::parse::shell::is_shell(base) || matches!(base, "busybox" | "env");
    (!base.is_empty() && !runs_another && !base.ends_with(".sh")).then(|| base.to_string())
}

/// The program a stage's ENTRYPOINT (else CMD) runs, by base name; `None` when it has neither,
/// or runs a shell.
fn entry_program(stage: &Value) -> Option<String> {
    let instructions = stage["instructions"].as_array()?;
    let last = |kw: &str| instructions.iter().rev().find(|i| i["keyword"] == kw);
    let ins = last("ENTRYPOINT").or_else(|| last("CMD"))?;
    let first = match ins["exec"].as_array() {
        Some(argv) => argv.first()?.as_str()?.to_string(),
        None => ins["raw"].as_str()?.split_whitespace().next()?.to_string(),
    };
    program(&first)
}

fn container_facts(fi: &FileInput) -> Vec<Value> {
    let mut out = Vec::new();
    for w in fi.input["workloads"].as_array().into_iter().flatten() {
        for c in w["containers"].as_array().into_iter().flatten() {
            let pointer = c["pointer"].as_str().unwrap_or_default();
            let pos = fi.locate(pointer);
            let ctr = &c["container"];
            let sc = |k: &str| {
                let own = &ctr["securityContext"][k];
                if own.is_null() { w["pod"]["securityContext"][k].clone() } else { own.clone() }
            };
            let mut probes = Vec::new();
            for kind in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let p = &ctr[kind];
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let h = &p[handler];
                    if h.is_null() {
                        continue;
                    }
                    let port_pos = fi.locate(&format!("{pointer}/{kind}/{handler}/port"));
                    let path_pos = fi.locate(&format!("{pointer}/{kind}/{handler}/path"));
                    probes.push(json!({
                        "probe": kind, "handler": handler, "port": h["port"], "path": h["path"],
                        "line": port_pos.line, "col": port_pos.col, "path_line": path_pos.line, "path_col": path_pos.col,
                    }));
                }
            }
            let env: Vec<&str> =
                ctr["env"].as_array().into_iter().flatten().filter_map(|e| e["name"].as_str()).collect();
            // The pod's grace period, where it is set (else the container is the place to set it).
            let pod_pointer = w["pointer"].as_str().unwrap_or_default();
            let grace = &w["pod"]["terminationGracePeriodSeconds"];
            let grace_pos =
                if grace.is_null() { pos } else { fi.locate(&format!("{pod_pointer}/terminationGracePeriodSeconds")) };
            out.push(json!({
                "workload": format!("{} {:?}", w["kind"].as_str().unwrap_or(""), w["name"].as_str().unwrap_or("")),
                "name": ctr["name"], "init": c["init"], "image": ctr["image"],
                "test_hook": w["test_hook"], "command": ctr["command"], "args": ctr["args"],
                "image_key": ctr["image"].as_str().and_then(image_key),
                "run_as_non_root": sc("runAsNonRoot"), "run_as_user": sc("runAsUser"),
                "ports": ctr["ports"].as_array().cloned().unwrap_or_default(),
                "probes": probes,
                "memory_limit": ctr["resources"]["limits"]["memory"],
                "env": env,
                "termination_grace_period": grace, "grace_line": grace_pos.line, "grace_col": grace_pos.col,
                "pre_stop_sleep": prestop::sleep_seconds(&ctr["lifecycle"]["preStop"]),
                "stop_signal": ctr["lifecycle"]["stopSignal"],
                "line": pos.line, "col": pos.col,
            }));
        }
    }
    out
}

/// The Dockerfile that builds image `key` for a manifest at `manifest`: the only one, or, when
/// several build that name, the one sharing the longest directory prefix with the manifest;
/// `None` when nothing builds it or the choice is a tie (ambiguous links stay silent).
fn choose_dockerfile(dockerfiles: &[Value], candidates: &[usize], manifest: &str) -> Option<usize> {
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let b = dir_of(manifest);
    let shared = |i: usize| {
        let a = dir_of(dockerfiles[i]["path"].as_str().unwrap_or(""));
        a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y && *x != ".").count()
    };
    let best = candidates.iter().map(|&i| shared(i)).max()?;
    let winners: Vec<usize> = candidates.iter().copied().filter(|&i| shared(i) == best).collect();
    (winners.len() == 1 && best > 0).then(|| winners[0])
}

/// The Go facts of the binary container `c` runs from the image `dockerfile` builds: the one its
/// `command:` names, else the one the image's ENTRYPOINT/CMD names, else (several binaries,
/// none named) their facts merged. `None` when it runs no Go binary: the image builds none, or
/// the command runs a shell, a script or a program the image does not build. The facts are
/// `{"routes_known": false}` when the binary's package could not be resolved.
fn running_binary(dockerfile: &Value, c: &Value) -> Option<Value> {
    let binaries = dockerfile["binaries"].as_array().filter(|b| !b.is_empty())?;
    let facts = |b: &Value| if b["go"].is_null() { gobin::unknown_facts() } else { b["go"].clone() };
    let by_name = |name: &str| binaries.iter().find(|b| b["name"] == name);
    if let Some(argv0) = c["command"].as_array().and_then(|a| a.first()).and_then(Value::as_str) {
        return program(argv0).and_then(|p| by_name(&p)).map(facts);
    }
    if let Some(b) = dockerfile["entrypoint"].as_str().and_then(by_name) {
        return Some(facts(b));
    }
    if let [b] = binaries.as_slice() {
        return Some(facts(b));
    }
    // Several binaries and none named: what any of them serves.
    let mut merged = json!({"routes": [], "ports": [], "routes_known": true});
    for b in binaries {
        let f = facts(b);
        for key in ["routes", "ports"] {
            if let (Some(all), Some(more)) = (merged[key].as_array_mut(), f[key].as_array()) {
                all.extend(more.iter().cloned());
            }
        }
        if f["routes_known"] != true {
            merged["routes_known"] = json!(false);
        }
    }
    Some(merged)
}

/// Whether directory `dir` is `root` or below it.
fn below(dir: &str, root: &str) -> bool {
    let (dir, root) = (normalize(dir), normalize(root));
    root == "." && !dir.starts_with("..") && !dir.starts_with('/')
        || dir == root
        || dir.starts_with(&format!("{root}/"))
}

/// The nearest go.mod at or above `dir`, among the repository's go.mod facts.
fn nearest_gomod<'a>(gomods: &HashMap<&str, &'a FileFacts>, dir: &str) -> Option<&'a FileFacts> {
    let mut d = normalize(dir);
    loop {
        if let Some(g) = gomods.get(d.as_str()) {
            return Some(g);
        }
        if d == "." || d == "/" || d.is_empty() {
            return None;
        }
        d = dir_of(&d);
    }
}

fn gomod_value(g: &FileFacts) -> Value {
    let m = &g.data["gomod"];
    let version = |d: &Value| d["value"].as_str().and_then(go_version);
    json!({"path": g.path, "go": m["go"], "toolchain": m["toolchain"], "go_version": m["go"].as_object().and_then(|_| version(&m["go"])), "toolchain_version": m["toolchain"].as_object().and_then(|_| version(&m["toolchain"]))})
}

/// Links the facts of every file into the repository input. Every lookup goes through an index
/// (builds by Dockerfile, go.mod and Go files by directory, Dockerfiles by image), so a
/// monorepo's thousands of files link in linear time.
pub fn link(facts: &mut [FileFacts], walked: &dockerignore::Walked) -> Value {
    // The Dockerfiles' facts and the manifests' containers are moved into the model, not copied.
    let mut taken = |kind: Kind, field: Option<&str>| -> Vec<(String, Value)> {
        let facts = facts.iter_mut().filter(|f| f.kind == kind);
        let take = |f: &mut FileFacts| match field {
            Some(k) => f.data[k].take(),
            None => f.data.take(),
        };
        facts.map(|f| (f.path.clone(), take(f))).collect()
    };
    let dockerfile_facts = taken(Kind::Dockerfile, None);
    let manifest_containers = taken(Kind::Yaml, Some("containers"));
    let of = |k: Kind| facts.iter().filter(move |f| f.kind == k);
    let mut gomods: HashMap<&str, &FileFacts> = HashMap::new();
    for g in of(Kind::GoMod) {
        if let Some(dir) = g.data["dir"].as_str() {
            gomods.entry(dir).or_insert(g);
        }
    }
    let mut builds: HashMap<&str, Vec<&Value>> = HashMap::new();
    for b in facts.iter().flat_map(|f| f.data["builds"].as_array().into_iter().flatten()) {
        if let Some(dockerfile) = b["dockerfile"].as_str() {
            builds.entry(dockerfile).or_default().push(b);
        }
    }
    // The repository's Go packages and modules, and each main package's facts once.
    let modules = of(Kind::GoMod)
        .filter_map(|g| {
            Some(gobin::Module { path: g.data["module"].as_str()?, dir: normalize(g.data["dir"].as_str()?) })
        })
        .collect();
    let packages = gobin::Packages::new(of(Kind::Go).map(|g| (g.path.as_str(), &g.data)), modules);

    // Repository roots: where a `.git` is, and where CI files say the repository starts.
    let repo_roots: std::collections::HashSet<String> = walked
        .git_roots
        .iter()
        .map(|r| normalize(r))
        .chain(
            facts
                .iter()
                .filter(|f| matches!(f.kind, Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi))
                .filter_map(|f| f.data["ci_root"].as_str().map(normalize)),
        )
        .collect();

    let mut dockerfiles = Vec::new();
    let mut by_image: HashMap<String, Vec<usize>> = HashMap::new();
    for (file, mut d) in dockerfile_facts {
        let path = normalize(&file);
        let linked: &[&Value] = builds.get(path.as_str()).map_or(&[], Vec::as_slice);
        let images: Vec<Value> =
            linked.iter().flat_map(|b| b["images"].as_array().cloned().unwrap_or_default()).collect();
        let context =
            linked.first().and_then(|b| b["context"].as_str()).map(str::to_string).unwrap_or_else(|| dir_of(&path));
        d["path"] = json!(file);
        d["images"] = json!(images);
        d["context"] = json!(context);
        // What the context sends, when it is a directory the walk covered.
        let remote = linked.first().is_some_and(|b| b["remote_context"] == true);
        let walked_context = !remote && walked.roots.iter().any(|r| below(&context, r));
        d["context_walked"] = json!(walked_context);
        d["context_is_repo_root"] = json!(repo_roots.contains(&normalize(&context)));
        d["dockerignore"] = match walked_context {
            true => dockerignore::for_build(walked, &path, &context).cloned().unwrap_or(Value::Null),
            false => Value::Null,
        };
        d["gomod"] = nearest_gomod(&gomods, &context).map(gomod_value).unwrap_or(Value::Null);
        // The binaries it builds, each with the Go facts of its own packages.
        let mut binaries = Vec::new();
        for b in d["go_builds"].as_array().into_iter().flatten() {
            let build = gobin::GoBuild {
                packages: serde_json::from_value(b["packages"].clone()).unwrap_or_default(),
                output: b["output"].as_str().map(str::to_string),
                chdir: b["chdir"].as_str().map(str::to_string),
            };
            for bin in packages.binaries(&build, &context) {
                let go = if bin.dir.is_some() { packages.binary_facts(bin.dir.as_deref()) } else { Value::Null };
                binaries.push(json!({"name": bin.name, "go": go}));
            }
        }
        d["binaries"] = json!(binaries);
        for image in images.iter().filter_map(Value::as_str) {
            let ids = by_image.entry(image.to_string()).or_default();
            if ids.last() != Some(&dockerfiles.len()) {
                ids.push(dockerfiles.len());
            }
        }
        dockerfiles.push(d);
    }

    let mut containers = Vec::new();
    for (file, cs) in manifest_containers {
        let Value::Array(cs) = cs else { continue };
        for mut c in cs {
            let key = c["image_key"].as_str().map(str::to_string);
            let candidates = key.and_then(|k| by_image.get(&k)).map_or(&[][..], Vec::as_slice);
            let linked = choose_dockerfile(&dockerfiles, candidates, &file);
            let mut go = linked.and_then(|i| running_binary(&dockerfiles[i], &c));
            let mut built_by = linked.map(|i| dockerfiles[i]["path"].clone()).unwrap_or(Value::Null);
            // `image: ko://IMPORT/PATH`: ko builds that Go package into the image.
            if let Some(import) = c["image"].as_str().and_then(|i| i.strip_prefix("ko://"))
                && c["command"].as_array().is_none_or(|a| a.is_empty())
            {
                let import = import.split(['@', ':']).next().unwrap_or(import);
                built_by = json!(format!("ko ({import})"));
                go = Some(packages.binary_facts(packages.dir_of_import(import).as_deref()));
            }
            c["path"] = json!(file);
            c["dockerfile"] = json!(linked);
            c["built_by"] = built_by;
            c["runs_go"] = json!(go.is_some());
            c["go"] = go.unwrap_or(Value::Null);
            containers.push(c);
        }
    }

    let mut ci_go_versions = Vec::new();
    for f in facts
        .iter()
        .filter(|f| matches!(f.kind, Kind::GithubWorkflow | Kind::GithubAction | Kind::GitlabCi | Kind::CircleCi))
    {
        let root = f.data["ci_root"].as_str().unwrap_or(".");
        let gomod = gomods.get(root).map(|g| gomod_value(g));
        for v in f.data["go_versions"].as_array().into_iter().flatten() {
            let mut v = v.clone();
            v["path"] = json!(f.path);
            v["gomod"] = gomod.clone().unwrap_or(Value::Null);
            ci_go_versions.push(v);
        }
    }
    let units = units::link(facts);
    // Built by hand, not with `json!`, which serialises its values by reference: a deep copy of
    // the whole model.
    let mut repo = json!({"kind": "repository", "path": ".", "images": [], "commands": []});
    repo["dockerfiles"] = Value::Array(dockerfiles);
    repo["containers"] = Value::Array(containers);
    repo["ci_go_versions"] = Value::Array(ci_go_versions);
    repo["units"] = Value::Array(units);
    repo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;

    #[test]
    fn paths_and_images_normalise() {
        assert_eq!(normalize("./a/../b/./c"), "b/c");
        assert_eq!(join("deploy", "../Dockerfile"), "Dockerfile");
        assert_eq!(join(".", "./build/Dockerfile"), "build/Dockerfile");
        assert_eq!(image_key("ghcr.io/acme/api:1.2").as_deref(), Some("ghcr.io/acme/api"));
        assert_eq!(image_key("docker.io/library/nginx:1"), image_key("nginx"));
        assert_eq!(image_key("localhost:5000/app@sha256:00").as_deref(), Some("localhost:5000/app"));
    }

    #[test]
    fn ambiguous_images_link_to_the_nearest_dockerfile_or_nothing() {
        let dfs = vec![
            json!({"path": "svc-a/Dockerfile", "images": ["controller"]}),
            json!({"path": "svc-b/Dockerfile", "images": ["controller"]}),
            json!({"path": "Dockerfile", "images": ["api"]}),
        ];
        assert_eq!(choose_dockerfile(&dfs, &[0, 1], "svc-b/config/manager.yaml"), Some(1));
        assert_eq!(choose_dockerfile(&dfs, &[0, 1], "deploy/manager.yaml"), None);
        assert_eq!(choose_dockerfile(&dfs, &[2], "deploy/api.yaml"), Some(2));
        assert_eq!(choose_dockerfile(&dfs, &[], "deploy/api.yaml"), None);
    }

    #[test]
    fn a_known_non_root_base_counts_as_user_65532() {
        let facts = |text: &str| {
            let Ok(crate::lint::input::Built::Input(fi)) = crate::lint::input::dockerfile::build("Dockerfile", text)
            else {
                panic!("not a Dockerfile input")
            };
            dockerfile_facts(&fi.input)
        };
        let nonroot = facts(
            "FROM golang:1.26 AS b\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /app /app\n",
        );
        assert_eq!(nonroot["final_user"]["user"], "65532");
        assert_eq!(nonroot["entrypoint"], Value::Null);
        let root = facts("FROM alpine:3.22\nENTRYPOINT [\"/usr/local/bin/api\", \"serve\"]\n");
        assert_eq!(root["final_user"], Value::Null);
        assert_eq!(root["entrypoint"], "api");
        // A USER the file sets wins over the base image's.
        let named = facts("FROM gcr.io/distroless/static:nonroot\nUSER app\n");
        assert_eq!(named["final_user"]["user"], "app");
    }

    #[test]
    fn below_directories() {
        assert!(below("cmd/api", "."));
        assert!(below("svc/cmd", "svc"));
        assert!(below("svc", "svc"));
        assert!(!below("svc2/x", "svc"));
        assert!(!below("../x", "."));
    }

    #[test]
    fn go_versions_from_tags_and_lines() {
        assert_eq!(go_version("1.26.8-bookworm").unwrap()["patch"], 8);
        assert_eq!(go_version("go1.27").unwrap()["minor"], 27);
        assert!(go_version("1.26").unwrap()["patch"].is_null());
        assert!(go_version("alpine").is_none());
        assert!(go_version("\"1.25.x\"").unwrap()["patch"].is_null());
    }

    #[test]
    fn ci_roots() {
        assert_eq!(ci_root(".circleci/config.yml", Kind::CircleCi), ".");
        assert_eq!(ci_root("svc/.circleci/config.yml", Kind::CircleCi), "svc");
        assert_eq!(ci_root("a/b/.github/workflows/ci.yml", Kind::GithubWorkflow), "a/b");
        assert_eq!(ci_root(".github/actions/setup/action.yml", Kind::GithubAction), ".");
        assert_eq!(ci_root("tools/release/action.yml", Kind::GithubAction), "tools/release");
        assert_eq!(ci_root("svc/.gitlab-ci.yml", Kind::GitlabCi), "svc");
    }

    #[test]
    fn go_toolchain_images_of_ci() {
        let img =
            |s: &str| serde_json::to_value(crate::lint::input::ImageFact::new(s, "image", Pos::new(1, 1))).unwrap();
        let minor = |s: &str| ci_go_tag(&img(s)).map(|v| v["text"].as_str().unwrap().to_string());
        assert_eq!(minor("golang:1.22-bookworm").as_deref(), Some("1.22"));
        assert_eq!(minor("cimg/go:1.22").as_deref(), Some("1.22"));
        assert_eq!(minor("cimg/go:1.22.5-browsers").as_deref(), Some("1.22.5"));
        assert_eq!(minor("docker.io/cimg/go:1.23").as_deref(), Some("1.23"));
        assert_eq!(minor("cimg/go"), None);
        assert_eq!(minor("cimg/go:<< parameters.go >>"), None);
        assert_eq!(minor("cimg/node:1.22"), None);
        assert_eq!(minor("ghcr.io/x/cimg/go:1.22"), None);
        assert_eq!(golang_tag(&img("cimg/go:1.22")), None, "Dockerfiles count golang: images only");
    }

    #[test]
    fn docker_build_commands() {
        let v = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            docker_build(&v("docker build --build-arg V=1 -t ghcr.io/a/b:1 -f build/Dockerfile .")),
            Some((vec!["ghcr.io/a/b:1".into()], Some("build/Dockerfile".into()), ".".into()))
        );
        assert_eq!(docker_build(&v("docker buildx build --push --tag=x:1 ctx")).unwrap().2, "ctx");
        assert_eq!(docker_build(&v("docker run -t x")), None);
    }
}
