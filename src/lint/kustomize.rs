//! Kustomizations in `paved lint` (DESIGN.md "Kustomize"): the roots among the kustomization
//! directories are built in-process ([`crate::kustomize`]), their output is linted as a
//! manifest (the same shape as a rendered chart: rendered text plus a way back to the files),
//! and every finding moves to the file and line that produced the value — the base resource's
//! line, the patch line that set it, the kustomization's `images:` entry. A base line reached
//! from several roots is reported once, naming them. Bases, components and patch files are
//! linted only through the roots that use them; YAML files next to a kustomization that no
//! build uses (a commented-out patch) are not linted at all.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use super::catalogue::{
    KUSTOMIZE_BUILD_ERROR, KUSTOMIZE_PATCH_CONFLICT, KUSTOMIZE_PATCH_UNMATCHED, KUSTOMIZE_REMOTE_RESOURCE,
    KUSTOMIZE_UNSUPPORTED,
};
use super::chart::{Mapped, RenderedLint};
use super::finding::{Finding, Severity, Suppressed};
use super::repo::units::UnitTag;
use super::suppress::{self, RuleState};
use crate::kustomize::emit::{self, Emitted};
use crate::kustomize::{self, Built, ProblemKind};
use crate::parse::Pos;
use crate::parse::yaml;

/// The kustomization roots among `dirs` (canonical or not; display form beside each): those no
/// other kustomization in `dirs` names in `resources:`, `bases:` or `components:`, components
/// excepted (they are built only into a kustomization). Kustomizations no root reaches (a cycle
/// of bases) are roots too, so their problem is reported. Also returns the canonical
/// directories of the components.
pub fn roots(dirs: &[(PathBuf, String)]) -> (Vec<(PathBuf, String)>, HashSet<PathBuf>) {
    let canon: Vec<PathBuf> =
        dirs.iter().map(|(d, _)| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone())).collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); dirs.len()];
    let mut component = vec![false; dirs.len()];
    let mut used = vec![false; dirs.len()];
    for (i, dir) in canon.iter().enumerate() {
        let Some(file) = kustomize::kustomization_file(dir) else { continue };
        let text = crate::vfs::read_to_string(&file).unwrap_or_default();
        let Some(doc) = yaml::parse_stream(&text, &yaml::Limits::default()).ok().and_then(|d| d.into_iter().next())
        else {
            continue;
        };
        component[i] = doc.root.get("kind").and_then(yaml::Node::as_str) == Some("Component");
        for key in ["resources", "bases", "components"] {
            for e in doc.root.get(key).and_then(yaml::Node::as_seq).unwrap_or_default() {
                let Some(p) = e.as_str() else { continue };
                if kustomize::load::is_remote(p) {
                    continue;
                }
                let Ok(target) = std::fs::canonicalize(dir.join(p)) else { continue };
                if let Some(j) = canon.iter().position(|c| *c == target)
                    && j != i
                {
                    edges[i].push(j);
                    used[j] = true;
                }
            }
        }
    }
    let mut out: Vec<usize> = (0..dirs.len()).filter(|&i| !used[i] && !component[i]).collect();
    // What the roots reach; whatever is left (cycles) is built on its own.
    let mut reached = vec![false; dirs.len()];
    let mut stack = out.clone();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(edges[i].iter().copied());
    }
    for i in 0..dirs.len() {
        if !reached[i] && !component[i] {
            out.push(i);
            let mut stack = vec![i];
            while let Some(j) = stack.pop() {
                if !std::mem::replace(&mut reached[j], true) {
                    stack.extend(edges[j].iter().copied());
                }
            }
        }
    }
    out.sort_unstable();
    let components = (0..dirs.len()).filter(|&i| component[i]).map(|i| canon[i].clone()).collect();
    (out.into_iter().map(|i| dirs[i].clone()).collect(), components)
}

/// One root, built and linted in rendered coordinates.
pub struct LintedRoot {
    /// The root directory, as messages name it.
    pub root: String,
    /// The display path the rendered text was linted under (the root's kustomization file):
    /// the key of its cross-file findings.
    pub unit: String,
    pub built: Built,
    pub emitted: Emitted,
    pub lint: RenderedLint,
}

impl LintedRoot {
    /// Canonical paths of every file the build read.
    pub fn used_files(&self) -> impl Iterator<Item = &Path> {
        self.built.files.files.iter().map(|f| f.path.as_path())
    }
}

/// Builds the kustomization in `dir` (reading only inside `roots`) and lints its output with
/// `lint_text` (display path, rendered text).
pub fn lint_root(
    dir: &Path,
    display: &str,
    roots: &[PathBuf],
    show: &(dyn Fn(&Path) -> String + Sync),
    lint_text: &mut dyn FnMut(&str, &str) -> RenderedLint,
) -> LintedRoot {
    let opts = kustomize::Options { roots, display: show };
    let built = kustomize::build(dir, &opts);
    let emitted = emit::emit(&built.resources);
    let unit =
        built.files.get(built.root).map_or_else(|| format!("{display}/kustomization.yaml"), |f| f.display.clone());
    let mut lint = if built.resources.is_empty() {
        RenderedLint { findings: Vec::new(), suppressions: Vec::new(), facts: None }
    } else {
        lint_text(&unit, &emitted.text)
    };
    if let Some(f) = lint.facts.as_mut() {
        f.unit = Some(UnitTag {
            kind: "kustomization",
            path: display.to_string(),
            variant: None,
            complete: !built.problems.iter().any(|p| matches!(p.kind, ProblemKind::Remote | ProblemKind::BuildError)),
        });
    }
    LintedRoot { root: display.to_string(), unit, built, emitted, lint }
}

/// The display path of a canonical path: as the lint path it is below was written (`../repo/x`
/// under `paved lint ../repo`), else relative to `cwd`.
pub fn displayer(paths: &[PathBuf], cwd: &Path) -> impl Fn(&Path) -> String + Sync + use<> {
    let mut pairs: Vec<(PathBuf, PathBuf)> = paths
        .iter()
        .filter_map(|p| {
            let c = std::fs::canonicalize(p).ok()?;
            Some(if c.is_dir() { (c, p.clone()) } else { (c.parent()?.to_path_buf(), p.parent()?.to_path_buf()) })
        })
        .collect();
    // The deepest root first.
    pairs.sort_by_key(|(c, _)| std::cmp::Reverse(c.components().count()));
    let cwd = cwd.to_path_buf();
    move |p: &Path| {
        for (canonical, given) in &pairs {
            if let Ok(rel) = p.strip_prefix(canonical) {
                return super::discover::display_path(&given.join(rel), &cwd);
            }
        }
        super::discover::display_path(p, &cwd)
    }
}

fn problem_rule(kind: ProblemKind) -> (&'static str, Severity) {
    match kind {
        ProblemKind::BuildError => (KUSTOMIZE_BUILD_ERROR, Severity::Error),
        ProblemKind::Remote => (KUSTOMIZE_REMOTE_RESOURCE, Severity::Warning),
        ProblemKind::PatchUnmatched => (KUSTOMIZE_PATCH_UNMATCHED, Severity::Warning),
        ProblemKind::Unsupported => (KUSTOMIZE_UNSUPPORTED, Severity::Warning),
        ProblemKind::PatchConflict => (KUSTOMIZE_PATCH_CONFLICT, Severity::Warning),
    }
}

/// A finding mapped to its origin, before roots that share it are merged.
struct Located {
    finding: Finding,
    /// `Kind "name"` of the built object (empty for build problems).
    object: String,
    root: String,
    suppressed: Option<Suppressed>,
}

/// The file a mapped finding lands in: its display path, disk path and text.
struct OriginFile {
    fs_path: PathBuf,
    text: String,
}

/// Moves every root's findings (rendered findings, cross-file ones included, after the
/// suppressions the rendered text carries) and build problems to their origin files, reports a
/// finding several roots share once (naming them), and applies each origin file's
/// `# paved:ignore` comments, as `judge` decides (rule states, expiry, forbidden rules).
pub fn settle(linted: Vec<(LintedRoot, Vec<Finding>, Vec<Suppressed>)>, judge: &dyn suppress::Judge) -> Vec<Mapped> {
    let mut located: Vec<Located> = Vec::new();
    let mut origins: BTreeMap<String, OriginFile> = BTreeMap::new();
    for (r, findings, suppressed) in linted {
        let files = &r.built.files;
        for f in files.files.iter().filter(|f| linted_through_builds(&f.path)) {
            origins
                .entry(f.display.clone())
                .or_insert_with(|| OriginFile { fs_path: f.path.clone(), text: f.text.clone() });
        }
        let root_file = files.get(r.built.root);
        let mut place = |src: u32, pos: Pos| -> (String, Pos) {
            match files.get(src).or(root_file) {
                Some(f) => {
                    origins
                        .entry(f.display.clone())
                        .or_insert_with(|| OriginFile { fs_path: f.path.clone(), text: f.text.clone() });
                    (f.display.clone(), if files.get(src).is_some() { pos } else { Pos::new(1, 1) })
                }
                None => (r.unit.clone(), Pos::new(1, 1)),
            }
        };
        let object_at = |line: u32| -> String {
            let i = r.emitted.starts.partition_point(|&s| s <= line).saturating_sub(1);
            r.built.resources.get(i).map_or_else(String::new, |res| format!("{} {:?}", res.kind(), res.name()))
        };
        for p in &r.built.problems {
            let (rule, severity) = problem_rule(p.kind);
            let severity = match judge.state(rule) {
                RuleState::Enabled(s) => s,
                RuleState::Disabled => continue,
                RuleState::Unknown => severity,
            };
            let (path, pos) = place(p.src, p.pos);
            let finding = Finding {
                rule: rule.to_string(),
                severity,
                path,
                line: pos.line,
                column: Some(pos.col),
                message: p.message.clone(),
                help: String::new(),
                fix: None,
                hint: None,
            };
            located.push(Located { finding, object: String::new(), root: r.root.clone(), suppressed: None });
        }
        let mut relocate = |mut f: Finding| -> (Finding, String) {
            let object = object_at(f.line);
            let origin = r.emitted.map.origin(f.line, f.column.unwrap_or(1));
            let (path, pos) = match origin {
                Some(o) => place(o.src, o.pos),
                None => place(u32::MAX, Pos::new(1, 1)),
            };
            f.path = path;
            f.line = pos.line;
            f.column = Some(pos.col);
            (f, object)
        };
        for f in findings {
            let (finding, object) = relocate(f);
            located.push(Located { finding, object, root: r.root.clone(), suppressed: None });
        }
        for mut s in suppressed {
            let (finding, object) = relocate(s.finding.clone());
            s.finding = finding.clone();
            located.push(Located { finding, object, root: r.root.clone(), suppressed: Some(s) });
        }
    }
    // One finding per (rule, file, line, column), naming every root that reaches it.
    type Key = (String, u32, u32, String, bool);
    let mut merged: BTreeMap<Key, (Located, BTreeSet<String>)> = BTreeMap::new();
    for l in located {
        let f = &l.finding;
        let key = (f.path.clone(), f.line, f.column.unwrap_or(0), f.rule.clone(), l.suppressed.is_some());
        let root = l.root.clone();
        merged.entry(key).or_insert_with(|| (l, BTreeSet::new())).1.insert(root);
    }
    let mut by_file: BTreeMap<String, (Vec<Finding>, Vec<Suppressed>)> = BTreeMap::new();
    for (_, (l, roots)) in merged {
        let roots: Vec<String> = roots.into_iter().collect();
        let which = match &roots[..] {
            [one] => format!("kustomization {one}"),
            many => format!("kustomizations {}", many.join(", ")),
        };
        let suffix = if l.object.is_empty() {
            format!(" ({which})")
        } else if roots.len() == 1 {
            format!(" ({which}, built {})", l.object)
        } else {
            format!(" ({which}; built {})", l.object)
        };
        let entry = by_file.entry(l.finding.path.clone()).or_default();
        match l.suppressed {
            Some(mut s) => {
                s.finding.message.push_str(&suffix);
                entry.1.push(s);
            }
            None => {
                let mut f = l.finding;
                f.message.push_str(&suffix);
                entry.0.push(f);
            }
        }
    }
    // Every YAML file the builds read, so unused suppressions there are reported too.
    for display in origins.keys() {
        by_file.entry(display.clone()).or_default();
    }
    let mut out = Vec::new();
    for (display, (findings, mut suppressed)) in by_file {
        let Some(o) = origins.get(&display) else { continue };
        let comments = suppress::scan_comments(&o.text, true);
        let (kept, more) = suppress::apply(&display, findings, &comments, judge);
        suppressed.extend(more);
        if kept.is_empty() && suppressed.is_empty() {
            continue;
        }
        out.push(Mapped { display, fs_path: o.fs_path.clone(), findings: kept, suppressed, text: o.text.clone() });
    }
    out
}

/// Whether a file a build read is linted through the builds (YAML: resources, patches, the
/// kustomization itself) rather than on its own (a script a generator reads is still a script).
pub fn linted_through_builds(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    kustomize::KUSTOMIZATION_FILES.contains(&name)
        || matches!(
            super::discover::classify(path),
            Some(super::discover::Kind::Yaml | super::discover::Kind::GithubAction)
        )
        || name.ends_with(".json")
}

/// Whether YAML `text` is a strategic-merge patch rather than an object of its own: it carries
/// patch directives (`$patch`, `$setElementOrder/...`, `$retainKeys`,
/// `$deleteFromPrimitiveList/...`), or it is an apps/v1 workload without the `spec.selector`
/// every real one has, or its pod template has a container without an image. A file next to a
/// kustomization that no build uses is skipped when it is one (a patch nobody applies is no
/// Deployment), and linted like any manifest otherwise (skaffold or kubectl may apply it).
pub fn looks_like_patch(text: &str) -> bool {
    if ["$patch:", "$setElementOrder/", "$retainKeys:", "$deleteFromPrimitiveList/"].iter().any(|d| text.contains(d)) {
        return true;
    }
    let Ok(docs) = yaml::parse_stream(text, &yaml::Limits::default()) else { return false };
    docs.iter().any(|d| {
        let n = &d.root;
        let kind = n.get("kind").and_then(yaml::Node::as_str).unwrap_or("");
        let spec = n.get("spec");
        let workload = matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet");
        if workload && spec.is_some_and(|s| s.get("selector").is_none()) {
            return true;
        }
        let pod = match kind {
            "CronJob" => spec.and_then(|s| s.pointer("/jobTemplate/spec/template/spec")),
            "Pod" => spec,
            _ => spec.and_then(|s| s.pointer("/template/spec")),
        };
        pod.and_then(|p| p.get("containers"))
            .and_then(yaml::Node::as_seq)
            .is_some_and(|cs| cs.iter().any(|c| c.get("image").is_none()))
    })
}

/// Takes out of `found` what the builds lint: the YAML files they read, the charts they inflate
/// (`helmCharts:`), and, next to a kustomization, the files no build uses that are no objects of
/// their own — a component's files (meaningful only through a kustomization) and patches nobody
/// applies. A whole object beside a kustomization that does not list it stays (skaffold or
/// kubectl may apply it). Returns how many files the builds read, and the files left out
/// unused per directory (display form with a trailing `/`), for the summary.
pub fn claim(
    found: &mut super::discover::Discovery,
    linted: &[LintedRoot],
    components: &HashSet<PathBuf>,
) -> (usize, BTreeMap<String, usize>) {
    let used: HashSet<PathBuf> = linted
        .iter()
        .flat_map(|r| r.used_files())
        .filter(|p| linted_through_builds(p))
        .map(Path::to_path_buf)
        .collect();
    found.charts.retain(|(dir, _)| {
        let Ok(dir) = std::fs::canonicalize(dir) else { return true };
        !linted.iter().flat_map(|k| k.used_files()).any(|f| f.starts_with(&dir))
    });
    let kustomization_dirs: HashSet<PathBuf> =
        found.kustomizations.iter().filter_map(|(d, _)| std::fs::canonicalize(d).ok()).collect();
    let mut unused_files: BTreeMap<String, usize> = BTreeMap::new();
    found.files.retain(|c| {
        if !linted_through_builds(&c.path) {
            return true;
        }
        let Ok(canon) = std::fs::canonicalize(&c.path) else { return true };
        if used.contains(&canon) {
            return false;
        }
        let unused = match canon.parent() {
            Some(dir) if components.contains(dir) => true,
            Some(dir) if kustomization_dirs.contains(dir) => {
                crate::vfs::read_to_string(&canon).is_ok_and(|t| looks_like_patch(&t))
            }
            _ => false,
        };
        if unused {
            let shown = c.display.rsplit_once('/').map_or(".", |(d, _)| d);
            *unused_files.entry(format!("{shown}/")).or_default() += 1;
        }
        !unused
    });
    (used.len(), unused_files)
}
