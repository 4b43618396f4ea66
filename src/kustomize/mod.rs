//! Kustomize, in-process: `kustomize build` of a directory, with a source map.
//!
//! A kustomization is built as `kustomize build` (v5) would — the same objects, the same
//! fields, the same order — without the `kustomize` binary, without the network, and without
//! reading outside the lint roots. Every value of a built object is a [`yaml::Node`] whose
//! `src` names the file it came from and whose `pos` is where in that file: a base resource's
//! line, the patch line that set it, the kustomization entry (`images:`, `namePrefix:`,
//! `configMapGenerator:`) that produced it. `paved lint` lints the built objects and reports
//! each finding there.
//!
//! Why our own: kustomize is Go (kyaml, its strategic merge and transformer plugins); no Rust
//! crate builds kustomizations, and none could keep positions through patches.
//!
//! Layout: [`load`] reads files inside the roots; [`build`] walks a kustomization (resources,
//! components, generators, then the transformers in kustomize's order); one module per field
//! family ([`patches`] with [`merge`], [`json6902`] and [`select`]; [`names`], [`namespace`],
//! [`labels`], [`images`], [`replicas`], [`generators`], [`helm`] (`helmCharts:`), [`replacements`], [`builtin`] for the
//! `transformers:` field); [`config`] and [`fieldspec`] hold kustomize's field specs (the
//! built-in ones and a kustomization's `configurations:`); [`order`] sorts the output; [`emit`]
//! writes it as YAML with a map from each output line back to its origin.

pub mod build;
pub mod builtin;
pub mod config;
pub mod conflicts;
pub mod emit;
pub mod fieldspec;
pub mod generators;
pub mod helm;
pub mod images;
pub mod json6902;
pub mod labels;
pub mod load;
pub mod merge;
pub mod names;
pub mod namespace;
pub mod order;
pub mod patches;
pub mod replacements;
pub mod replicas;
pub mod select;
pub mod tree;

use std::path::{Path, PathBuf};

use crate::parse::Pos;
use crate::parse::yaml::Node;

pub use build::build;

/// The names `kustomize` accepts for a kustomization file, in the order it tries them.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of `dir`, if it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Whether `dir`'s kustomization file is one for `kustomize` (its apiVersion, when it has one, is
/// `kustomize.config.k8s.io/...`), and not, say, a Flux `Kustomization` object
/// (`kustomize.toolkit.fluxcd.io/v1`) saved under that name: that is a manifest.
pub fn is_kustomize_config(dir: &Path) -> bool {
    let Some(file) = kustomization_file(dir) else { return false };
    let text = crate::vfs::read_to_string(&file).unwrap_or_default();
    let Ok(docs) = crate::parse::yaml::parse_stream(&text, &crate::parse::yaml::Limits::default()) else { return true };
    match docs.first().and_then(|d| d.root.get("apiVersion")).and_then(Node::as_str) {
        Some(v) => v.starts_with("kustomize.config.k8s.io/"),
        None => true,
    }
}

/// A file a build read: what `Node::src` indexes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As reports name it (relative to the working directory).
    pub display: String,
    /// Canonical path on disk.
    pub path: PathBuf,
    pub text: String,
}

/// The files of one build, indexed by `Node::src`.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub files: Vec<SourceFile>,
}

impl Files {
    pub fn get(&self, src: u32) -> Option<&SourceFile> {
        self.files.get(src as usize)
    }

    /// The id of `path`, adding it (with its text) when it is new.
    pub fn add(&mut self, path: &Path, display: String, text: String) -> u32 {
        if let Some(i) = self.files.iter().position(|f| f.path == path) {
            return i as u32;
        }
        self.files.push(SourceFile { display, path: path.to_path_buf(), text });
        (self.files.len() - 1) as u32
    }

    pub fn display(&self, src: u32) -> &str {
        self.get(src).map_or("?", |f| f.display.as_str())
    }
}

/// One object of a build.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object: a mapping with `apiVersion`, `kind`, `metadata`.
    pub node: Node,
    /// The (namespace, name) pairs the object had before transformers renamed it, oldest first
    /// (its name as written is `history[0]` once renamed); name references match any of them.
    pub history: Vec<(Option<String>, String)>,
    /// A generated ConfigMap or Secret whose name takes a content hash at the end of the build.
    pub needs_hash: bool,
    /// For generated objects: `create`, `merge` or `replace` (generator `behavior`).
    pub behavior: Option<String>,
    /// The `namePrefix:`/`nameSuffix:` values applied to the object, innermost kustomization
    /// first (kustomize's prefixes/suffixes build annotations): when several renamed objects had
    /// the referenced name, a reference follows the one renamed like its referrer.
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    /// Rendered from `helmCharts:`: the namespace transformer leaves it alone (Helm set it).
    pub helm_generated: bool,
}

impl Resource {
    pub fn new(node: Node) -> Self {
        Self {
            node,
            history: Vec::new(),
            needs_hash: false,
            behavior: None,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            helm_generated: false,
        }
    }

    pub fn api_version(&self) -> &str {
        self.node.get("apiVersion").and_then(Node::as_str).unwrap_or("")
    }

    pub fn kind(&self) -> &str {
        self.node.get("kind").and_then(Node::as_str).unwrap_or("")
    }

    /// (group, version) of `apiVersion` (`apps/v1` → ("apps", "v1"); `v1` → ("", "v1")).
    pub fn group_version(&self) -> (&str, &str) {
        split_api_version(self.api_version())
    }

    pub fn name(&self) -> &str {
        self.node.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.node.get("metadata").and_then(|m| m.get("namespace")).and_then(Node::as_str)
    }

    /// The name as first written (before any prefix, suffix or hash).
    pub fn original_name(&self) -> &str {
        self.history.first().map_or_else(|| self.name(), |(_, n)| n.as_str())
    }

    /// The namespace as first written.
    pub fn original_namespace(&self) -> Option<&str> {
        match self.history.first() {
            Some((ns, _)) => ns.as_deref(),
            None => self.namespace(),
        }
    }

    /// Records the current (namespace, name) before a transformer changes it.
    pub fn remember_name(&mut self) {
        let entry = (self.namespace().map(str::to_string), self.name().to_string());
        if self.history.last() != Some(&entry) {
            self.history.push(entry);
        }
    }

    /// `Kind namespace/name` for messages.
    pub fn id(&self) -> String {
        match self.namespace() {
            Some(ns) => format!("{} {ns}/{}", self.kind(), self.name()),
            None => format!("{} {}", self.kind(), self.name()),
        }
    }
}

pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// Why part of a kustomization was not built: a finding at the line that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (`Node::src`) and position of the entry at fault.
    pub src: u32,
    pub pos: Pos,
    pub message: String,
    pub kind: ProblemKind,
}

/// What went wrong; each kind is one lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// `kustomize build` would fail here, or part of the build is missing (a missing or
    /// unparsable file, a cycle, a path outside the lint roots, conflicting patches).
    BuildError,
    /// A remote resource (URL, git): never fetched, so what it deploys is not linted.
    Remote,
    /// A patch or replacement whose target matches no object: it does nothing.
    PatchUnmatched,
    /// A field or plugin paved does not build: what it would change is not linted.
    Unsupported,
    /// Two strategic merge patches of one kustomization set the same field of the same object
    /// to different values: kustomize applies both in order, and the later silently wins.
    PatchConflict,
}

impl Problem {
    pub fn new(kind: ProblemKind, src: u32, pos: Pos, message: impl Into<String>) -> Self {
        Self { src, pos, message: message.into(), kind }
    }

    /// At an existing node (the entry that names the fault).
    pub fn at(kind: ProblemKind, node: &Node, message: impl Into<String>) -> Self {
        Self::new(kind, node.src, node.pos, message)
    }
}

/// A built kustomization.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// The files read; `Node::src` and `Problem::src` index them.
    pub files: Files,
    /// The kustomization file of the root (an index into `files`).
    pub root: u32,
    /// The objects, in kustomize's output order.
    pub resources: Vec<Resource>,
    pub problems: Vec<Problem>,
}

/// Where a build may read, and how it names files.
pub struct Options<'a> {
    /// Canonical directories: nothing outside them is read.
    pub roots: &'a [PathBuf],
    /// The display path of a file (relative to the working directory).
    pub display: &'a dyn Fn(&Path) -> String,
}
