//! The walk of one kustomization, in kustomize's order (`api/internal/target/kusttarget.go`):
//! resources (files, then directories as sub-builds), `configurations:`, generators,
//! components (applied to what is accumulated so far), then the built-in transformers —
//! patchesStrategicMerge, patches, namespace, namePrefix/nameSuffix, labels, annotations,
//! patchesJson6902, replicas, images, replacements — and the `transformers:` field. At the root
//! only: hash suffixes on generated names, name references, output order. As in kustomize
//! v5.8.0, a sub-kustomization or component without `namespace:` takes its parent's.

use std::path::{Path, PathBuf};

use super::config::TransformerConfig;
use super::load::{Loader, Refused, Target};
use super::{Built, Files, Options, Problem, ProblemKind, Resource};
use super::{
    builtin, conflicts, generators, helm, images, labels, names, namespace, order, patches, replacements, replicas,
};
use crate::parse::Pos;
use crate::parse::yaml::{Node, Value};

/// A loaded kustomization (or component).
#[derive(Debug, Clone)]
pub struct Kust {
    /// Canonical directory.
    pub dir: PathBuf,
    /// The kustomization file (`Node::src` of its nodes).
    pub src: u32,
    /// Its content (a mapping; null when the file is empty).
    pub node: Node,
    pub is_component: bool,
}

impl Kust {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }

    /// The items of a list field (none when absent or not a list).
    pub fn list(&self, key: &str) -> &[Node] {
        self.get(key).and_then(Node::as_seq).unwrap_or_default()
    }

    /// Where the kustomization file starts, for problems about the whole file.
    pub fn file_pos(&self) -> Pos {
        Pos::new(1, 1)
    }
}

/// What a kustomization has accumulated: its objects and the transformer configuration.
#[derive(Debug, Clone)]
pub struct Acc {
    pub resources: Vec<Resource>,
    pub config: TransformerConfig,
}

impl Acc {
    pub fn new() -> Self {
        Self { resources: Vec::new(), config: TransformerConfig::defaults() }
    }
}

impl Default for Acc {
    fn default() -> Self {
        Self::new()
    }
}

/// The state of one build: what it read, what went wrong, and where it is.
pub struct Ctx<'a> {
    pub loader: Loader<'a>,
    pub files: Files,
    pub problems: Vec<Problem>,
    /// The kustomization directories being built, outermost first (to find cycles).
    stack: Vec<PathBuf>,
    /// The strategic merge patches applied by the kustomization being transformed: (object,
    /// patch, the entry that names the patch), for [`conflicts`].
    pub applied_patches: Vec<(String, Node, Node)>,
    /// The namespace a kustomization above the current one sets: `helmCharts:` without a
    /// namespace of their own render into it (kustomize's helmRootNamespace).
    helm_root_namespace: Option<String>,
}

/// Fields paved builds. Anything else in a kustomization is an `Unsupported` problem.
const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "resources",
    "bases",
    "components",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "images",
    "imageTags",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "labels",
    "commonLabels",
    "commonAnnotations",
    "replicas",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "configurations",
    "replacements",
    "transformers",
    "helmCharts",
    "helmGlobals",
    "sortOptions",
];

impl<'a> Ctx<'a> {
    pub fn new(opts: &'a Options<'a>) -> Self {
        Self {
            loader: Loader { opts },
            files: Files::default(),
            problems: Vec::new(),
            stack: Vec::new(),
            applied_patches: Vec::new(),
            helm_root_namespace: None,
        }
    }

    pub fn problem(&mut self, kind: ProblemKind, node: &Node, message: impl Into<String>) {
        self.problems.push(Problem::at(kind, node, message));
    }

    /// Whether `entry` is a mapping; if not, a problem saying `what` it should be (`an images
    /// entry`, `a replicas entry`).
    pub fn expect_map(&mut self, entry: &Node, what: &str) -> bool {
        if matches!(entry.value, Value::Map(_)) {
            return true;
        }
        self.problem(ProblemKind::BuildError, entry, format!("{what} is a mapping, not a {}", entry.type_name()));
        false
    }

    /// Resolves a path entry of `k` (a scalar node), recording why when it cannot be used.
    /// `what` names the field for messages (`resource`, `patch`, `component`).
    pub fn resolve(&mut self, k: &Kust, entry: &Node, what: &str) -> Option<Target> {
        let Some(path) = entry.as_str() else {
            self.problem(
                ProblemKind::BuildError,
                entry,
                format!("{what} entry is not a path (a {})", entry.type_name()),
            );
            return None;
        };
        match self.loader.resolve(&k.dir, path) {
            Ok(t) => Some(t),
            Err(Refused::Remote) => {
                self.problem(
                    ProblemKind::Remote,
                    entry,
                    format!(
                        "remote {what} {path:?} was not built: paved never fetches, so what it deploys is not linted \
                         (vendor it into the repository to lint it)"
                    ),
                );
                None
            }
            Err(Refused::Unreadable(why)) => {
                self.problem(ProblemKind::BuildError, entry, format!("{what} {why}"));
                None
            }
        }
    }

    /// Reads the file a path entry of `k` names: its id.
    pub fn read_entry(&mut self, k: &Kust, entry: &Node, what: &str) -> Option<u32> {
        match self.resolve(k, entry, what)? {
            Target::File(p) => self.read(entry, &p),
            Target::Dir(_) => {
                self.problem(
                    ProblemKind::BuildError,
                    entry,
                    format!("{what} {:?} is a directory, not a file", entry.as_str().unwrap_or("")),
                );
                None
            }
        }
    }

    /// Reads `path` (checked), recording a problem at `entry` when it cannot be read.
    pub fn read(&mut self, entry: &Node, path: &Path) -> Option<u32> {
        match self.loader.read(&mut self.files, path) {
            Ok(id) => Some(id),
            Err(e) => {
                self.problem(ProblemKind::BuildError, entry, e);
                None
            }
        }
    }

    /// The YAML documents of file `src`, or a problem at `entry` (the line that names the file;
    /// the message gives the position inside it).
    pub fn documents(&mut self, entry: &Node, src: u32) -> Option<Vec<Node>> {
        match self.loader.documents(&self.files, src) {
            Ok(d) => Some(d),
            Err(e) => {
                let display = self.files.display(src).to_string();
                self.problem(
                    ProblemKind::BuildError,
                    entry,
                    format!("{display}:{}:{}: not valid YAML: {}", e.pos.line, e.pos.col, e.message),
                );
                None
            }
        }
    }

    /// Loads the kustomization of `dir` (canonical), named at `entry` (none for the root).
    pub fn load_kustomization(&mut self, dir: &Path, entry: Option<&Node>, is_component: bool) -> Option<Kust> {
        let found: Vec<PathBuf> =
            super::KUSTOMIZATION_FILES.iter().map(|n| dir.join(n)).filter(|p| p.is_file()).collect();
        let at = |c: &mut Ctx, msg: String| match entry {
            Some(e) => c.problem(ProblemKind::BuildError, e, msg),
            None => c.problems.push(Problem::new(ProblemKind::BuildError, u32::MAX, Pos::new(1, 1), msg)),
        };
        let display = (self.loader.opts.display)(dir);
        let file = match &found[..] {
            [] => {
                at(self, format!("{display} has no kustomization.yaml, kustomization.yml or Kustomization"));
                return None;
            }
            [f] => f.clone(),
            [f, ..] => {
                at(self, format!("{display} has more than one kustomization file: kustomize refuses to build it"));
                f.clone()
            }
        };
        let path = std::fs::canonicalize(&file).unwrap_or(file);
        let src = match self.loader.read(&mut self.files, &path) {
            Ok(id) => id,
            Err(e) => {
                at(self, e);
                return None;
            }
        };
        let node = match self.loader.documents(&self.files, src) {
            Ok(mut docs) if docs.len() <= 1 => docs
                .pop()
                .unwrap_or_else(|| super::tree::map(Vec::new(), super::tree::Origin::new(src, Pos::new(1, 1)))),
            Ok(docs) => {
                self.problems.push(Problem::at(
                    ProblemKind::BuildError,
                    &docs[1],
                    "a kustomization file holds one YAML document; the rest is ignored",
                ));
                docs.into_iter()
                    .next()
                    .unwrap_or_else(|| super::tree::map(Vec::new(), super::tree::Origin::new(src, Pos::new(1, 1))))
            }
            Err(e) => {
                self.problems.push(Problem::new(
                    ProblemKind::BuildError,
                    src,
                    e.pos,
                    format!("not valid YAML: {}", e.message),
                ));
                return None;
            }
        };
        if !matches!(node.value, Value::Map(_)) {
            self.problems.push(Problem::at(
                ProblemKind::BuildError,
                &node,
                format!("a kustomization is a mapping, not a {}", node.type_name()),
            ));
            return None;
        }
        let kind = node.get("kind").and_then(Node::as_str).unwrap_or("Kustomization");
        let k = Kust { dir: dir.to_path_buf(), src, node: node.clone(), is_component: kind == "Component" };
        if is_component != k.is_component {
            let msg = if is_component {
                format!("{display} is listed as a component but its kind is {kind:?}, not \"Component\"")
            } else {
                format!("{display} is a Component: list it under `components:`, not as a resource")
            };
            at(self, msg);
            return None;
        }
        Some(k)
    }

    /// Records fields paved does not build.
    fn check_fields(&mut self, k: &Kust) {
        for (key, _) in k.node.as_map().unwrap_or_default() {
            let name = key.as_str().unwrap_or("");
            if !KNOWN_FIELDS.contains(&name) {
                let msg = format!(
                    "kustomization field `{name}` is not supported by paved: the build ignores it, so what it changes is not linted"
                );
                self.problem(ProblemKind::Unsupported, key, msg);
            }
        }
    }

    /// Builds kustomization `k` into `acc` (empty for a kustomization; the parent's
    /// accumulation for a component).
    pub fn accumulate_target(&mut self, k: &Kust, acc: &mut Acc) {
        if self.stack.contains(&k.dir) {
            return;
        }
        self.stack.push(k.dir.clone());
        self.check_fields(k);
        let entries: Vec<Node> = k.list("resources").iter().chain(k.list("bases")).cloned().collect();
        for entry in &entries {
            self.accumulate_resource(k, entry, acc);
        }
        for entry in k.list("configurations").to_vec() {
            if let Some(src) = self.read_entry(k, &entry, "configuration")
                && let Some(docs) = self.documents(&entry, src)
            {
                for d in docs {
                    acc.config.merge(TransformerConfig::from_node(&d));
                }
            }
        }
        generators::run(self, k, acc);
        let parent_namespace = self.helm_root_namespace.clone();
        helm::inflate(self, k, acc, parent_namespace.as_deref());
        for entry in k.list("components").to_vec() {
            match self.resolve(k, &entry, "component") {
                Some(Target::Dir(dir)) => {
                    if self.cycle(&entry, &dir) {
                        continue;
                    }
                    if let Some(mut c) = self.load_kustomization(&dir, Some(&entry), true) {
                        inherit_namespace(k, &mut c);
                        self.accumulate_target(&c, acc);
                    }
                }
                Some(Target::File(_)) => {
                    self.problem(
                        ProblemKind::BuildError,
                        &entry,
                        "a component is a directory with a kustomization.yaml, not a file",
                    );
                }
                None => {}
            }
        }
        self.applied_patches.clear();
        patches::strategic_merge_field(self, k, acc);
        patches::patches_field(self, k, acc);
        conflicts::check(self);
        namespace::apply(self, k, acc);
        names::prefix_suffix(self, k, acc);
        labels::apply(self, k, acc);
        labels::annotations(self, k, acc);
        patches::json6902_field(self, k, acc);
        replicas::apply(self, k, acc);
        images::apply(self, k, acc);
        replacements::apply(self, k, acc);
        builtin::transformers_field(self, k, acc);
        self.stack.pop();
    }

    /// A cycle: `dir` is being built already. Records it at `entry`.
    fn cycle(&mut self, entry: &Node, dir: &Path) -> bool {
        let Some(i) = self.stack.iter().position(|d| d == dir) else { return false };
        let chain: Vec<String> = self.stack[i..]
            .iter()
            .chain(std::iter::once(&dir.to_path_buf()))
            .map(|d| (self.loader.opts.display)(d))
            .collect();
        self.problem(ProblemKind::BuildError, entry, format!("kustomization cycle: {}", chain.join(" → ")));
        true
    }

    fn accumulate_resource(&mut self, k: &Kust, entry: &Node, acc: &mut Acc) {
        match self.resolve(k, entry, "resource") {
            Some(Target::File(path)) => {
                let Some(src) = self.read(entry, &path) else { return };
                let Some(docs) = self.documents(entry, src) else { return };
                for d in docs {
                    self.add_object(entry, d, acc);
                }
            }
            Some(Target::Dir(dir)) => {
                if self.cycle(entry, &dir) {
                    return;
                }
                let Some(mut sub) = self.load_kustomization(&dir, Some(entry), false) else { return };
                inherit_namespace(k, &mut sub);
                let mut sub_acc = Acc::new();
                let outer = self.helm_root_namespace.clone();
                if let Some(ns) = k.get("namespace").and_then(Node::as_str).filter(|n| !n.is_empty()) {
                    self.helm_root_namespace = Some(ns.to_string());
                }
                self.accumulate_target(&sub, &mut sub_acc);
                self.helm_root_namespace = outer;
                for r in sub_acc.resources {
                    self.append(entry, r, acc);
                }
                acc.config.merge(sub_acc.config);
            }
            None => {}
        }
    }

    /// Adds one document of a resource file: an object, or each item of a `List`.
    fn add_object(&mut self, entry: &Node, doc: Node, acc: &mut Acc) {
        if !matches!(doc.value, Value::Map(_)) {
            self.problem(ProblemKind::BuildError, &doc, format!("a resource is a mapping, not a {}", doc.type_name()));
            return;
        }
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
        if kind.ends_with("List") && doc.get("items").is_some() {
            for item in doc.get("items").and_then(Node::as_seq).unwrap_or_default().to_vec() {
                self.add_object(entry, item, acc);
            }
            return;
        }
        if doc.get("kind").is_none() || doc.get("apiVersion").is_none() {
            let missing = if doc.get("kind").is_none() { "kind" } else { "apiVersion" };
            self.problem(ProblemKind::BuildError, &doc, format!("resource has no {missing}: kustomize refuses it"));
            return;
        }
        self.append(entry, Resource::new(doc), acc);
    }

    /// Appends `r`, refusing a second object with the same id as kustomize does.
    pub fn append(&mut self, entry: &Node, r: Resource, acc: &mut Acc) {
        if let Some(other) = acc.resources.iter().find(|o| same_id(o, &r)) {
            let msg = format!(
                "{} is defined twice (also in {}): kustomize refuses to build (\"may not add resource with an already registered id\")",
                r.id(),
                self.files.display(other.node.src)
            );
            self.problem(ProblemKind::BuildError, entry, msg);
            return;
        }
        acc.resources.push(r);
    }
}

/// kustomize v5.8.0 gives a kustomization (or component) without a `namespace:` its parent's,
/// so its own transformers already see it (`accumulateDirectory`; v5.8.1 reverted this). The
/// value keeps the parent's origin.
fn inherit_namespace(parent: &Kust, child: &mut Kust) {
    let set = |n: &Node| super::tree::scalar(n).is_some_and(|s| !s.is_empty());
    let Some(ns) = parent.get("namespace").filter(|n| set(n)) else { return };
    if child.get("namespace").is_some_and(set) {
        return;
    }
    super::tree::set(&mut child.node, "namespace", ns.clone());
}

/// Same group, version, kind, namespace and name (kustomize's resource id; `default` and no
/// namespace are the same).
pub fn same_id(a: &Resource, b: &Resource) -> bool {
    let ns = |r: &Resource| r.namespace().filter(|n| *n != "default").map(str::to_string);
    a.kind() == b.kind() && a.api_version() == b.api_version() && a.name() == b.name() && ns(a) == ns(b)
}

/// Builds the kustomization in `dir` as `kustomize build dir` would.
pub fn build(dir: &Path, opts: &Options) -> Built {
    let mut ctx = Ctx::new(opts);
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let Some(k) = ctx.load_kustomization(&dir, None, false) else {
        return Built { files: ctx.files, root: u32::MAX, resources: Vec::new(), problems: ctx.problems };
    };
    let mut acc = Acc::new();
    ctx.accumulate_target(&k, &mut acc);
    generators::add_hashes(&mut ctx, &mut acc);
    names::fix_references(&mut ctx, &mut acc);
    order::sort(&mut ctx, &k, &mut acc.resources);
    Built { files: ctx.files, root: k.src, resources: acc.resources, problems: ctx.problems }
}
