//! `paved rules` and `paved explain RULE`: the rule catalogue for people and scripts.

use anyhow::{Result, bail};

use crate::Status;
use crate::cli::{ExplainArgs, RulesArgs};
use crate::lint::{catalogue, engine::Engine};

pub fn rules(args: RulesArgs) -> Result<Status> {
    let rules = catalogue::all(Engine::load(&[])?.rules());
    match args.format.as_str() {
        "human" => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rules {
                println!(
                    "{:<width$}  {:<7}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.title.split_whitespace().collect::<Vec<_>>().join(" ")
                );
            }
        }
        "json" => println!("{}", serde_json::to_string_pretty(&rules)?),
        "markdown" => print!("{}", catalogue::markdown(&rules)),
        other => bail!("--format {other:?}: expected human, json or markdown"),
    }
    Ok(Status::Clean)
}

pub fn explain(args: ExplainArgs) -> Result<Status> {
    let rules = catalogue::all(Engine::load(&[])?.rules());
    match rules.iter().find(|r| r.id == args.rule) {
        Some(r) => {
            print!("{}", catalogue::explain(r));
            Ok(Status::Clean)
        }
        None => {
            let mut close: Vec<&str> = rules
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| id.contains(&args.rule) || args.rule.contains(*id))
                .collect();
            close.truncate(5);
            let hint = if close.is_empty() {
                "run `paved rules` for the list".to_string()
            } else {
                format!("did you mean {}?", close.join(", "))
            };
            bail!("unknown rule {:?}; {hint}", args.rule)
        }
    }
}
