//! Dockerfile → input: `input.dockerfile` is the parsed file (stages, instructions, ENV/ARG
//! in effect, USER), `images` are the FROM images (not earlier stages, not scratch), and
//! `commands` the commands of every RUN with the ENV/ARG values in effect.

use serde_json::json;

use super::{Built, CommandFact, FileInput, ImageFact, document};
use crate::parse::ParseError;
use crate::parse::dockerfile;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let df = dockerfile::parse(text)?;
    let mut images = Vec::new();
    let mut commands = Vec::new();
    for stage in &df.stages {
        let from = &stage.from;
        if from.base_stage.is_none() && !from.scratch {
            let mut fact = ImageFact::new(&from.image, "FROM", from.image_pos);
            if from.unresolved {
                fact.reference = None;
            }
            images.push(fact);
        }
        let owner = stage.name.clone().unwrap_or_else(|| format!("stage {}", stage.index));
        for ins in &stage.instructions {
            for cmd in &ins.commands {
                commands.push(CommandFact::from_command(cmd, &ins.env, "RUN", &owner, cmd.pos));
            }
        }
    }
    let extra = json!({ "dockerfile": df });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "dockerfile", images, commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
    })))
}
