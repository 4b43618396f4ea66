//! One parser per input format. Every parser keeps a [`Pos`] on every node it produces, never
//! panics, and reports unparseable input as a [`ParseError`] with the position where it failed.

pub mod dockerfile;
pub mod golang;
pub mod makefile;
pub mod pos;
pub mod shell;
pub mod yaml;

pub use pos::{LineIndex, ParseError, Pos};
