//! The Rego engine: policies are compiled once, then every file's input is evaluated against
//! all rules in one query (an aggregating package unions every rule's `findings`), on one clone
//! of the loaded engine per worker thread ([`Pool`]).
//!
//! Evaluation runs on regorus's virtual machine (RVM): the policies are compiled to its bytecode
//! once, at load, and each file is one run of that program. The tree-walking interpreter gives
//! the same results (a test compares both on every fixture) about four times slower
//! (bench/README.md); it remains the fallback for custom policies the RVM compiler does not
//! support (e.g. `with`), and runs `paved policy test`.
//!
//! A finding a policy returns is an object with `msg` and, to say where, a JSON `pointer` into
//! the input (preferred: the engine resolves it to the line and column of that node, or of its
//! nearest existing ancestor when the key is missing) or explicit `line`/`col`.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program, RegoVM};
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{CompiledPolicy, Engine as Rego, Value};

use super::finding::Severity;
use super::input::FileInput;
use super::policy::{self, PolicyFile, RULES_PACKAGE, RuleMeta};
use crate::parse::Pos;

/// The query every file is evaluated with.
const ENTRY: &str = "data.paved.main.findings";

/// The aggregating package: one clause per rule package, each tagging its findings with the
/// package's short name. Explicit clauses rather than a variable over `data.paved.rules`,
/// which the RVM compiler cannot hoist.
fn main_package(rules: &[RuleMeta]) -> String {
    let mut out = String::from("package paved.main\n\nimport rego.v1\n");
    for r in rules {
        let short = r.package.trim_start_matches(RULES_PACKAGE);
        out += &format!(
            "\nfindings contains object.union(f, {{\"__package\": {short:?}}}) if {{\n\tsome f in data.{}.findings\n}}\n",
            r.package
        );
    }
    out
}

/// How long one file's evaluation may take before it is abandoned (a policy cannot hang lint).
pub const EVAL_TIMEOUT: Duration = Duration::from_secs(10);

fn timer() -> ExecutionTimerConfig {
    ExecutionTimerConfig { limit: EVAL_TIMEOUT, check_interval: NonZeroU32::new(1000).expect("non-zero") }
}

/// A finding as a policy produced it, located but not yet filtered or formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    pub rule: usize,
    pub pos: Pos,
    pub message: String,
    /// Set by cross-file rules, whose findings may point into any file.
    pub path: Option<String>,
    /// The finding's own severity (`"severity"` in the finding), replacing the rule's default.
    pub severity: Option<Severity>,
}

/// The policies compiled for the RVM.
#[derive(Clone)]
struct Compiled {
    policy: CompiledPolicy,
    program: Arc<Program>,
}

pub struct Engine {
    rego: Rego,
    /// `None` when some policy does not compile for the RVM: the interpreter evaluates.
    compiled: Option<Compiled>,
    /// This engine's VM, made on first use (a VM cannot be cloned; each clone makes its own).
    vm: Option<Box<RegoVM>>,
    rules: Vec<RuleMeta>,
    /// Rule index by the last component of its package (`image_latest_tag`).
    by_package: HashMap<String, usize>,
    /// The run's settings, given to every input as `input.settings` (see [`Engine::set_settings`]).
    settings: Option<Value>,
}

impl Clone for Engine {
    fn clone(&self) -> Self {
        Self {
            rego: self.rego.clone(),
            compiled: self.compiled.clone(),
            vm: None,
            rules: self.rules.clone(),
            by_package: self.by_package.clone(),
            settings: self.settings.clone(),
        }
    }
}

impl Engine {
    /// The built-in policies plus the custom policy files given.
    pub fn load(custom: &[PolicyFile]) -> Result<Self> {
        let mut rego = Rego::new();
        rego.set_execution_timer_config(timer());
        let mut rules = Vec::new();
        let builtin = policy::builtin_files();
        let files = builtin.iter().map(|f| (f, true)).chain(custom.iter().map(|f| (f, false)));
        for (file, is_builtin) in files {
            if file.is_test() {
                continue;
            }
            rego.add_policy(file.path.clone(), file.source.clone())
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("loading policy {}", file.path))?;
            if let Some(meta) = policy::rule_meta(file, is_builtin)? {
                rules.push(meta);
            }
        }
        let mut by_package = HashMap::new();
        let mut ids = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let short = r.package.trim_start_matches(RULES_PACKAGE).to_string();
            if let Some(prev) = by_package.insert(short, i) {
                bail!("{} and {} declare the same rule package {}", rules[prev].file, r.file, r.package);
            }
            if let Some(prev) = ids.insert(r.id.clone(), i) {
                bail!("{} and {} declare the same rule id {}", rules[prev].file, r.file, r.id);
            }
        }
        rego.add_policy("paved/main.rego".into(), main_package(&rules)).map_err(|e| anyhow!("{e}"))?;
        let compiled = compile(&mut rego).ok();
        Ok(Self { rego, compiled, vm: None, rules, by_package, settings: None })
    }

    /// Settings of the run that policies read as `input.settings` (`kubernetes_version`), the
    /// same for every file.
    pub fn set_settings(&mut self, settings: serde_json::Value) {
        self.settings = Some(to_rego(&settings));
    }

    /// A file's input as policies see it: its facts plus the run's settings.
    fn input_value(&self, input: &serde_json::Value) -> Value {
        self.with_settings(to_rego(input))
    }

    fn with_settings(&self, mut value: Value) -> Value {
        if let (Some(settings), Ok(map)) = (&self.settings, value.as_object_mut()) {
            map.insert(Value::from("settings"), settings.clone());
        }
        value
    }

    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    /// Whether files are evaluated on the RVM (false: the interpreter, after the RVM compiler
    /// refused a policy).
    pub fn uses_vm(&self) -> bool {
        self.compiled.is_some()
    }

    /// The policies' result for one input, on the VM when the policies compiled for it.
    fn eval(&mut self, input: Value) -> Result<Value> {
        let Some(compiled) = &self.compiled else { return self.interpret(input) };
        let vm = match &mut self.vm {
            Some(vm) => vm,
            None => {
                let mut vm = Box::new(RegoVM::new_with_policy(compiled.policy.clone()));
                vm.load_program(compiled.program.clone());
                vm.set_data(Value::new_object()).map_err(|e| anyhow!("{e}"))?;
                // The timer bounds a run; the instruction budget (25,000 by default, less than
                // one large Makefile needs) would only cut off legitimate work.
                vm.set_max_instructions(usize::MAX);
                vm.set_strict_builtin_errors(true); // as the interpreter: a failing builtin is an error
                vm.set_execution_timer_config(Some(timer()));
                self.vm.insert(vm)
            }
        };
        vm.set_input(input);
        vm.execute_entry_point_by_name(ENTRY).map_err(|e| anyhow!("{e}"))
    }

    /// The same on the tree-walking interpreter.
    fn interpret(&mut self, input: Value) -> Result<Value> {
        self.rego.set_input(input);
        self.rego.eval_rule(ENTRY.into()).map_err(|e| anyhow!("{e}"))
    }

    /// Evaluates every rule against one file's input.
    /// On a policy error (including the evaluation timer) the engine stays usable.
    pub fn evaluate(&mut self, input: &FileInput) -> Result<Vec<RawFinding>> {
        let value = self.eval(self.input_value(&input.input))?;
        self.findings(input, &value)
    }

    /// [`Engine::evaluate`] for a large input (the repository's): its JSON is converted as it is
    /// freed, and the file input keeps no copy while the policies run.
    pub fn evaluate_owned(&mut self, mut input: FileInput) -> Result<Vec<RawFinding>> {
        let json = std::mem::take(&mut input.input);
        let v = Interner::default().owned(json);
        let value = self.eval(self.with_settings(v))?;
        self.findings(&input, &value)
    }

    /// [`Engine::evaluate`] on the interpreter, whatever the engine would use.
    pub fn evaluate_interpreted(&mut self, input: &FileInput) -> Result<Vec<RawFinding>> {
        let value = self.interpret(self.input_value(&input.input))?;
        self.findings(input, &value)
    }

    fn findings(&self, input: &FileInput, value: &Value) -> Result<Vec<RawFinding>> {
        let json = serde_json::to_value(value).context("policy result is not JSON")?;
        let mut out = Vec::new();
        for f in json.as_array().into_iter().flatten() {
            let package = f.get("__package").and_then(|p| p.as_str()).unwrap_or_default();
            let Some(&rule) = self.by_package.get(package) else {
                bail!("package paved.rules.{package} returns findings but has no rule metadata");
            };
            let message = f
                .get("msg")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .ok_or_else(|| anyhow!("{}: a finding has no string `msg`: {f}", self.rules[rule].file))?;
            let pos = match (f.get("pointer").and_then(|p| p.as_str()), f.get("line").and_then(|l| l.as_u64())) {
                (Some(ptr), _) => input.locate(ptr),
                (None, Some(line)) => Pos::new(line as u32, f.get("col").and_then(|c| c.as_u64()).unwrap_or(1) as u32),
                (None, None) => Pos::new(1, 1),
            };
            let path = f.get("path").and_then(|p| p.as_str()).map(str::to_string);
            let severity = match f.get("severity") {
                None | Some(serde_json::Value::Null) => None,
                Some(s) => Some(s.as_str().and_then(Severity::parse).ok_or_else(|| {
                    anyhow!(
                        "{}: a finding's severity must be \"error\", \"warning\" or \"info\": {s}",
                        self.rules[rule].file
                    )
                })?),
            };
            out.push(RawFinding { rule, pos, message, path, severity });
        }
        Ok(out)
    }
}

/// Compiles the loaded policies for the RVM, or says why it cannot.
fn compile(rego: &mut Rego) -> Result<Compiled> {
    let policy = rego.compile_with_entrypoint(&ENTRY.into()).map_err(|e| anyhow!("{e}"))?;
    let program = Compiler::compile_from_policy(&policy, &[ENTRY]).map_err(|e| anyhow!("{e}"))?;
    Ok(Compiled { policy, program })
}

/// A JSON input as a Rego value, converted directly (half the cost of regorus's serde path,
/// which also needs an owned copy).
fn to_rego(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::from(a.iter().map(to_rego).collect::<Vec<_>>()),
        serde_json::Value::Object(o) => {
            Value::from(o.iter().map(|(k, v)| (Value::from(k.as_str()), to_rego(v))).collect::<BTreeMap<_, _>>())
        }
        scalar => Interner::scalar(scalar),
    }
}

/// JSON to Rego values, sharing one `Rc<str>` between equal short strings. Object keys
/// (`line`, `col`, `kind`, ...) and values such as paths and kinds repeat thousands of times in
/// a repository's input; one allocation each keeps the run's largest value a fraction of its
/// size (bench/README.md, "Memory").
#[derive(Default)]
struct Interner {
    strings: std::collections::HashMap<Box<str>, Value>,
}

impl Interner {
    /// Strings longer than this are rarely repeated (messages, scripts): not worth a lookup.
    const MAX: usize = 64;

    fn string(&mut self, s: &str) -> Value {
        if s.len() > Self::MAX {
            return Value::from(s);
        }
        if let Some(v) = self.strings.get(s) {
            return v.clone();
        }
        let v = Value::from(s);
        self.strings.insert(s.into(), v.clone());
        v
    }

    fn scalar(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::from(i),
                (None, Some(u)) => Value::from(u),
                _ => Value::from(n.as_f64().unwrap_or(0.0)),
            },
            _ => Value::Null,
        }
    }

    /// Consumes the JSON as it goes, so the two trees are never whole at once. (A file's
    /// input, small and short-lived, is converted by [`to_rego`] without the lookups.)
    fn owned(&mut self, v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::String(s) => self.string(&s),
            serde_json::Value::Array(a) => Value::from(a.into_iter().map(|v| self.owned(v)).collect::<Vec<_>>()),
            serde_json::Value::Object(o) => {
                Value::from(o.into_iter().map(|(k, v)| (self.string(&k), self.owned(v))).collect::<BTreeMap<_, _>>())
            }
            scalar => Self::scalar(&scalar),
        }
    }
}

/// One engine per rayon worker thread. `map_init` would clone per rayon split (hundreds per
/// run), and every fresh clone prepares the policies again on its first evaluation.
pub struct Pool {
    engines: Vec<Mutex<Engine>>,
}

impl Pool {
    pub fn new(engine: Engine) -> Self {
        let n = rayon::current_num_threads().max(1);
        Self { engines: (0..n).map(|_| Mutex::new(engine.clone())).collect() }
    }

    /// Runs `f` on the calling worker's engine. `f` must not itself call `with` (the engine is
    /// locked while it runs), nor start rayon work that could.
    pub fn with<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> R {
        let i = rayon::current_thread_index().unwrap_or(0) % self.engines.len();
        let mut engine = self.engines[i].lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut engine)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::lint::{discover, input, repo};

    /// Both conversions give the same value, and equal short strings share one allocation.
    #[test]
    fn json_converts_to_rego_shared_and_consumed() {
        let json = serde_json::json!({
            "a": [{"line": 1, "col": 2, "path": "x.yaml"}, {"line": 3, "col": 4, "path": "x.yaml"}],
            "n": [-1, 18446744073709551615u64, 1.5, true, null],
            "long": "y".repeat(100),
        });
        let borrowed = to_rego(&json);
        let owned = Interner::default().owned(json.clone());
        assert_eq!(borrowed, owned);
        assert_eq!(serde_json::to_value(&owned).unwrap(), json);
        let path = |i: usize| match &owned["a"][i]["path"] {
            Value::String(s) => s.clone(),
            other => panic!("not a string: {other:?}"),
        };
        assert_eq!(path(0).as_ptr(), path(1).as_ptr(), "equal strings share one allocation");
    }

    /// The RVM and the interpreter agree on every fixture input (each rule's fire and pass
    /// cases, the example repositories) and on each fixture root's linked repository input.
    #[test]
    fn vm_and_interpreter_agree_on_every_fixture() {
        let mut engine = Engine::load(&[]).expect("built-in policies load");
        assert!(engine.uses_vm(), "the built-in policies compile for the RVM");
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut roots: Vec<PathBuf> = Vec::new();
        for group in ["rules", "repos"] {
            for e in std::fs::read_dir(fixtures.join(group)).expect("fixtures") {
                let dir = e.expect("entry").path();
                for case in ["fire", "pass"] {
                    if dir.join(case).is_dir() {
                        roots.push(dir.join(case));
                    }
                }
                if group == "repos" {
                    roots.push(dir);
                }
            }
        }
        let (mut inputs, mut with_findings) = (0, 0);
        for root in roots {
            let found = discover::discover(std::slice::from_ref(&root), &root);
            let mut facts = Vec::new();
            for c in &found.files {
                let Ok(text) = std::fs::read_to_string(&c.path) else { continue };
                let Ok(input::Built::Input(fi)) = input::build(c.kind, &c.display, &text) else { continue };
                facts.extend(repo::extract(c.kind, &c.display, &fi));
                let vm = engine.evaluate(&fi).expect("vm evaluates");
                let interpreted = engine.evaluate_interpreted(&fi).expect("interpreter evaluates");
                let key = |f: &RawFinding| (f.rule, f.pos, f.message.clone(), f.path.clone());
                let (mut a, mut b): (Vec<_>, Vec<_>) =
                    (vm.iter().map(key).collect(), interpreted.iter().map(key).collect());
                a.sort();
                b.sort();
                assert_eq!(a, b, "{}", c.path.display());
                inputs += 1;
                with_findings += usize::from(!vm.is_empty());
            }
            let walked = repo::dockerignore::Walked { roots: vec![".".into()], ..Default::default() };
            let linked = FileInput {
                input: repo::link(&mut facts, &walked),
                objects: Vec::new(),
                suppressions: Vec::new(),
                written: None,
            };
            assert_eq!(
                engine.evaluate(&linked).expect("vm evaluates"),
                engine.evaluate_interpreted(&linked).expect("interpreter evaluates"),
                "repository input of {}",
                root.display()
            );
        }
        assert!(inputs > 50 && with_findings > 20, "{inputs} inputs, {with_findings} with findings");
    }

    /// A finding may carry its own severity; one that is not a severity is a policy error.
    #[test]
    fn findings_carry_their_own_severity() {
        let rule = |sev: &str| PolicyFile {
            path: "custom/sev.rego".into(),
            source: format!(
                "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: sev\n#   severity: error\n#   rationale: r\n#   fix: f\npackage paved.rules.sev\n\nimport rego.v1\n\nfindings contains {{\"msg\": \"x\", \"severity\": {sev}}} if input.kind == \"dockerfile\"\n"
            ),
        };
        let fi = FileInput {
            input: serde_json::json!({"kind": "dockerfile"}),
            objects: Vec::new(),
            suppressions: Vec::new(),
            written: None,
        };
        let mut engine = Engine::load(&[rule("\"warning\"")]).expect("loads");
        let found = engine.evaluate(&fi).expect("evaluates");
        assert_eq!(found.iter().map(|f| f.severity).collect::<Vec<_>>(), [Some(Severity::Warning)]);
        let mut engine = Engine::load(&[rule("\"fatal\"")]).expect("loads");
        let e = engine.evaluate(&fi).unwrap_err().to_string();
        assert!(e.contains("severity must be"), "{e}");
    }

    /// A custom policy the RVM compiler refuses (`with`) still evaluates, on the interpreter.
    #[test]
    fn policies_the_vm_cannot_compile_fall_back_to_the_interpreter() {
        let source = "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: with-rule\n#   severity: warning\n#   rationale: r\n#   fix: f\npackage paved.rules.with_rule\n\nimport rego.v1\n\nfindings contains {\"msg\": \"x\"} if {\n\tnot flagged with input as {\"flag\": false}\n\tinput.kind == \"dockerfile\"\n}\n\nflagged if input.flag == true\n";
        let custom = PolicyFile { path: "custom/with_rule.rego".into(), source: source.into() };
        let mut engine = Engine::load(std::slice::from_ref(&custom)).expect("loads");
        assert!(!engine.uses_vm());
        let fi = FileInput {
            input: serde_json::json!({"kind": "dockerfile"}),
            objects: Vec::new(),
            suppressions: Vec::new(),
            written: None,
        };
        let found = engine.evaluate(&fi).expect("evaluates");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "x");
    }
}
