//! `paved new`: flags → options (prompting on a TTY) → rendered files → disk.

use std::io::IsTerminal;

use anyhow::Result;

use crate::Status;
use crate::cli::NewArgs;
use crate::scaffold::{self, go_release, options, prompt, write};

pub fn run(args: NewArgs) -> Result<Status> {
    let interactive = !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    // `go env GOVERSION` is a subprocess (tens of milliseconds): only when it can matter.
    let installed = if args.go_version.is_some() { None } else { go_release::detect_installed() };
    let mut terminal = prompt::Terminal::new();
    let prompter: Option<&mut dyn options::Prompter> = if interactive { Some(&mut terminal) } else { None };
    let opts = options::resolve(&args, prompter, installed)?;

    // Refuse a non-empty target before doing any work, so the message comes first.
    if !args.force && write::target_state(&opts.dir)? == write::TargetState::NonEmpty {
        anyhow::bail!(
            "{} is not empty; pass --force to write into it (files paved generates are overwritten, others are kept)",
            opts.dir.display()
        );
    }

    let files = scaffold::render(&opts)?;
    if args.dry_run {
        println!("would write {} files into {}:", files.len(), opts.dir.display());
        for f in &files {
            println!("  {}", f.path);
        }
        return Ok(Status::Clean);
    }
    scaffold::write_project(&opts.dir, &files, args.force)?;

    eprintln!(
        "{} {} ({} files) in {}: module {}, Go {} ({}), port {}, image {}",
        console::style("created").green().bold(),
        opts.name,
        files.len(),
        opts.dir.display(),
        opts.module,
        opts.go.toolchain,
        opts.go.source,
        opts.port,
        opts.image(),
    );
    if args.registry.is_none() && opts.registry == options::FALLBACK_REGISTRY {
        eprintln!(
            "note: the image registry defaulted to {}; pass --registry HOST/ORG to push elsewhere",
            options::FALLBACK_REGISTRY
        );
    }
    eprintln!("next: cd {} && make test && make run", opts.dir.display());
    Ok(Status::Clean)
}
