//! `paved report merge`: read the results, merge them, write the report.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::Status;
use crate::report::merge::{self, Input};

pub fn merge(files: Vec<PathBuf>, format: &str, output: Option<PathBuf>) -> Result<Status> {
    if !matches!(format, "json" | "html" | "sarif") {
        bail!("--format {format:?}: `paved report merge` writes json, sarif or html");
    }
    let mut inputs = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let doc = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a `paved lint --format json` result (not JSON)", f.display()))?;
        inputs.push(Input { file: f.display().to_string(), doc });
    }
    let merged = merge::merge(&inputs)?;
    let text = if format == "html" {
        crate::report::html::render_page(&crate::report::html::Page::from_merged(&merged))
    } else if format == "sarif" {
        merge::sarif(&merged)?
    } else {
        serde_json::to_string_pretty(&merged)? + "\n"
    };
    match output {
        Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(Status::Clean)
}
