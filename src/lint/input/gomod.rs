//! go.mod → input: `input.gomod` with the module path and the `go` and `toolchain` lines, each
//! with its position. A small hand-written reader: only these directives matter to the rules,
//! and golang.org/x/mod is Go.

use serde::Serialize;
use serde_json::json;

use super::{Built, FileInput, document};
use crate::parse::{ParseError, Pos};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Directive {
    pub value: String,
    #[serde(flatten)]
    pub pos: Pos,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct GoMod {
    pub module: Option<Directive>,
    pub go: Option<Directive>,
    pub toolchain: Option<Directive>,
}

pub fn parse(text: &str) -> Result<GoMod, ParseError> {
    let mut m = GoMod::default();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.split("//").next().unwrap_or("").trim();
        if in_block {
            if line == ")" {
                in_block = false;
            }
            continue;
        }
        if line.ends_with('(') {
            in_block = true;
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(keyword) = words.next() else { continue };
        let slot = match keyword {
            "module" => &mut m.module,
            "go" => &mut m.go,
            "toolchain" => &mut m.toolchain,
            _ => continue,
        };
        let Some(value) = words.next() else {
            return Err(ParseError::new(Pos::new(line_no, 1), format!("`{keyword}` directive without a value")));
        };
        let col = raw.find(value).map_or(1, |b| raw[..b].chars().count() as u32 + 1);
        *slot = Some(Directive { value: value.trim_matches('"').to_string(), pos: Pos::new(line_no, col) });
    }
    Ok(m)
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let gomod = parse(text)?;
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "gomod", Vec::new(), Vec::new(), json!({ "gomod": gomod })),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_go_and_toolchain() {
        let m = parse("module example.com/x // c\n\ngo 1.24.0\ntoolchain go1.24.3\nrequire (\n\tgo 1.0\n)\n").unwrap();
        assert_eq!(m.module.unwrap().value, "example.com/x");
        assert_eq!(m.go.clone().unwrap(), Directive { value: "1.24.0".into(), pos: Pos::new(3, 4) });
        assert_eq!(m.toolchain.unwrap().value, "go1.24.3");
        assert!(parse("go\n").is_err());
    }
}
