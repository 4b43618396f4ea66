//! `paved render`: print a Helm chart as paved renders it for linting, in `helm template`'s
//! shape (`---`, `# Source: CHART/templates/FILE`, the document). A chart that does not render
//! is an error naming the template, line and column (exit 2).

use std::io::Write;

use anyhow::Result;

use crate::Status;
use crate::cli::RenderArgs;
use crate::helm::{self, RenderOptions};

pub fn run(args: RenderArgs) -> Result<Status> {
    let defaults = RenderOptions::default();
    let options = RenderOptions {
        values_files: args.values,
        release: args.release.unwrap_or(defaults.release),
        namespace: args.namespace.unwrap_or(defaults.namespace),
        kube_version: None,
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
