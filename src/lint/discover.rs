//! Finding the files to lint and deciding, in this one place, what each file is.
//!
//! The walk honours `.gitignore` (also outside a git repository), sees hidden files (so
//! `.github/`, `.gitlab-ci.yml` and `.circleci/` are found), skips `.git`, never follows
//! symlinks (so it cannot leave the tree or loop) and yields only regular files (no FIFOs or
//! devices). A directory holding `Chart.yaml` is a Helm chart: it is claimed as a unit and its
//! files are not linted one by one (its templates are not YAML until rendered).
//!
//! Default exclusions (DESIGN.md "What is linted"): below a lint root, nothing under
//! `vendor/`, `third_party/`, `node_modules/`, `testdata/` or `.devcontainer/` is linted
//! (third-party code, test inputs, a developer's container), and the deployable surfaces —
//! manifests and other YAML, charts, Dockerfiles, and Go sources except under `docs/` — under
//! `docs/`, `examples/`, `e2e/`, `test/` or `tests/` are not either (snippets, fixtures and
//! test tooling); CI files, Makefiles and scripts there still are, since CI runs them. Paths
//! named on the command line are below no excluded directory of their own root, so
//! `paved lint docs/` lints docs. What was skipped is counted per excluded directory.

use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Dockerfile,
    Makefile,
    GithubWorkflow,
    /// A repository's own action (`action.yml`/`action.yaml` outside `.github/workflows/`); its
    /// input falls back to other YAML when the file has no `runs:`.
    GithubAction,
    GitlabCi,
    /// `.circleci/config.yml`: one word, as the product is named (`circleci`, like the input's kind).
    #[serde(rename = "circleci")]
    CircleCi,
    /// Any other YAML: linted as Kubernetes manifests when its documents have apiVersion and kind.
    Yaml,
    Shell,
    GoMod,
    /// Go source: serves HTTP, registers routes, listens on ports.
    Go,
    /// `.ko.yaml`: ko's base images and builds.
    Ko,
}

/// Classifies a file by its path alone (no I/O).
pub fn classify(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile.")
    {
        return Some(Kind::Dockerfile);
    }
    if name == "Makefile" || name == "makefile" || name == "GNUmakefile" || lower.ends_with(".mk") {
        return Some(Kind::Makefile);
    }
    // Files Makefiles commonly `include` (Prometheus's Makefile.common, ...). Not every
    // `Makefile.*`: Makefile.am/.in are automake/autoconf templates, Makefile.toml is cargo-make.
    const INCLUDED_MAKEFILES: [&str; 12] = [
        "common",
        "inc",
        "include",
        "defs",
        "rules",
        "vars",
        "variables",
        "targets",
        "shared",
        "core",
        "golang",
        "docker",
    ];
    if let Some(suffix) = name.strip_prefix("Makefile.")
        && INCLUDED_MAKEFILES.contains(&suffix)
    {
        return Some(Kind::Makefile);
    }
    if name == "go.mod" {
        return Some(Kind::GoMod);
    }
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if name == ".ko.yaml" || name == ".ko.yml" {
        return Some(Kind::Ko);
    }
    if is_yaml && (name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml") {
        return Some(Kind::GitlabCi);
    }
    if is_yaml {
        let mut parts = path.components().rev().skip(1).map(|c| c.as_os_str());
        let parent = parts.next();
        if parent.is_some_and(|p| p == "workflows") && parts.next().is_some_and(|p| p == ".github") {
            return Some(Kind::GithubWorkflow);
        }
        if name == "action.yml" || name == "action.yaml" {
            return Some(Kind::GithubAction);
        }
        if parent.is_some_and(|p| p == ".circleci") && (name == "config.yml" || name == "config.yaml") {
            return Some(Kind::CircleCi);
        }
        return Some(Kind::Yaml);
    }
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return Some(Kind::Shell);
    }
    if lower.ends_with(".go") {
        return Some(Kind::Go);
    }
    None
}

/// One file to lint.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where to read it.
    pub path: PathBuf,
    /// How to show it: relative to the current directory, `/`-separated.
    pub display: String,
    pub kind: Kind,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    /// Helm chart directories (where to read, display form), claimed as units.
    pub charts: Vec<(PathBuf, String)>,
    /// Directories holding a kustomization (where to read, display form). Their files are still
    /// in `files`: the linter decides which ones the builds use.
    pub kustomizations: Vec<(PathBuf, String)>,
    /// Paths that could not be walked, with the reason (reported as findings by the caller).
    pub errors: Vec<(String, String)>,
    /// What the default exclusions skipped, by excluded directory (display form with a
    /// trailing `/`), in path order.
    pub skipped: Vec<Skipped>,
}

/// Files (and charts, each counted once) a default exclusion skipped below one directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub files: usize,
    pub reason: &'static str,
}

/// The reason of a [`Skipped`] entry for a patch next to a kustomization, or a component's file,
/// that no kustomization build uses (not a default exclusion: `--no-default-excludes` does not
/// lint them; they are no objects of their own).
pub const UNUSED_BY_KUSTOMIZATION: &str = "patch or component file no kustomization build uses";

/// Directories none of whose files are linted by default, with the reason shown to users.
const EXCLUDED_ALL: [(&str, &str); 5] = [
    ("vendor", "vendored third-party code"),
    ("third_party", "third-party code"),
    ("node_modules", "third-party code"),
    ("testdata", "test inputs"),
    (".devcontainer", "development container"),
];

/// Directories whose deployable surfaces (what would ship) are not linted by default.
const EXCLUDED_DEPLOYABLE: [(&str, &str); 5] = [
    ("docs", "documentation"),
    ("examples", "examples"),
    ("e2e", "end-to-end tests"),
    ("test", "tests"),
    ("tests", "tests"),
];

/// How discovery applies the default exclusions.
#[derive(Clone, Copy, Default)]
pub struct Excludes<'a> {
    /// `--no-default-excludes` / config `default-excludes: false`.
    pub disabled: bool,
    /// Config `include:`: paths linted even below a default-excluded directory.
    pub include: Option<&'a dyn Fn(&Path) -> bool>,
}

impl std::fmt::Debug for Excludes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Excludes").field("disabled", &self.disabled).finish()
    }
}

/// Whether a file of `kind` (`None`: a chart directory) is a deployable surface under the
/// excluded directory `dir`. Go code ships as the binary that imports it: under `docs/` it is
/// usually a package the service imports (swag's generated `docs.go`), so only test and example
/// directories drop it.
fn deployable(kind: Option<Kind>, dir: &str) -> bool {
    match kind {
        None | Some(Kind::Dockerfile | Kind::Yaml) => true,
        Some(Kind::Go) => dir != "docs",
        _ => false,
    }
}

/// The default exclusion that covers `rel` (components below the lint root; the last one is
/// the file or chart itself): the index of the excluded component and the reason.
fn excluded_by(rel: &[&str], kind: Option<Kind>) -> Option<(usize, &'static str)> {
    let dirs = &rel[..rel.len().saturating_sub(usize::from(kind.is_some()))];
    for (i, c) in dirs.iter().enumerate() {
        if let Some((_, why)) = EXCLUDED_ALL.iter().find(|(d, _)| d == c) {
            return Some((i, why));
        }
        if deployable(kind, c)
            && let Some((_, why)) = EXCLUDED_DEPLOYABLE.iter().find(|(d, _)| d == c)
        {
            return Some((i, why));
        }
    }
    None
}

/// Components of `path` below `root`.
fn components_below<'p>(path: &'p Path, root: &Path) -> Vec<&'p str> {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect()
}

/// The display form of a path: relative to `cwd` when below it, `/`-separated, no `./`.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = path.strip_prefix(cwd).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    let joined = joined.replace("//", "/");
    if joined.is_empty() { ".".to_string() } else { joined }
}

fn is_chart_dir(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Walks `roots` (files or directories) and classifies every file found, without the default
/// exclusions' directories.
pub fn discover(roots: &[PathBuf], cwd: &Path) -> Discovery {
    discover_with(roots, cwd, Excludes::default())
}

/// [`discover`] with the default exclusions as configured.
pub fn discover_with(roots: &[PathBuf], cwd: &Path, excludes: Excludes) -> Discovery {
    let mut out = Discovery::default();
    let mut skipped: std::collections::BTreeMap<String, (usize, &'static str)> = Default::default();
    let mut skip = |root: &Path, path: &Path, kind: Option<Kind>| -> bool {
        if excludes.disabled {
            return false;
        }
        let rel = components_below(path, root);
        let Some((i, why)) = excluded_by(&rel, kind) else { return false };
        if excludes.include.is_some_and(|inc| inc(path)) {
            return false;
        }
        let dir: PathBuf = root.join(rel[..=i].iter().collect::<PathBuf>());
        let entry = skipped.entry(format!("{}/", display_path(&dir, cwd))).or_insert((0, why));
        entry.0 += 1;
        true
    };
    let excluded = |root: &Path, path: &Path| -> bool {
        !excludes.disabled
            && excluded_by(&components_below(path, root), None).is_some()
            && !excludes.include.is_some_and(|inc| inc(path))
    };
    for root in roots {
        let meta = match std::fs::symlink_metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push((display_path(root, cwd), format!("cannot read: {e}")));
                continue;
            }
        };
        if meta.is_file() || (meta.file_type().is_symlink() && root.is_file()) {
            // A file named explicitly is linted even when .gitignore would skip it; an unknown
            // name is read as YAML if it looks like YAML, else reported.
            let name = root.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if crate::kustomize::KUSTOMIZATION_FILES.contains(&name)
                && let Some(dir) = root.parent()
            {
                let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
                out.kustomizations.push((dir.to_path_buf(), display_path(dir, cwd)));
            }
            match classify(root) {
                Some(kind) => out.files.push(Candidate { path: root.clone(), display: display_path(root, cwd), kind }),
                None => out.errors.push((display_path(root, cwd), "paved does not know how to lint this file".into())),
            }
            continue;
        }
        if is_chart_dir(root) {
            out.charts.push((root.clone(), display_path(root, cwd)));
            continue;
        }
        let mut charts = Vec::new();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // Name the directory or file that failed, not the root being walked.
                    let (path, message) = match error_path(&e) {
                        // (its message repeats the path: the kind is what is left to say)
                        Some((p, ignore::Error::Io(io))) => {
                            (display_path(p, cwd), format!("cannot read: {}", io.kind()))
                        }
                        Some((p, inner)) => (display_path(p, cwd), format!("cannot read: {inner}")),
                        None => (display_path(root, cwd), format!("cannot walk: {e}")),
                    };
                    out.errors.push((path, message));
                    continue;
                }
            };
            let Some(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if charts.iter().any(|c: &PathBuf| path.starts_with(c)) {
                continue;
            }
            if ft.is_dir() {
                if crate::kustomize::kustomization_file(path).is_some() && !is_chart_dir(path) && !excluded(root, path)
                {
                    out.kustomizations.push((path.to_path_buf(), display_path(path, cwd)));
                }
                if entry.depth() > 0 && is_chart_dir(path) {
                    // A skipped chart is still claimed: its templates are not manifests.
                    if !skip(root, path, None) {
                        out.charts.push((path.to_path_buf(), display_path(path, cwd)));
                    }
                    charts.push(path.to_path_buf());
                }
                continue;
            }
            if !ft.is_file() {
                continue; // symlinks, FIFOs, sockets, devices
            }
            if let Some(kind) = classify(path)
                && !skip(root, path, Some(kind))
            {
                out.files.push(Candidate { path: path.to_path_buf(), display: display_path(path, cwd), kind });
            }
        }
    }
    out.files.sort_by(|a, b| a.display.cmp(&b.display));
    out.files.dedup_by(|a, b| a.display == b.display);
    out.kustomizations.sort_by(|a, b| a.1.cmp(&b.1));
    out.kustomizations.dedup_by(|a, b| a.1 == b.1);
    out.skipped = skipped.into_iter().map(|(path, (files, reason))| Skipped { path, files, reason }).collect();
    out
}

/// The path an `ignore` walk error is about, with the error it wraps.
fn error_path(e: &ignore::Error) -> Option<(&Path, &ignore::Error)> {
    match e {
        ignore::Error::WithPath { path, err } => {
            let mut inner = err.as_ref();
            while let ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } = inner {
                inner = err.as_ref();
            }
            Some((path.as_path(), inner))
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        let k = |p: &str| classify(Path::new(p));
        assert_eq!(k("Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("build/Dockerfile.prod"), Some(Kind::Dockerfile));
        assert_eq!(k("api.Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("Containerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("Makefile"), Some(Kind::Makefile));
        assert_eq!(k("GNUmakefile"), Some(Kind::Makefile));
        assert_eq!(k("scripts/rules.mk"), Some(Kind::Makefile));
        assert_eq!(k(".github/workflows/ci.yml"), Some(Kind::GithubWorkflow));
        assert_eq!(k("x/.github/workflows/ci.yaml"), Some(Kind::GithubWorkflow));
        assert_eq!(k(".github/dependabot.yml"), Some(Kind::Yaml));
        assert_eq!(k("action.yml"), Some(Kind::GithubAction));
        assert_eq!(k(".github/actions/setup/action.yaml"), Some(Kind::GithubAction));
        assert_eq!(k(".github/workflows/action.yml"), Some(Kind::GithubWorkflow));
        assert_eq!(k("Action.yml"), Some(Kind::Yaml));
        assert_eq!(k(".gitlab-ci.yml"), Some(Kind::GitlabCi));
        assert_eq!(k(".circleci/config.yml"), Some(Kind::CircleCi));
        assert_eq!(k("svc/.circleci/config.yaml"), Some(Kind::CircleCi));
        assert_eq!(k(".circleci/other.yml"), Some(Kind::Yaml));
        assert_eq!(k("circleci/config.yml"), Some(Kind::Yaml));
        assert_eq!(k("config.yml"), Some(Kind::Yaml));
        assert_eq!(k("deploy/app.yaml"), Some(Kind::Yaml));
        assert_eq!(k("hack/test.sh"), Some(Kind::Shell));
        assert_eq!(k("go.mod"), Some(Kind::GoMod));
        assert_eq!(k(".ko.yaml"), Some(Kind::Ko));
        assert_eq!(k("main.go"), Some(Kind::Go));
        assert_eq!(k("vendor/x/y.go"), Some(Kind::Go));
        assert_eq!(k("README.md"), None);
        assert_eq!(k("Makefile.am"), None);
        assert_eq!(k("Makefile.toml"), None);
        assert_eq!(k("Makefile.common"), Some(Kind::Makefile));
    }

    #[test]
    fn default_exclusions_by_component_and_surface() {
        let ex = |p: &str, kind: Option<Kind>| excluded_by(&p.split('/').collect::<Vec<_>>(), kind).map(|(i, _)| i);
        assert_eq!(ex("vendor/github.com/x/Makefile", Some(Kind::Makefile)), Some(0));
        assert_eq!(ex("pkg/testdata/bad.go", Some(Kind::Go)), Some(1));
        assert_eq!(ex(".devcontainer/Dockerfile", Some(Kind::Dockerfile)), Some(0));
        assert_eq!(ex("docs/deploy.yaml", Some(Kind::Yaml)), Some(0));
        assert_eq!(ex("test/e2e/Dockerfile", Some(Kind::Dockerfile)), Some(0));
        assert_eq!(ex("config/testdata/chart", None), Some(1));
        assert_eq!(ex("tests/charts/x", None), Some(0));
        // CI files, Makefiles and scripts under test directories still run in CI.
        assert_eq!(ex("test/e2e/run.sh", Some(Kind::Shell)), None);
        assert_eq!(ex("test/Makefile", Some(Kind::Makefile)), None);
        // Only directories count, never the file's own name.
        assert_eq!(ex("deploy/test", Some(Kind::Yaml)), None);
        assert_eq!(ex("cmd/api/main.go", Some(Kind::Go)), None);
        assert_eq!(ex("testing/app.yaml", Some(Kind::Yaml)), None);
        assert_eq!(ex("tests/proxy/proxy.go", Some(Kind::Go)), Some(0));
        assert_eq!(ex("pkg/api/docs/docs.go", Some(Kind::Go)), None);
    }

    #[test]
    fn kinds_serialize_as_the_inputs_name_them() {
        let name = |k: Kind| serde_json::to_value(k).unwrap();
        assert_eq!(name(Kind::GithubWorkflow), "github-workflow");
        assert_eq!(name(Kind::GithubAction), "github-action");
        assert_eq!(name(Kind::GitlabCi), "gitlab-ci");
        assert_eq!(name(Kind::CircleCi), "circleci");
    }

    #[test]
    fn display_paths_are_relative_and_slashed() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(Path::new("/repo/deploy/app.yaml"), cwd), "deploy/app.yaml");
        assert_eq!(display_path(Path::new("./deploy/app.yaml"), cwd), "deploy/app.yaml");
        assert_eq!(display_path(Path::new("/elsewhere/x"), cwd), "/elsewhere/x");
    }
}
