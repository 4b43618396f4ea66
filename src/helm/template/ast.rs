//! Parse trees. `Display` reproduces Go's `Node.String()`, which execution errors quote as
//! their context (`executing "x" at <.Values.a.b>: ...`).

use std::fmt::{self, Display, Formatter};
use std::sync::Arc;

/// One named template: a file's main body, a `define` or a `block`.
#[derive(Debug)]
pub(crate) struct Tree {
    pub name: String,
    /// The file it was parsed from (Go's ParseName), for error locations.
    pub parse_name: String,
    pub src: Arc<str>,
    pub root: Vec<Node>,
}

impl Tree {
    /// Go's (line, column) of a byte offset: 1-based line, 0-based byte column.
    pub(crate) fn line_col(&self, pos: usize) -> (u32, u32) {
        let pos = pos.min(self.src.len());
        let before = &self.src.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = before.iter().rposition(|&b| b == b'\n').map_or(pos, |nl| pos - nl - 1);
        (line as u32, col as u32)
    }
}

#[derive(Debug)]
pub(crate) enum Node {
    Text(String),
    Action { pos: usize, pipe: Pipe },
    If { pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    With { pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    Range { pos: usize, pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    Template { pos: usize, name: String, pipe: Option<Pipe> },
    Break,
    Continue,
}

#[derive(Debug)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

#[derive(Debug)]
pub(crate) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug)]
pub(crate) enum Arg {
    /// `.A.B`: the field names.
    Field {
        pos: usize,
        idents: Vec<String>,
    },
    /// `(pipe).A.B` or `fn.A` chains.
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    /// `$x.A.B`: `idents[0]` is the variable with its `$`.
    Variable {
        pos: usize,
        idents: Vec<String>,
    },
    Ident {
        pos: usize,
        name: String,
    },
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number {
        pos: usize,
        text: String,
        int: Option<i64>,
        float: Option<f64>,
        is_char: bool,
    },
    Str {
        pos: usize,
        text: String,
        quoted: String,
    },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::Str { pos, .. } => *pos,
            Arg::Dot(pos) | Arg::Nil(pos) | Arg::Bool(pos, _) => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

fn write_list(f: &mut Formatter<'_>, list: &[Node]) -> fmt::Result {
    list.iter().try_for_each(|n| write!(f, "{n}"))
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let control = |f: &mut Formatter<'_>, word: &str, pipe: &Pipe, list: &[Node], else_list: &Option<Vec<Node>>| {
            write!(f, "{{{{{word} {pipe}}}}}")?;
            write_list(f, list)?;
            if let Some(e) = else_list {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text(t) => f.write_str(t),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If { pipe, list, else_list, .. } => control(f, "if", pipe, list, else_list),
            Node::With { pipe, list, else_list, .. } => control(f, "with", pipe, list, else_list),
            Node::Range { pipe, list, else_list, .. } => control(f, "range", pipe, list, else_list),
            Node::Template { name, pipe, .. } => {
                let q = super::lex::go_quote(name);
                match pipe {
                    Some(p) => write!(f, "{{{{template {q} {p}}}}}"),
                    None => write!(f, "{{{{template {q}}}}}"),
                }
            }
            Node::Break => f.write_str("{{break}}"),
            Node::Continue => f.write_str("{{continue}}"),
        }
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match a {
                Arg::Pipe(p) => write!(f, "({p})")?,
                a => write!(f, "{a}")?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => idents.iter().try_for_each(|i| write!(f, ".{i}")),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    n => write!(f, "{n}")?,
                }
                fields.iter().try_for_each(|i| write!(f, ".{i}"))
            }
            Arg::Variable { idents, .. } => f.write_str(&idents.join(".")),
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number { text, .. } => f.write_str(text),
            Arg::Str { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}
