//! Shell script → input: `commands`, every simple command of the script.

use std::collections::BTreeMap;

use serde_json::json;

use super::{Built, CommandFact, FileInput, document};
use crate::parse::ParseError;
use crate::parse::shell::split_script;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let none = BTreeMap::new();
    let commands = split_script(text).iter().map(|c| CommandFact::from_command(c, &none, "shell", "", c.pos)).collect();
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "shell", Vec::new(), commands, json!({})),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}
