//! Turns the embedded template tree (`templates/service/`) into the files of one service, in
//! memory. The rules (see `templates/README.md`): `*.jinja` files are rendered by minijinja with
//! `[[ ]]`/`[% %]`/`[# #]` delimiters, so Helm's and GitHub's `{{ }}` pass through untouched;
//! every other file is copied byte for byte; a `__name__` path segment becomes NAME; whole
//! subtrees are kept or dropped by feature.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use include_dir::{Dir, DirEntry, include_dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, context};

use super::options::Options;

static SERVICE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/service");

/// One file of the generated project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path with `/` separators, never absolute, never with `..`.
    pub path: String,
    pub contents: Vec<u8>,
    /// Whether the file should be executable.
    pub executable: bool,
}

/// Which features a template path belongs to; `None` means always written.
fn feature_of(path: &str) -> Option<Feature> {
    if path.starts_with(".github/") {
        Some(Feature::GitHub)
    } else if path == ".gitlab-ci.yml.jinja" {
        Some(Feature::GitLab)
    } else if path.starts_with("deploy/helm/") {
        Some(Feature::Helm)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy)]
enum Feature {
    GitHub,
    GitLab,
    Helm,
}

impl Feature {
    fn enabled(self, o: &Options) -> bool {
        match self {
            Feature::GitHub => o.ci_github,
            Feature::GitLab => o.ci_gitlab,
            Feature::Helm => o.helm,
        }
    }
}

fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .variable_delimiters("[[", "]]")
        .comment_delimiters("[#", "#]")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .context("template syntax configuration")?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Nothing we write is HTML.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    Ok(env)
}

/// Renders every file of the service for `options`, sorted by path.
pub fn render(options: &Options) -> Result<Vec<GeneratedFile>> {
    let env = environment()?;
    let ctx = context! {
        name => &options.name,
        module => &options.module,
        port => options.port,
        go_mod_version => options.go.go_mod.to_string(),
        go_version => options.go.toolchain.to_string(),
        go_minor => options.go.toolchain.minor_string(),
        registry => &options.registry,
        image => options.image(),
        ci_github => options.ci_github,
        ci_gitlab => options.ci_gitlab,
        helm => options.helm,
        deploy => options.deploy,
        paved_version => env!("CARGO_PKG_VERSION"),
    };

    let mut files = Vec::new();
    let mut stack = vec![&SERVICE];
    while let Some(dir) = stack.pop() {
        for entry in dir.entries() {
            match entry {
                DirEntry::Dir(d) => stack.push(d),
                DirEntry::File(f) => {
                    let template_path = to_slash(f.path())?;
                    if feature_of(&template_path).is_some_and(|feat| !feat.enabled(options)) {
                        continue;
                    }
                    let (out_path, contents) = match template_path.strip_suffix(".jinja") {
                        Some(stripped) => {
                            let source = std::str::from_utf8(f.contents())
                                .with_context(|| format!("template {template_path} is not UTF-8"))?;
                            let text = env
                                .render_str(source, &ctx)
                                .with_context(|| format!("rendering template {template_path}"))?;
                            (stripped.to_string(), text.into_bytes())
                        }
                        None => (template_path.clone(), f.contents().to_vec()),
                    };
                    let path = substitute_name(&out_path, &options.name);
                    check_relative(&path)?;
                    let executable = path.ends_with(".sh");
                    files.push(GeneratedFile { path, contents, executable });
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // What was generated, from which answers: the base `paved update` merges from.
    let record = super::record::record(options, &files);
    files.push(record);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn to_slash(path: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    match parts {
        Some(parts) => Ok(parts.join("/")),
        None => bail!("template path {} is not UTF-8", path.display()),
    }
}

fn substitute_name(path: &str, name: &str) -> String {
    path.split('/').map(|seg| if seg == "__name__" { name } else { seg }).collect::<Vec<_>>().join("/")
}

/// Defence in depth: NAME is validated, but no generated path may ever leave the target.
fn check_relative(path: &str) -> Result<()> {
    let p = PathBuf::from(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write {path:?}: generated paths must stay inside the target directory");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_segments_are_substituted_only_whole() {
        assert_eq!(substitute_name("cmd/__name__/main.go", "orders"), "cmd/orders/main.go");
        assert_eq!(substitute_name("x__name__/y", "orders"), "x__name__/y");
    }

    #[test]
    fn paths_leaving_the_target_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "./a"] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        assert!(check_relative("cmd/orders/main.go").is_ok());
    }

    #[test]
    fn features_gate_subtrees() {
        assert!(matches!(feature_of(".github/workflows/ci.yml.jinja"), Some(Feature::GitHub)));
        assert!(matches!(feature_of(".gitlab-ci.yml.jinja"), Some(Feature::GitLab)));
        assert!(matches!(feature_of("deploy/helm/__name__/Chart.yaml.jinja"), Some(Feature::Helm)));
        assert!(feature_of("Dockerfile.jinja").is_none());
    }

    #[test]
    fn undefined_variables_are_errors() {
        let env = environment().unwrap();
        let err = env.render_str("[[ nope ]]", context! {}).unwrap_err();
        assert!(err.to_string().contains("undefined"), "{err}");
        // Helm and Actions expressions pass through untouched.
        let out = env.render_str("{{ .Values.x }} ${{ github.sha }} [[ a ]]", context! { a => 1 }).unwrap();
        assert_eq!(out, "{{ .Values.x }} ${{ github.sha }} 1");
    }
}
