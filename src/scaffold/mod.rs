//! `paved new`: resolve options, render the embedded service templates, write them safely.

pub mod go_release;
pub mod options;
pub mod prompt;
pub mod record;
pub mod render;
pub mod validate;
pub mod write;

pub use options::Options;
pub use render::{GeneratedFile, render};
pub use write::write_project;
