//! Makefile → input: `input.makefile` (variables, rules, recipes, exports) and `commands`, the
//! commands of every recipe line after Make expansion, with the exported variables in effect.

use serde_json::json;

use super::{Built, CommandFact, FileInput, document};
use crate::parse::ParseError;
use crate::parse::makefile;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let mk = makefile::parse(text)?;
    let mut commands = Vec::new();
    for rule in &mk.rules {
        let owner = rule.targets.join(" ");
        for line in &rule.recipe {
            for cmd in &line.commands {
                commands.push(CommandFact::from_command(cmd, &mk.exports, "recipe", &owner, cmd.pos));
            }
        }
    }
    let extra = json!({ "makefile": mk });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "makefile", Vec::new(), commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
    })))
}
