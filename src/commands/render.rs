//! `paved render`: print a Helm chart as paved renders it for linting, in `helm template`'s
//! shape (`---`, `# Source: CHART/templates/FILE`, the document). A chart that does not render
//! is an error naming the template, line and column (exit 2). A directory with a
//! kustomization (and no Chart.yaml) is built as `kustomize build` prints it; what cannot be
//! built is listed on stderr, each with its file and line (exit 2 for what `kustomize build`
//! would refuse; a remote base, an unsupported field or conflicting patches are warnings).

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::Status;
use crate::cli::RenderArgs;
use crate::helm::{self, RenderOptions};
use crate::kustomize;

pub fn run(args: RenderArgs) -> Result<Status> {
    if !args.chart.join("Chart.yaml").is_file() {
        if kustomize::kustomization_file(&args.chart).is_some() {
            return kustomization(&args);
        }
        if args.chart.is_dir() {
            anyhow::bail!(
                "cannot render {}: it is neither a Helm chart (no Chart.yaml) nor a kustomization (no kustomization.yaml, \
                 kustomization.yml or Kustomization)",
                args.chart.display()
            );
        }
    }
    let defaults = RenderOptions::default();
    let options = RenderOptions {
        values_files: args.values,
        release: args.release.unwrap_or(defaults.release),
        namespace: args.namespace.unwrap_or(defaults.namespace),
        kube_version: None,
        removed_apis: None,
        allow_missing_dependencies: false,
        seed: None,
    };
    let rendered =
        helm::render(&args.chart, &options).map_err(|e| anyhow::anyhow!("cannot render {}: {e}", e.chart))?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`paved render | head`) is not an error worth a message.
    let _ = out.write_all(rendered.manifest().as_bytes());
    Ok(Status::Clean)
}

/// `kustomize build DIR`, in-process. It reads inside the git repository that holds the
/// directory (the whole file system outside one, as `kustomize build` would), never the network.
fn kustomization(args: &RenderArgs) -> Result<Status> {
    let cwd = std::env::current_dir()?;
    let dir = std::fs::canonicalize(&args.chart)?;
    let root = dir.ancestors().find(|a| a.join(".git").exists()).unwrap_or(Path::new("/")).to_path_buf();
    let display = |p: &std::path::Path| crate::lint::discover::display_path(p, &cwd);
    let roots = [root];
    let opts = kustomize::Options { roots: &roots, display: &display };
    let built = kustomize::build(&dir, &opts);
    let emitted = kustomize::emit::emit_sorted(&built.resources);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(emitted.text.as_bytes());
    // What kustomize would refuse fails the render (exit 2); the rest is a warning.
    let mut failed = false;
    for p in &built.problems {
        let file = built.files.get(p.src).map_or_else(|| display(&dir), |f| f.display.clone());
        let refused = matches!(p.kind, kustomize::ProblemKind::BuildError | kustomize::ProblemKind::PatchUnmatched);
        failed |= refused;
        let warning = if refused { "" } else { "warning: " };
        eprintln!("{file}:{}:{}: {warning}{}", p.pos.line, p.pos.col, p.message);
    }
    Ok(if failed { Status::Usage } else { Status::Clean })
}
