//! One parser per input format. Every parser keeps a [`Pos`] on every node it produces, never
//! panics, and reports unparseable input as a [`ParseError`] with the position where it failed.

pub mod pos;

pub use pos::{LineIndex, ParseError, Pos};
