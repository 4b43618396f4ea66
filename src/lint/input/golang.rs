//! Go source → input: `input.go`, what the file does with HTTP (routes it registers, addresses
//! it listens on, `http.Server` literals and their fields, calls that serve with the default
//! server), with `is_test` for `_test.go` files.

use serde_json::json;

use super::{Built, FileInput, document};
use crate::parse::ParseError;
use crate::parse::golang;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let mut go = golang::parse(text);
    go.is_test = path.ends_with("_test.go");
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "go", Vec::new(), Vec::new(), json!({ "go": go })),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}
