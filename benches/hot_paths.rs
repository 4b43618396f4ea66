//! Micro-benchmarks of `paved lint`'s hot paths (divan): YAML parsing with positions, the
//! Dockerfile and Makefile parsers, building the policy input of a file, the Rego engine (load,
//! clone, evaluate one file), Helm rendering of the chart `paved new` generates, and, on the
//! real corpus, the parse and policy phases of a whole run on one thread (what share of a
//! lint each takes). Whole-process timings against other tools live in `bench/run.sh`.
//!
//! `cargo bench --bench hot_paths` (filter: `cargo bench --bench hot_paths -- yaml`). The
//! corpus benchmarks read `$PAVED_CORPUS` (default /work/shared/corpus) and are skipped when it
//! is absent.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use paved::lint::discover::{self, Kind};
use paved::lint::engine::Engine;
use paved::lint::input::{self, Built, FileInput};
use paved::parse::yaml::{self, Limits};

fn main() {
    divan::main();
}

// ---------------------------------------------------------------------------------------------
// Inputs

const SMALL_MANIFEST: &str =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n";

/// A realistic 300-line Deployment: labels, annotations, three containers with env, ports,
/// probes, resources, security contexts and mounts, and volumes.
static DEPLOYMENT_300: LazyLock<String> = LazyLock::new(|| {
    let mut s = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout\n  namespace: shop\n  labels:\n    app.kubernetes.io/name: checkout\n    app.kubernetes.io/part-of: shop\n    app.kubernetes.io/version: \"1.4.2\"\n  annotations:\n    deployment.kubernetes.io/revision: \"12\"\n    ignore.paved.dev/read-only-root-fs-missing: \"writes its cache to /tmp\"\nspec:\n  replicas: 3\n  revisionHistoryLimit: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: checkout\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: checkout\n      annotations:\n        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"9090\"\n    spec:\n      serviceAccountName: checkout\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 65532\n        fsGroup: 65532\n      terminationGracePeriodSeconds: 30\n      containers:\n",
    );
    for (i, name) in ["server", "sidecar-proxy", "log-shipper"].iter().enumerate() {
        s.push_str(&format!(
            "      - name: {name}\n        image: registry.example.com/shop/{name}:1.4.{i}\n        imagePullPolicy: IfNotPresent\n        args: [\"--port=808{i}\", \"--log-format=json\"]\n        ports:\n        - name: http\n          containerPort: 808{i}\n          protocol: TCP\n        - name: metrics\n          containerPort: 909{i}\n        env:\n"
        ));
        for e in 0..28 {
            s.push_str(&format!("        - name: SETTING_{e}\n          value: \"value-{e}-of-{name}\"\n"));
        }
        s.push_str(&format!(
            "        - name: POD_IP\n          valueFrom:\n            fieldRef: {{fieldPath: status.podIP}}\n        livenessProbe:\n          httpGet: {{path: /health, port: http}}\n          periodSeconds: 10\n        readinessProbe:\n          httpGet: {{path: /ready, port: http}}\n        resources:\n          requests: {{cpu: 100m, memory: 128Mi}}\n          limits: {{cpu: \"1\", memory: 256Mi}}\n        securityContext:\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n          capabilities: {{drop: [ALL]}}\n        volumeMounts:\n        - {{name: tmp, mountPath: /tmp}}\n        - {{name: config, mountPath: /etc/{name}, readOnly: true}}\n"
        ));
    }
    s.push_str("      volumes:\n      - name: tmp\n        emptyDir: {}\n      - name: config\n        configMap:\n          name: checkout\n");
    s
});

/// The service `paved new` generates (through the binary, so this follows its flags, not its
/// internal API), kept for the whole benchmark run.
static SERVICE: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_paved"))
        .args(["new", "demo", "--module", "github.com/acme/demo", "--go-version", "1.25", "--yes", "--force", "--dir"])
        .arg(dir.path().join("demo"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run paved new");
    assert!(status.success(), "paved new failed");
    dir
});

fn service_file(rel: &str) -> String {
    std::fs::read_to_string(SERVICE.path().join("demo").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

static DOCKERFILE: LazyLock<String> = LazyLock::new(|| service_file("Dockerfile"));
static MAKEFILE: LazyLock<String> = LazyLock::new(|| service_file("Makefile"));
static WORKFLOW: LazyLock<String> = LazyLock::new(|| service_file(".github/workflows/ci.yml"));

/// The built-in policies, compiled once.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::load(&[]).expect("built-in policies load"));

fn built(kind: Kind, path: &str, text: &str) -> FileInput {
    match input::build(kind, path, text).expect("parses") {
        Built::Input(fi) => *fi,
        Built::NotApplicable => panic!("{path}: nothing to lint"),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsers

#[divan::bench_group]
mod parse {
    use super::*;

    #[divan::bench]
    fn yaml_small_manifest() -> usize {
        yaml::parse_stream(black_box(SMALL_MANIFEST), &Limits::default()).map(|d| d.len()).unwrap_or(0)
    }

    #[divan::bench]
    fn yaml_deployment_300_lines(bencher: Bencher) {
        let text = DEPLOYMENT_300.as_str();
        assert!((280..=320).contains(&text.lines().count()), "{} lines", text.lines().count());
        bencher
            .counter(divan::counter::BytesCount::of_str(text))
            .bench(|| yaml::parse_stream(black_box(text), &Limits::default()).map(|d| d.len()).unwrap_or(0));
    }

    #[divan::bench]
    fn yaml_deployment_300_lines_to_json(bencher: Bencher) {
        // The tree → serde_json conversion every Kubernetes input pays on top of the parse.
        let docs = yaml::parse_stream(&DEPLOYMENT_300, &Limits::default()).expect("parses");
        bencher.bench(|| black_box(&docs[0].root).to_json());
    }

    #[divan::bench]
    fn dockerfile_generated(bencher: Bencher) {
        let text = DOCKERFILE.as_str();
        bencher
            .counter(divan::counter::BytesCount::of_str(text))
            .bench(|| paved::parse::dockerfile::parse(black_box(text)).map(|d| d.stages.len()).unwrap_or(0));
    }

    #[divan::bench]
    fn makefile_generated(bencher: Bencher) {
        let text = MAKEFILE.as_str();
        bencher
            .counter(divan::counter::BytesCount::of_str(text))
            .bench(|| paved::parse::makefile::parse(black_box(text)).map(|m| m.rules.len()).unwrap_or(0));
    }
}

// ---------------------------------------------------------------------------------------------
// Policy input (parse + facts + JSON document)

#[divan::bench_group]
mod input_build {
    use super::*;

    #[divan::bench]
    fn small_manifest() -> FileInput {
        built(Kind::Yaml, "pod.yaml", black_box(SMALL_MANIFEST))
    }

    #[divan::bench]
    fn deployment_300_lines() -> FileInput {
        built(Kind::Yaml, "deploy.yaml", black_box(&DEPLOYMENT_300))
    }

    #[divan::bench]
    fn dockerfile() -> FileInput {
        built(Kind::Dockerfile, "Dockerfile", black_box(&DOCKERFILE))
    }

    #[divan::bench]
    fn makefile() -> FileInput {
        built(Kind::Makefile, "Makefile", black_box(&MAKEFILE))
    }

    #[divan::bench]
    fn github_workflow() -> FileInput {
        built(Kind::GithubWorkflow, ".github/workflows/ci.yml", black_box(&WORKFLOW))
    }
}

// ---------------------------------------------------------------------------------------------
// Rego

#[divan::bench_group]
mod rego {
    use super::*;

    /// Compiling every built-in policy: paid once per process, before any file.
    #[divan::bench(sample_count = 20)]
    fn engine_load() -> Engine {
        Engine::load(&[]).expect("loads")
    }

    /// Paid once per rayon worker.
    #[divan::bench]
    fn engine_clone() -> Engine {
        black_box(&*ENGINE).clone()
    }

    /// A worker's steady state: one engine clone, already used, evaluating file after file.
    fn evaluate(bencher: Bencher, fi: &FileInput) {
        let mut engine = ENGINE.clone();
        engine.evaluate(fi).expect("evaluates");
        bencher.bench_local(|| engine.evaluate(black_box(fi)).expect("evaluates").len());
    }

    /// The first evaluation on a fresh clone of the loaded engine, which was never evaluated and
    /// so is not prepared: regorus analyses the policies again in every clone. `lint::run`
    /// clones in `map_init`, whose init runs once per rayon split, not once per thread (625
    /// preparations for 857 evaluations on the real corpus under callgrind).
    #[divan::bench]
    fn evaluate_small_manifest_fresh_clone(bencher: Bencher) {
        let fi = built(Kind::Yaml, "pod.yaml", SMALL_MANIFEST);
        bencher
            .with_inputs(|| ENGINE.clone())
            .bench_local_refs(|engine| engine.evaluate(black_box(&fi)).expect("evaluates").len());
    }

    /// The same, when the engine that is cloned has evaluated once before (so the clone starts
    /// prepared): what priming the engine in `Engine::load` would give every split.
    #[divan::bench]
    fn evaluate_small_manifest_fresh_clone_of_primed(bencher: Bencher) {
        let fi = built(Kind::Yaml, "pod.yaml", SMALL_MANIFEST);
        let mut primed = ENGINE.clone();
        primed.evaluate(&fi).expect("evaluates");
        bencher
            .with_inputs(|| primed.clone())
            .bench_local_refs(|engine| engine.evaluate(black_box(&fi)).expect("evaluates").len());
    }

    #[divan::bench]
    fn evaluate_small_manifest(bencher: Bencher) {
        evaluate(bencher, &built(Kind::Yaml, "pod.yaml", SMALL_MANIFEST));
    }

    #[divan::bench]
    fn evaluate_deployment_300_lines(bencher: Bencher) {
        evaluate(bencher, &built(Kind::Yaml, "deploy.yaml", &DEPLOYMENT_300));
    }

    #[divan::bench]
    fn evaluate_dockerfile(bencher: Bencher) {
        evaluate(bencher, &built(Kind::Dockerfile, "Dockerfile", &DOCKERFILE));
    }

    #[divan::bench]
    fn evaluate_makefile(bencher: Bencher) {
        evaluate(bencher, &built(Kind::Makefile, "Makefile", &MAKEFILE));
    }

    #[divan::bench]
    fn evaluate_github_workflow(bencher: Bencher) {
        evaluate(bencher, &built(Kind::GithubWorkflow, ".github/workflows/ci.yml", &WORKFLOW));
    }
}

/// Each rule package evaluated alone on one input, on a bare regorus engine holding the same
/// policies: which rules cost what. Every file's aggregate query evaluates every package, so a
/// Kubernetes manifest also pays for the Dockerfile, Makefile and cross-file rules.
#[divan::bench_group(sample_count = 30)]
mod rego_per_rule {
    use super::*;

    pub(super) fn packages() -> Vec<String> {
        ENGINE.rules().iter().map(|r| r.package.clone()).collect()
    }

    pub(super) fn bare_engine(fi: &FileInput) -> regorus::Engine {
        let mut rego = regorus::Engine::new();
        for f in paved::lint::policy::builtin_files().into_iter().filter(|f| !f.is_test()) {
            rego.add_policy(f.path.clone(), f.source.clone()).expect("policy parses");
        }
        rego.set_input(regorus::Value::from(fi.input.clone()));
        rego
    }

    fn eval_package(bencher: Bencher, fi: &FileInput, package: &str) {
        let query = format!("data.{package}.findings");
        let mut rego = bare_engine(fi);
        rego.eval_rule(query.clone()).expect("evaluates"); // prepared once, like a warm worker
        bencher.bench_local(|| rego.eval_rule(black_box(query.clone())).map(|_| ()).expect("evaluates"));
    }

    #[divan::bench(args = packages())]
    fn deployment_300_lines(bencher: Bencher, package: &str) {
        eval_package(bencher, &built(Kind::Yaml, "deploy.yaml", &DEPLOYMENT_300), package);
    }

    #[divan::bench(args = packages())]
    fn dockerfile(bencher: Bencher, package: &str) {
        eval_package(bencher, &built(Kind::Dockerfile, "Dockerfile", &DOCKERFILE), package);
    }
}

/// Where the time of one `Engine::evaluate` goes: converting the input, the aggregate query
/// that unions every package's `findings`, or each package's `findings` queried in turn (what a
/// per-kind dispatch would pay at most).
#[divan::bench_group(sample_count = 50)]
mod rego_query_shape {
    use super::*;

    /// The aggregate package paved's engine adds (a copy of `engine.rs`'s MAIN).
    const MAIN: &str = "package paved.main\n\nimport rego.v1\n\nfindings contains object.union(f, {\"__package\": name}) if {\n\tsome name\n\tsome f in data.paved.rules[name].findings\n}\n";

    const INPUTS: [&str; 3] = ["small_manifest", "deployment_300_lines", "dockerfile"];

    fn input(which: &str) -> FileInput {
        match which {
            "small_manifest" => built(Kind::Yaml, "pod.yaml", SMALL_MANIFEST),
            "deployment_300_lines" => built(Kind::Yaml, "deploy.yaml", &DEPLOYMENT_300),
            _ => built(Kind::Dockerfile, "Dockerfile", &DOCKERFILE),
        }
    }

    fn engine(fi: &FileInput) -> regorus::Engine {
        let mut rego = rego_per_rule::bare_engine(fi);
        rego.add_policy("paved/main.rego".into(), MAIN.into()).expect("main parses");
        rego.eval_rule("data.paved.main.findings".into()).expect("evaluates");
        rego
    }

    /// `input.clone()` + conversion to a regorus value + `set_input`, as `evaluate` does per file.
    #[divan::bench(args = INPUTS)]
    fn set_input(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = engine(&fi);
        bencher.bench_local(|| rego.set_input(regorus::Value::from(black_box(&fi.input).clone())));
    }

    /// The aggregate query alone (input already set).
    #[divan::bench(args = INPUTS)]
    fn aggregate_query(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = engine(&fi);
        bencher.bench_local(|| {
            rego.eval_rule(black_box("data.paved.main.findings".to_string())).map(|_| ()).expect("evaluates")
        });
    }

    /// The aggregate query restricted to the packages that can fire on the input's kind (what a
    /// per-kind dispatch would evaluate): Kubernetes + image rules for manifests, Dockerfile +
    /// image + command rules for Dockerfiles.
    #[divan::bench(args = INPUTS)]
    fn aggregate_query_relevant_packages_only(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = rego_per_rule::bare_engine(&fi);
        let dirs: &[&str] =
            if which == "dockerfile" { &["dockerfile", "images", "commands"] } else { &["kubernetes", "images"] };
        let names: Vec<String> = ENGINE
            .rules()
            .iter()
            .filter(|r| dirs.iter().any(|d| r.file.contains(&format!("/{d}/")) || r.file.starts_with(&format!("{d}/"))))
            .map(|r| format!("{:?}", r.package.trim_start_matches("paved.rules.")))
            .collect();
        assert!(!names.is_empty(), "no package matched {dirs:?}");
        let main = format!(
            "package paved.main\n\nimport rego.v1\n\nfindings contains object.union(f, {{\"__package\": name}}) if {{\n\tsome name in {{{}}}\n\tsome f in data.paved.rules[name].findings\n}}\n",
            names.join(", ")
        );
        rego.add_policy("paved/main.rego".into(), main).expect("main parses");
        rego.eval_rule("data.paved.main.findings".into()).expect("evaluates");
        bencher.bench_local(|| {
            rego.eval_rule(black_box("data.paved.main.findings".to_string())).map(|_| ()).expect("evaluates")
        });
    }

    /// The aggregate as one `findings` clause per package, naming it (no variable over
    /// `data.paved.rules`): what `engine.rs` generates.
    #[divan::bench(args = INPUTS)]
    fn aggregate_explicit_clauses(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = rego_per_rule::bare_engine(&fi);
        let mut main = String::from("package paved.main\n\nimport rego.v1\n");
        for p in rego_per_rule::packages() {
            let short = p.trim_start_matches("paved.rules.");
            main += &format!(
                "\nfindings contains object.union(f, {{\"__package\": \"{short}\"}}) if some f in data.{p}.findings\n"
            );
        }
        rego.add_policy("paved/main.rego".into(), main).expect("main parses");
        rego.eval_rule("data.paved.main.findings".into()).expect("evaluates");
        bencher.bench_local(|| {
            rego.eval_rule(black_box("data.paved.main.findings".to_string())).map(|_| ()).expect("evaluates")
        });
    }

    /// Every package's `findings` queried one after the other (input already set).
    #[divan::bench(args = INPUTS)]
    fn each_package_in_turn(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = engine(&fi);
        let queries: Vec<String> = rego_per_rule::packages().iter().map(|p| format!("data.{p}.findings")).collect();
        bencher.bench_local(|| {
            for q in &queries {
                rego.eval_rule(black_box(q.clone())).expect("evaluates");
            }
        });
    }

    /// Result conversion as `evaluate` does it (regorus value → serde_json).
    #[divan::bench(args = INPUTS)]
    fn result_to_json(bencher: Bencher, which: &str) {
        let fi = input(which);
        let mut rego = engine(&fi);
        let value = rego.eval_rule("data.paved.main.findings".into()).expect("evaluates");
        bencher.bench_local(|| serde_json::to_value(black_box(&value)).expect("json"));
    }
}

// ---------------------------------------------------------------------------------------------
// Helm

#[divan::bench_group]
mod helm {
    use super::*;

    #[divan::bench(sample_count = 30)]
    fn render_generated_chart(bencher: Bencher) {
        let chart = SERVICE.path().join("demo/deploy/helm/demo");
        assert!(chart.join("Chart.yaml").is_file(), "paved new wrote no chart at {}", chart.display());
        let options = paved::helm::RenderOptions::default();
        bencher.bench(|| paved::helm::render(black_box(&chart), &options).map(|r| r.all().count()).expect("renders"));
    }
}

// ---------------------------------------------------------------------------------------------
// The real corpus, on one thread: how a run's time splits between reading + parsing + input
// building (the parse-only floor) and policy evaluation.

static CORPUS: LazyLock<Option<PathBuf>> = LazyLock::new(|| {
    let dir = PathBuf::from(std::env::var_os("PAVED_CORPUS").unwrap_or_else(|| "/work/shared/corpus".into()));
    dir.is_dir().then_some(dir)
});

/// Every lintable file of the corpus with its text (charts are rendered units: not here).
static CORPUS_FILES: LazyLock<Vec<(Kind, String, String)>> = LazyLock::new(|| {
    let Some(dir) = CORPUS.as_ref() else { return Vec::new() };
    let found = discover::discover(std::slice::from_ref(dir), Path::new("/"));
    found
        .files
        .into_iter()
        .filter_map(|c| std::fs::read_to_string(&c.path).ok().map(|t| (c.kind, c.display, t)))
        .collect()
});

static CORPUS_INPUTS: LazyLock<Vec<FileInput>> = LazyLock::new(|| {
    CORPUS_FILES
        .iter()
        .filter_map(|(kind, path, text)| match input::build(*kind, path, text) {
            Ok(Built::Input(fi)) => Some(*fi),
            _ => None,
        })
        .collect()
});

#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod corpus {
    use super::*;

    /// Discovery, reading and input building of every file (no policy).
    #[divan::bench]
    fn read_and_build_inputs(bencher: Bencher) {
        let Some(dir) = CORPUS.as_ref() else { return };
        bencher.counter(divan::counter::ItemsCount::new(CORPUS_FILES.len())).bench(|| {
            let found = discover::discover(std::slice::from_ref(dir), Path::new("/"));
            let mut n = 0;
            for c in &found.files {
                let Ok(text) = std::fs::read_to_string(&c.path) else { continue };
                if let Ok(Built::Input(fi)) = input::build(c.kind, &c.display, &text) {
                    n += black_box(fi).objects.len() + 1;
                }
            }
            n
        });
    }

    /// Policy evaluation of every input built above, on one engine clone.
    #[divan::bench]
    fn evaluate_inputs(bencher: Bencher) {
        if CORPUS.is_none() {
            return;
        }
        let inputs = &*CORPUS_INPUTS;
        bencher.counter(divan::counter::ItemsCount::new(inputs.len())).with_inputs(|| ENGINE.clone()).bench_local_refs(
            |engine| inputs.iter().map(|fi| engine.evaluate(fi).map(|f| f.len()).unwrap_or(0)).sum::<usize>(),
        );
    }
}
