//! Parser for Go `text/template` (after src/text/template/parse/parse.go): builds the trees of
//! one source text (the main template plus its `define`s and `block`s), checks variables and
//! function names at parse time, and reports errors the way Go words them.

use std::sync::Arc;

use super::ast::{Arg, Command, Node, Pipe, Tree};
use super::lex::{Kw, Tok, Token, lex};
use super::literal::{parse_number, unquote, unquote_char};

/// Deepest nesting of parentheses and control structures accepted (Go allows 10000
/// parenthesized levels; we keep recursion shallow).
const MAX_DEPTH: usize = 1000;

#[derive(Debug)]
pub(crate) struct ParseFail {
    pub pos: usize,
    pub message: String,
    pub unknown_function: bool,
}

type PResult<T> = Result<T, ParseFail>;

/// Parses `src` as template `name` (file `parse_name`). Returns every tree: the main one first.
pub(crate) fn parse(name: &str, parse_name: &str, src: &str, has_func: &dyn Fn(&str) -> bool) -> PResult<Vec<Tree>> {
    let src_arc: Arc<str> = Arc::from(src);
    let mut p = Parser {
        toks: lex(src),
        i: 0,
        vars: vec!["$".into()],
        range_depth: 0,
        depth: 0,
        has_func,
        src: src_arc.clone(),
        parse_name: parse_name.to_string(),
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    let main = Tree { name: name.to_string(), parse_name: parse_name.to_string(), src: src_arc, root };
    let mut trees = std::mem::take(&mut p.trees);
    add_tree(&mut trees, main).map_err(|message| ParseFail { pos: 0, message, unknown_function: false })?;
    // The main tree goes first.
    if let Some(i) = trees.iter().position(|t| t.name == name) {
        let t = trees.remove(i);
        trees.insert(0, t);
    }
    Ok(trees)
}

/// Go's Tree.add within one parse: an empty tree never replaces, two non-empty ones conflict.
fn add_tree(trees: &mut Vec<Tree>, t: Tree) -> Result<(), String> {
    if let Some(old) = trees.iter_mut().find(|o| o.name == t.name) {
        if is_empty_tree(&old.root) {
            *old = t;
        } else if !is_empty_tree(&t.root) {
            return Err(format!("template: multiple definition of template \"{}\"", t.name));
        }
        return Ok(());
    }
    trees.push(t);
    Ok(())
}

/// Go's parse.IsEmptyTree: only whitespace text and comments.
pub(crate) fn is_empty_tree(nodes: &[Node]) -> bool {
    nodes.iter().all(|n| matches!(n, Node::Text(t) if t.trim_ascii().is_empty()))
}

struct Parser<'a> {
    toks: Vec<Token>,
    i: usize,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    has_func: &'a dyn Fn(&str) -> bool,
    src: Arc<str>,
    parse_name: String,
    trees: Vec<Tree>,
}

/// What ended an item list.
enum ListEnd {
    End,
    Else(usize),
}

impl Parser<'_> {
    fn err<T>(&self, pos: usize, message: impl Into<String>) -> PResult<T> {
        Err(ParseFail { pos, message: message.into(), unknown_function: false })
    }

    fn tok(&self, i: usize) -> &Token {
        &self.toks[i.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.tok(self.i).clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn peek(&self) -> &Token {
        self.tok(self.i)
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.tok != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.i -= 1;
        t
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn unexpected<T>(&self, t: &Token, context: &str) -> PResult<T> {
        if let Tok::Error(m) = &t.tok {
            return self.err(t.pos, m.clone());
        }
        self.err(t.pos, format!("unexpected {} in {}", t.tok.describe(), context))
    }

    fn expect(&mut self, want: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.tok != want {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn enter(&mut self, pos: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(pos, "max expression depth exceeded");
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().tok != Tok::Eof {
            if self.peek().tok == Tok::LeftDelim {
                let save = self.i;
                self.next();
                if self.next_non_space().tok == Tok::Kw(Kw::Define) {
                    self.parse_definition()?;
                    continue;
                }
                self.i = save;
            }
            match self.text_or_action()? {
                Item::Node(Some(n)) => root.push(n),
                Item::Node(None) => {}
                Item::End(pos) => return self.err(pos, "unexpected {{end}}"),
                Item::Else(pos) => return self.err(pos, "unexpected {{else}}"),
            }
        }
        Ok(root)
    }

    /// Parses a nested tree body (define/block) with its own variables.
    fn sub_tree(&mut self, name: String, context: &str) -> PResult<()> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        let (root, end) = self.item_list()?;
        self.vars = vars;
        self.range_depth = range_depth;
        if let ListEnd::Else(pos) = end {
            return self.err(pos, format!("unexpected {{{{else}}}} in {context}"));
        }
        let t = Tree { name, parse_name: self.parse_name.clone(), src: self.src.clone(), root };
        let pos = self.tok(self.i.saturating_sub(1)).pos;
        add_tree(&mut self.trees, t).map_err(|message| ParseFail { pos, message, unknown_function: false })
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let t = self.next_non_space();
        let name = match &t.tok {
            Tok::Str(s) | Tok::RawStr(s) => {
                unquote(s).map_err(|m| ParseFail { pos: t.pos, message: m, unknown_function: false })?
            }
            _ => return self.unexpected(&t, context),
        };
        self.expect(Tok::RightDelim, context)?;
        self.sub_tree(name, context)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, ListEnd)> {
        let mut list = Vec::new();
        while self.peek_non_space().tok != Tok::Eof {
            match self.text_or_action()? {
                Item::Node(Some(n)) => list.push(n),
                Item::Node(None) => {}
                Item::End(_) => return Ok((list, ListEnd::End)),
                Item::Else(pos) => return Ok((list, ListEnd::Else(pos))),
            }
        }
        let pos = self.peek().pos;
        self.err(pos, "unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.tok {
            Tok::Text(s) => Ok(Item::Node(Some(Node::Text(s)))),
            Tok::LeftDelim => self.action(),
            Tok::Comment => Ok(Item::Node(None)),
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        let node = match t.tok {
            Tok::Kw(Kw::Block) => self.block_control()?,
            Tok::Kw(Kw::Break) | Tok::Kw(Kw::Continue) => {
                let is_break = t.tok == Tok::Kw(Kw::Break);
                let ctx = if is_break { "{{break}}" } else { "{{continue}}" };
                let next = self.next_non_space();
                if next.tok != Tok::RightDelim {
                    return self.unexpected(&next, ctx);
                }
                if self.range_depth == 0 {
                    return self.err(t.pos, format!("{ctx} outside {{{{range}}}}"));
                }
                if is_break { Node::Break } else { Node::Continue }
            }
            Tok::Kw(Kw::Else) => {
                let peek = self.peek_non_space();
                if matches!(peek.tok, Tok::Kw(Kw::If) | Tok::Kw(Kw::With)) {
                    return Ok(Item::Else(peek.pos));
                }
                let end = self.expect(Tok::RightDelim, "else")?;
                return Ok(Item::Else(end.pos));
            }
            Tok::Kw(Kw::End) => {
                let end = self.expect(Tok::RightDelim, "end")?;
                return Ok(Item::End(end.pos));
            }
            Tok::Kw(Kw::If) => self.control(Ctl::If, t.pos)?,
            Tok::Kw(Kw::Range) => self.control(Ctl::Range, t.pos)?,
            Tok::Kw(Kw::With) => self.control(Ctl::With, t.pos)?,
            Tok::Kw(Kw::Template) => {
                let context = "template clause";
                let tok = self.next_non_space();
                let name = self.template_name(&tok, context)?;
                let pipe = if self.next_non_space().tok != Tok::RightDelim {
                    self.backup();
                    Some(self.pipeline(context, Tok::RightDelim)?)
                } else {
                    None
                };
                Node::Template { pos: tok.pos, name, pipe }
            }
            _ => {
                self.backup();
                let pos = self.peek().pos;
                Node::Action { pos, pipe: self.pipeline("command", Tok::RightDelim)? }
            }
        };
        Ok(Item::Node(Some(node)))
    }

    fn template_name(&self, t: &Token, context: &str) -> PResult<String> {
        match &t.tok {
            Tok::Str(s) | Tok::RawStr(s) => {
                unquote(s).map_err(|m| ParseFail { pos: t.pos, message: m, unknown_function: false })
            }
            _ => self.unexpected(t, context),
        }
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, context)?;
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        self.sub_tree(name.clone(), context)?;
        Ok(Node::Template { pos: tok.pos, name, pipe: Some(pipe) })
    }

    fn control(&mut self, ctl: Ctl, pos: usize) -> PResult<Node> {
        self.enter(pos)?;
        let nvars = self.vars.len();
        let r = self.control_inner(ctl, pos);
        self.vars.truncate(nvars);
        self.depth -= 1;
        r
    }

    fn control_inner(&mut self, ctl: Ctl, pos: usize) -> PResult<Node> {
        let context = ctl.word();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if ctl == Ctl::Range {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if ctl == Ctl::Range {
            self.range_depth -= 1;
        }
        let (list, end) = listed?;
        let mut else_list = None;
        if let ListEnd::Else(_) = end {
            let next = self.peek().tok.clone();
            if ctl == Ctl::If && next == Tok::Kw(Kw::If) {
                let t = self.next();
                else_list = Some(vec![self.control(Ctl::If, t.pos)?]);
            } else if ctl == Ctl::With && next == Tok::Kw(Kw::With) {
                let t = self.next();
                else_list = Some(vec![self.control(Ctl::With, t.pos)?]);
            } else {
                let (l, end) = self.item_list()?;
                if let ListEnd::Else(p) = end {
                    return self.err(p, "expected end; found {{else}}");
                }
                else_list = Some(l);
            }
        }
        Ok(match ctl {
            Ctl::If => Node::If { pipe, list, else_list },
            Ctl::With => Node::With { pipe, list, else_list },
            Ctl::Range => Node::Range { pos, pipe, list, else_list },
        })
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe { pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        'decls: loop {
            let v = self.peek_non_space();
            let Tok::Variable(name) = &v.tok else { break };
            let save = self.i;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.tok {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.tok == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                }
                Tok::Char(',') => {
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    if context == "range" && pipe.decl.len() < 2 {
                        let p = self.peek_non_space();
                        if matches!(p.tok, Tok::Variable(_) | Tok::RightDelim | Tok::RParen) {
                            continue 'decls;
                        }
                        return self.err(p.pos, "range can only initialize variables");
                    }
                    return self.err(v.pos, format!("too many declarations in {context}"));
                }
                _ => self.i = save,
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.tok == end {
                if pipe.cmds.is_empty() {
                    return self.err(t.pos, format!("missing value for {context}"));
                }
                for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(
                        c.args[0],
                        Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number { .. } | Arg::Str { .. }
                    ) {
                        return self.err(c.pos, format!("non executable command in pipeline stage {}", i + 1));
                    }
                }
                return Ok(pipe);
            }
            match t.tok {
                Tok::Bool(_)
                | Tok::CharConst(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Ident(_)
                | Tok::Number(_)
                | Tok::Kw(Kw::Nil)
                | Tok::RawStr(_)
                | Tok::Str(_)
                | Tok::Variable(_)
                | Tok::LParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(a) = self.operand()? {
                args.push(a);
            }
            let t = self.next();
            match t.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if args.is_empty() {
            return self.err(pos, "empty command");
        }
        Ok(Command { pos, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else { return Ok(None) };
        if !matches!(self.peek().tok, Tok::Field(_)) {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while let Tok::Field(f) = &self.peek().tok {
            fields.push(f.clone());
            self.next();
        }
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field { pos: chain_pos, idents }
            }
            Arg::Variable { mut idents, .. } => {
                idents.extend(fields);
                Arg::Variable { pos: chain_pos, idents }
            }
            Arg::Bool(..) | Arg::Str { .. } | Arg::Number { .. } | Arg::Nil(_) | Arg::Dot(_) => {
                return self
                    .err(node.pos(), format!("unexpected . after term {}", super::lex::go_quote(&node.to_string())));
            }
            other => Arg::Chain { pos: chain_pos, node: Box::new(other), fields },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        let pos = t.pos;
        let fail = |m: String| ParseFail { pos, message: m, unknown_function: false };
        Ok(Some(match t.tok {
            Tok::Ident(name) => {
                if !(self.has_func)(&name) {
                    return Err(ParseFail {
                        pos,
                        message: format!("function {} not defined", super::lex::go_quote(&name)),
                        unknown_function: true,
                    });
                }
                Arg::Ident { pos, name }
            }
            Tok::Dot => Arg::Dot(pos),
            Tok::Kw(Kw::Nil) => Arg::Nil(pos),
            Tok::Variable(v) => {
                if !self.vars.contains(&v) {
                    return self.err(pos, format!("undefined variable {}", super::lex::go_quote(&v)));
                }
                Arg::Variable { pos, idents: vec![v] }
            }
            Tok::Field(f) => Arg::Field { pos, idents: vec![f] },
            Tok::Bool(b) => Arg::Bool(pos, b),
            Tok::CharConst(text) => {
                let c = unquote_char(&text).map_err(fail)?;
                Arg::Number { pos, text, int: Some(c as i64), float: Some(c as u32 as f64), is_char: true }
            }
            Tok::Number(text) => {
                let (int, float) = parse_number(&text).map_err(fail)?;
                Arg::Number { pos, text, int, float, is_char: false }
            }
            Tok::LParen => {
                self.enter(pos)?;
                let p = self.pipeline("parenthesized pipeline", Tok::RParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(p?))
            }
            Tok::Str(quoted) | Tok::RawStr(quoted) => {
                let text = unquote(&quoted).map_err(fail)?;
                Arg::Str { pos, text, quoted }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

enum Item {
    Node(Option<Node>),
    End(usize),
    Else(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctl {
    If,
    With,
    Range,
}

impl Ctl {
    fn word(self) -> &'static str {
        match self {
            Ctl::If => "if",
            Ctl::With => "with",
            Ctl::Range => "range",
        }
    }
}
