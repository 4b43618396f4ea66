//! YAML parser that keeps a source position on every node, for `paved lint` findings in
//! Kubernetes manifests, GitHub Actions workflows and GitLab CI files.
//!
//! Why it exists: a finding must point at the exact line and column, and the lint rules must see
//! YAML as written: a quoted `"8080"` is a string, `on:` is the string `"on"` (YAML 1.2 core
//! schema), `!reference [a, b]` keeps its tag, `<<: *defaults` is merged.
//!
//! Design: we drive the event stream of `granit-parser` (the YAML 1.2 parser under
//! `serde-saphyr`, re-exported as `serde_saphyr::granit_parser`, so no extra dependency) and
//! build the tree ourselves, instead of deserializing into `serde_saphyr::Spanned<T>` types.
//! Deserialization resolves scalars by the Rust target type (quoted "8080" becomes an int when an
//! int is asked for, and a generic target loses the scalar style and tags), and its spans
//! describe values, not keys. Events carry everything we need: the scalar text and style, tags,
//! anchor ids and a span with line, character column and byte offset. We add what events lack:
//! core-schema resolution of plain scalars, alias expansion, merge keys, duplicate-key notes,
//! the position of a block scalar's `|`/`>` indicator (events point at its first content line)
//! and of an indentless sequence's first `-`. The tree is built with an explicit stack, so
//! hostile input cannot overflow ours; `Limits` bound depth (also passed to the parser as its
//! nesting limits), total nodes, and the nodes and bytes copied by aliases (billion laughs).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use serde_saphyr::granit_parser::{self as gp, Event, Marker, Span, StructureStyle, Tag};

use super::pos::{ParseError, Pos};

/// Resource limits for one `parse_stream` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of collections (a scalar at the top level has depth 1). `Node`'s
    /// `to_json`, `clone` and drop recurse, so keep this in the hundreds.
    pub max_depth: usize,
    /// Nodes allocated in the whole stream: parsed nodes, alias copies and anchor snapshots.
    pub max_nodes: usize,
    /// Nodes created by expanding aliases (a merge `<<: *x` expands an alias too).
    pub max_alias_expansion: usize,
    /// Bytes of scalar text copied by expanding aliases.
    pub max_alias_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_depth: 256, max_nodes: 1_000_000, max_alias_expansion: 100_000, max_alias_bytes: 16 << 20 }
    }
}

/// One YAML document of a stream (a file without content has no documents).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The content; `Null` for an empty document such as `---` followed by only comments.
    pub root: Node,
    /// Where the document starts: its `---`, or its first content for an implicit start.
    pub start: Pos,
    /// Keys given twice in one mapping (the last value wins); not noted for merged keys.
    pub duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Pos,
    pub duplicate: Pos,
}

/// How a scalar was written; `Plain` for collections and for null from an empty value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScalarStyle {
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// A scalar's first character (its opening quote, or the `|`/`>` of a block scalar); a block
    /// mapping's first key; a block sequence's first `-`; a flow collection's `[`/`{`.
    pub pos: Pos,
    pub value: Value,
    pub style: ScalarStyle,
    /// The tag as written (`!reference`, `!!str`), if any.
    pub tag: Option<String>,
    /// First character of the content: after the opening quote of a quoted scalar; for a block
    /// scalar, the line after its header at the block's indentation; else `pos`.
    pub content: Pos,
    /// Which file of a build the node comes from: 0 for the file it was parsed from. Renderers
    /// that combine files (Kustomize) number their files and set this on every node they load,
    /// so a value keeps its origin through patches and transformers.
    pub src: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Also integers beyond the `i64` range.
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order, with the key nodes.
    Map(Vec<(Node, Node)>),
}

/// Parses every document of `text`. Stops at the first syntax error or exceeded limit.
pub fn parse_stream(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    let mut options = gp::Options::default();
    options.set_emit_comments(false);
    options.flow_nesting_limit = limits.max_depth;
    options.block_nesting_limit = limits.max_depth;
    let mut builder = Builder {
        text,
        limits,
        docs: Vec::new(),
        stack: Vec::new(),
        root: None,
        start: Pos::default(),
        dups: Vec::new(),
        anchors: HashMap::new(),
        last_end: Marker::default(),
        nodes: 0,
        alias_nodes: 0,
        alias_bytes: 0,
    };
    for item in gp::Parser::new_from_str_with_options(text, options) {
        let (event, span) = item.map_err(|e| ParseError::new(marker_pos(e.marker()), e.info()))?;
        builder.event(event, &span)?;
        builder.last_end = span.end;
    }
    Ok(builder.docs)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn marker_pos(m: &Marker) -> Pos {
    Pos::new(to_u32(m.line()), to_u32(m.col()).saturating_add(1))
}

/// Size of a finished subtree, for the depth and alias limits.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    height: usize,
    nodes: usize,
    bytes: usize,
}

impl Stats {
    fn add(&mut self, child: Stats) {
        self.height = self.height.max(child.height + 1);
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.bytes = self.bytes.saturating_add(child.bytes);
    }
}

enum Kind {
    Seq(Vec<Node>),
    /// Entries as parsed, `<<` merges as (index in `entries` where they stood, merged entries).
    Map {
        entries: Vec<(Node, Node)>,
        merges: Vec<(usize, Vec<(Node, Node)>)>,
        key: Option<Node>,
    },
}

struct Frame {
    pos: Pos,
    tag: Option<String>,
    anchor: usize,
    stats: Stats,
    kind: Kind,
}

struct Builder<'a> {
    text: &'a str,
    limits: &'a Limits,
    docs: Vec<Document>,
    stack: Vec<Frame>,
    root: Option<Node>,
    start: Pos,
    dups: Vec<DuplicateKey>,
    /// Finished anchored nodes of the current document, by parser anchor id.
    anchors: HashMap<usize, (Node, Stats)>,
    /// End of the previous event: where the search for a block scalar's indicator starts.
    last_end: Marker,
    nodes: usize,
    alias_nodes: usize,
    alias_bytes: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), ParseError> {
        let pos = marker_pos(&span.start);
        match event {
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.start = pos;
            }
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or_else(|| null_node(self.start));
                let duplicate_keys = std::mem::take(&mut self.dups);
                self.docs.push(Document { root, start: self.start, duplicate_keys });
                self.stack.clear();
                self.anchors.clear();
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, pos)?;
                let node = self.scalar(&text, style, tag.as_deref(), span)?;
                let stats = Stats { height: 1, nodes: 1, bytes: text.len() };
                self.finish(node, stats, anchor)?;
            }
            Event::SequenceStart(style, anchor, tag) => {
                let pos = match style {
                    StructureStyle::Block => self.block_seq_pos(span),
                    _ => pos,
                };
                self.open(pos, tag.as_deref(), anchor, Kind::Seq(Vec::new()))?;
            }
            Event::MappingStart(_, anchor, tag) => {
                let kind = Kind::Map { entries: Vec::new(), merges: Vec::new(), key: None };
                self.open(pos, tag.as_deref(), anchor, kind)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(ParseError::new(pos, "unbalanced collection end"));
                };
                let value = match frame.kind {
                    Kind::Seq(items) => Value::Seq(items),
                    Kind::Map { entries, merges, .. } => Value::Map(finish_map(entries, merges, &mut self.dups)),
                };
                let node = Node {
                    pos: frame.pos,
                    value,
                    style: ScalarStyle::Plain,
                    tag: frame.tag,
                    content: frame.pos,
                    src: 0,
                };
                self.finish(node, frame.stats, frame.anchor)?;
            }
            Event::Alias(id) => {
                let Some((node, stats)) = self.anchors.get(&id) else {
                    return Err(ParseError::new(pos, "alias to an unknown or unfinished (recursive) anchor"));
                };
                let stats = *stats;
                self.alias_nodes = self.alias_nodes.saturating_add(stats.nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(stats.bytes);
                if self.alias_nodes > self.limits.max_alias_expansion || self.alias_bytes > self.limits.max_alias_bytes
                {
                    return Err(ParseError::new(pos, "aliases expand to too much data (alias bomb?)"));
                }
                self.check_depth(self.stack.len() + stats.height, pos)?;
                let node = node.clone();
                self.count(stats.nodes, pos)?;
                self.attach(node, stats)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::new(pos, format!("more than {} YAML nodes", self.limits.max_nodes)));
        }
        Ok(())
    }

    fn check_depth(&self, depth: usize, pos: Pos) -> Result<(), ParseError> {
        if depth > self.limits.max_depth {
            return Err(ParseError::new(pos, format!("nesting deeper than {} levels", self.limits.max_depth)));
        }
        Ok(())
    }

    fn open(&mut self, pos: Pos, tag: Option<&Tag>, anchor: usize, kind: Kind) -> Result<(), ParseError> {
        self.check_depth(self.stack.len() + 1, pos)?;
        self.count(1, pos)?;
        let tag = tag.map(Tag::original);
        let stats = Stats { height: 1, nodes: 1, bytes: tag.as_ref().map_or(0, String::len) };
        self.stack.push(Frame { pos, tag, anchor, stats, kind });
        Ok(())
    }

    /// A node is complete: remember it if anchored, then hand it to its parent.
    fn finish(&mut self, node: Node, stats: Stats, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            self.count(stats.nodes, node.pos)?; // the snapshot kept for aliases
            self.anchors.insert(anchor, (node.clone(), stats));
        }
        self.attach(node, stats)
    }

    fn attach(&mut self, node: Node, stats: Stats) -> Result<(), ParseError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.stats.add(stats);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map { key: slot @ None, .. } => *slot = Some(node),
            Kind::Map { entries, merges, key } => {
                let Some(key) = key.take() else { return Ok(()) };
                if !is_merge_key(&key) {
                    entries.push((key, node));
                    return Ok(());
                }
                let pos = node.pos;
                let mut merged = Vec::new();
                match node.value {
                    Value::Map(m) => merged = m,
                    Value::Seq(items) => {
                        for item in items {
                            let Value::Map(m) = item.value else {
                                return Err(ParseError::new(item.pos, "`<<` merges only mappings"));
                            };
                            merged.extend(m);
                        }
                    }
                    _ => return Err(ParseError::new(pos, "`<<` needs a mapping or a sequence of mappings")),
                }
                merges.push((entries.len(), merged));
            }
        }
        Ok(())
    }

    fn scalar(&self, text: &str, style: gp::ScalarStyle, tag: Option<&Tag>, span: &Span) -> Result<Node, ParseError> {
        let start = marker_pos(&span.start);
        let style = match style {
            gp::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            gp::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            gp::ScalarStyle::Literal => ScalarStyle::Literal,
            gp::ScalarStyle::Folded => ScalarStyle::Folded,
            _ => ScalarStyle::Plain,
        };
        let (pos, content) = match style {
            ScalarStyle::Plain => (start, start),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                (start, Pos::new(start.line, start.col.saturating_add(1)))
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let col = span.indent.map_or(start.col, |i| to_u32(i).saturating_add(1));
                match find_block_indicator(self.text, &self.last_end, &span.start) {
                    Some(ind) => (ind, Pos::new(ind.line.saturating_add(1), col)),
                    None => (start, Pos::new(start.line, col)),
                }
            }
        };
        // A block scalar that runs to the end of a file without a final newline has no final
        // line break to keep (YAML 1.2 §8.1.1.2; libyaml and go-yaml agree); the parser adds one.
        let text = match style {
            ScalarStyle::Literal | ScalarStyle::Folded
                if !self.text.ends_with('\n')
                    && span
                        .end
                        .byte_offset()
                        .and_then(|b| self.text.get(b..))
                        .is_some_and(|rest| rest.trim().is_empty()) =>
            {
                text.strip_suffix('\n').unwrap_or(text)
            }
            _ => text,
        };
        let value = resolve(text, style, tag).map_err(|m| ParseError::new(pos, m))?;
        Ok(Node { pos, value, style, tag: tag.map(Tag::original), content, src: 0 })
    }

    /// A block sequence's first `-`. The parser gives it, except for an "indentless" sequence (a
    /// mapping value at the key's indentation) where it gives the first item: then find the `-`
    /// before the item on its line, at the column of the mapping's keys.
    fn block_seq_pos(&self, span: &Span) -> Pos {
        let pos = marker_pos(&span.start);
        let Some(Frame { pos: map_pos, kind: Kind::Map { .. }, .. }) = self.stack.last() else { return pos };
        let Some(before) = span.start.byte_offset().and_then(|b| self.text.get(..b)) else { return pos };
        let line = before.rsplit(['\n', '\r']).next().unwrap_or("");
        let trimmed = line.trim_end_matches([' ', '\t']);
        let skipped = line.len() - trimmed.len();
        if trimmed.ends_with('-') && span.start.col() > skipped {
            let dash = Pos::new(pos.line, to_u32(span.start.col() - skipped));
            if dash.col == map_pos.col {
                return dash;
            }
        }
        pos
    }
}

fn null_node(pos: Pos) -> Node {
    Node { pos, value: Value::Null, style: ScalarStyle::Plain, tag: None, content: pos, src: 0 }
}

fn is_merge_key(key: &Node) -> bool {
    key.style == ScalarStyle::Plain
        && matches!(&key.value, Value::String(s) if s == "<<")
        && key.tag.as_deref().is_none_or(|t| t == "!!merge")
}

/// The `|` or `>` of a block scalar: the first indicator after the previous event, skipping
/// what may stand between (`:`, `-`, `?`, blanks, line breaks, comments, anchors and tags).
fn find_block_indicator(text: &str, from: &Marker, to: &Marker) -> Option<Pos> {
    let between = text.get(from.byte_offset()?..to.byte_offset()?)?;
    let (mut line, mut col) = (from.line(), from.col());
    let mut chars = between.chars().peekable();
    fn skip_to(stop: fn(char) -> bool, col: &mut usize, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
        while chars.next_if(|&c| !stop(c)).is_some() {
            *col += 1;
        }
    }
    while let Some(c) = chars.next() {
        match c {
            '|' | '>' => return Some(Pos::new(to_u32(line), to_u32(col + 1))),
            '\n' | '\r' => {
                if c == '\r' {
                    chars.next_if_eq(&'\n');
                }
                line += 1;
                col = 0;
                continue;
            }
            '#' => skip_to(|c| c == '\n' || c == '\r', &mut col, &mut chars),
            '&' | '!' => skip_to(|c| c.is_whitespace(), &mut col, &mut chars),
            ' ' | '\t' | ':' | '-' | '?' | '\u{feff}' => {}
            _ => return None,
        }
        col += 1;
    }
    None
}

/// The value of a scalar under the YAML 1.2 core schema: plain scalars are resolved, quoted and
/// block scalars are strings, `!!str`/`!!int`/`!!float`/`!!bool`/`!!null` force their type, and
/// other tags (`!reference`, `!Ref`, `!`) keep the text as a string.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let core = tag.and_then(Tag::core_suffix);
    let want = match (tag, core) {
        (None, _) if style == ScalarStyle::Plain => return Ok(resolve_plain(text)),
        (None, _) | (Some(_), None | Some("str" | "seq" | "map")) => return Ok(Value::String(text.to_owned())),
        (Some(_), Some(want)) => want,
    };
    let value = if text.is_empty() { Value::Null } else { resolve_plain(text) };
    match (want, value) {
        ("null", v @ Value::Null) | ("bool", v @ Value::Bool(_)) | ("int", v @ Value::Int(_)) => Ok(v),
        ("float", v @ Value::Float(_)) => Ok(v),
        ("float", Value::Int(i)) => Ok(Value::Float(i as f64)),
        _ => Err(format!("{text:?} is not a valid !!{want}")),
    }
}

fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Value::Float(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    let radix = |digits: &str, radix: u32| {
        let ok = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        ok.then(|| match i64::from_str_radix(digits, radix) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(
                digits
                    .chars()
                    .filter_map(|c| c.to_digit(radix))
                    .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
            ),
        })
    };
    // 0x and 0o take no sign in the core schema.
    if let Some(v) =
        s.strip_prefix("0x").and_then(|d| radix(d, 16)).or_else(|| s.strip_prefix("0o").and_then(|d| radix(d, 8)))
    {
        return v;
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) && !unsigned.is_empty() {
        return match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => s.parse::<f64>().map_or_else(|_| Value::String(s.to_owned()), Value::Float),
        };
    }
    if is_core_float(unsigned)
        && let Ok(f) = s.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(s.to_owned())
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?` (the sign is already removed).
fn is_core_float(s: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let int = digits(s);
    let mut rest = &s[int..];
    let mut frac = 0;
    if let Some(r) = rest.strip_prefix('.') {
        frac = digits(r);
        rest = &r[frac..];
    } else if int == 0 {
        return false;
    }
    if int == 0 && frac == 0 {
        return false;
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        return !exp.is_empty() && digits(exp) == exp.len();
    }
    rest.is_empty()
}

/// A scalar key's identity for duplicate detection and merging (collection keys have none).
#[derive(PartialEq, Eq, Hash)]
enum KeyId<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(&'a str),
}

fn key_id(node: &Node) -> Option<KeyId<'_>> {
    Some(match &node.value {
        Value::Null => KeyId::Null,
        Value::Bool(b) => KeyId::Bool(*b),
        Value::Int(i) => KeyId::Int(*i),
        Value::Float(f) => KeyId::Float(f.to_bits()),
        Value::String(s) => KeyId::Str(s),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// Applies the last-wins rule for duplicate keys (noting each) and `<<` merges, where explicit
/// keys win over merged ones and an earlier merged mapping over a later one. Merged entries take
/// the place of their `<<` key. Lookups go through a hash index of entry positions.
fn finish_map(
    entries: Vec<(Node, Node)>,
    merges: Vec<(usize, Vec<(Node, Node)>)>,
    dups: &mut Vec<DuplicateKey>,
) -> Vec<(Node, Node)> {
    let mut merges = if merges.is_empty() {
        Vec::new()
    } else {
        let explicit: std::collections::HashSet<KeyId> = entries.iter().filter_map(|(k, _)| key_id(k)).collect();
        let keep = |(k, _): &(Node, Node)| key_id(k).is_none_or(|id| !explicit.contains(&id));
        merges.into_iter().map(|(at, m)| (at, m.into_iter().filter(keep).collect::<Vec<_>>())).collect()
    };
    merges.reverse(); // popped from the end, in source order
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    let mut index = KeyIndex::default();
    let total = entries.len();
    let mut entries = entries.into_iter();
    for i in 0..=total {
        while merges.last().is_some_and(|(at, _)| *at == i) {
            for (k, v) in merges.pop().map(|(_, m)| m).unwrap_or_default() {
                if index.find(&out, &k).is_none() {
                    index.remember(&out, &k, out.len());
                    out.push((k, v));
                }
            }
        }
        let Some((k, v)) = entries.next() else { break };
        match index.find(&out, &k) {
            Some(j) => {
                if let Some(slot) = out.get_mut(j) {
                    dups.push(DuplicateKey { key: key_text(&k).into_owned(), first: slot.0.pos, duplicate: k.pos });
                    *slot = (k, v);
                }
            }
            None => {
                index.remember(&out, &k, out.len());
                out.push((k, v));
            }
        }
    }
    out
}

/// Finds scalar keys among a mapping's entries: a linear scan while the mapping is small, then a
/// hash index (randomly seeded, so hostile keys cannot be made to collide).
#[derive(Default)]
struct KeyIndex {
    hashed: Option<(std::hash::RandomState, HashMap<u64, Vec<usize>>)>,
}

impl KeyIndex {
    const LINEAR: usize = 8;

    fn find(&self, out: &[(Node, Node)], key: &Node) -> Option<usize> {
        let id = key_id(key)?;
        let same = |j: &usize| out.get(*j).and_then(|(k, _)| key_id(k)).is_some_and(|other| other == id);
        match &self.hashed {
            None => (0..out.len()).find(same),
            Some((state, by_hash)) => by_hash.get(&state.hash_one(&id))?.iter().copied().find(same),
        }
    }

    /// Notes that `out[at]` (about to be pushed) has key `key`.
    fn remember(&mut self, out: &[(Node, Node)], key: &Node, at: usize) {
        if self.hashed.is_none() && at >= Self::LINEAR {
            let mut hashed = (std::hash::RandomState::new(), HashMap::new());
            for (j, (k, _)) in out.iter().enumerate() {
                if let Some(id) = key_id(k) {
                    hashed.1.entry(hashed.0.hash_one(&id)).or_insert_with(Vec::new).push(j);
                }
            }
            self.hashed = Some(hashed);
        }
        if let (Some((state, by_hash)), Some(id)) = (&mut self.hashed, key_id(key)) {
            by_hash.entry(state.hash_one(&id)).or_default().push(at);
        }
    }
}

/// A key as a JSON object key: strings as is, other scalars as their YAML 1.2 text
/// (`8080`, `true`, `null`, `.inf`), collections as their JSON text.
pub fn key_text(key: &Node) -> Cow<'_, str> {
    match &key.value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed("null"),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Float(f) => Cow::Owned(float_text(*f)),
        Value::Seq(_) | Value::Map(_) => Cow::Owned(key.to_json().to_string()),
    }
}

fn float_text(f: f64) -> String {
    match f {
        f if f.is_nan() => ".nan".into(),
        f64::INFINITY => ".inf".into(),
        f64::NEG_INFINITY => "-.inf".into(),
        f => format!("{f:?}"),
    }
}

impl Node {
    /// The value of a mapping's key, for a key whose [`key_text`] is `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The (key, value) entry of a mapping for a key whose [`key_text`] is `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?.iter().find(|(k, _)| key_text(k) == key).map(|(k, v)| (k, v))
    }

    /// Position of the key itself (`image` in `image: nginx`).
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entry(key).map(|(k, _)| k.pos)
    }

    pub fn as_str(&self) -> Option<&str> {
        if let Value::String(s) = &self.value { Some(s) } else { None }
    }

    pub fn as_bool(&self) -> Option<bool> {
        if let Value::Bool(b) = self.value { Some(b) } else { None }
    }

    pub fn as_i64(&self) -> Option<i64> {
        if let Value::Int(i) = self.value { Some(i) } else { None }
    }

    /// Floats and ints.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Float(f) => Some(f),
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        if let Value::Seq(items) = &self.value { Some(items) } else { None }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        if let Value::Map(entries) = &self.value { Some(entries) } else { None }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self.value, Value::Seq(_) | Value::Map(_))
    }

    /// The kind of value, for messages: "null", "boolean", "integer", "number", "string",
    /// "sequence" or "mapping".
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// A scalar's text as YAML 1.2 would print it (`8080`, `true`, `null`); `None` for collections.
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        self.is_scalar().then(|| key_text(self))
    }

    /// The JSON value: keys through [`key_text`], NaN and infinities as the strings `.nan`,
    /// `.inf`, `-.inf`. Recursion is bounded by `Limits::max_depth`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| J::String(float_text(*f)), J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                J::Object(entries.iter().map(|(k, v)| (key_text(k).into_owned(), v.to_json())).collect())
            }
        }
    }

    /// The node at an RFC 6901 JSON pointer (`""` is this node, `/a~1b/0` is `self["a/b"][0]`).
    pub fn pointer(&self, ptr: &str) -> Option<&Node> {
        let (node, rest) = self.walk(ptr);
        rest.then_some(node)
    }

    /// The position for a finding at `ptr`: the node if it exists, else the nearest existing
    /// ancestor (a missing key points at the mapping that should hold it).
    pub fn locate(&self, ptr: &str) -> Pos {
        self.walk(ptr).0.pos
    }

    /// The deepest node reached along `ptr`, and whether it is the whole way.
    fn walk(&self, ptr: &str) -> (&Node, bool) {
        if ptr.is_empty() {
            return (self, true);
        }
        let Some(ptr) = ptr.strip_prefix('/') else { return (self, false) };
        let mut node = self;
        for token in ptr.split('/') {
            let token: Cow<str> =
                if token.contains('~') { token.replace("~1", "/").replace("~0", "~").into() } else { token.into() };
            let next = match &node.value {
                Value::Seq(items) if token == "0" || !token.starts_with(['0', '+']) => {
                    token.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                Value::Map(_) => node.get(&token),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => return (node, false),
            }
        }
        (node, true)
    }

    /// Where line `k` (0-based) of a scalar's content starts in the file. For a literal or folded
    /// block scalar that is file line (header line + 1 + k) at the block's indentation, so a
    /// finding on line k of a `run: |` script maps to its file line. For other scalars, line 0
    /// is [`Node::content`] and later lines, whose columns the folding hides, map to it too.
    pub fn content_line_pos(&self, k: usize) -> Pos {
        match self.style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                Pos::new(self.content.line.saturating_add(to_u32(k)), self.content.col)
            }
            _ => self.content,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn docs(text: &str) -> Vec<Document> {
        parse_stream(text, &Limits::default()).unwrap_or_else(|e| panic!("{e} in {text:?}"))
    }

    fn root(text: &str) -> Node {
        docs(text).into_iter().next().expect("one document").root
    }

    fn err(text: &str) -> ParseError {
        parse_stream(text, &Limits::default()).expect_err("should fail")
    }

    fn p(line: u32, col: u32) -> Pos {
        Pos::new(line, col)
    }

    fn at<'a>(n: &'a Node, ptr: &str) -> &'a Node {
        n.pointer(ptr).unwrap_or_else(|| panic!("no {ptr}"))
    }

    #[test]
    fn a_block_scalar_at_the_end_of_a_file_without_a_newline_ends_without_one() {
        assert_eq!(root("a: |\n  x\n  y").get("a").unwrap().as_str(), Some("x\ny"));
        assert_eq!(root("a: |\n  x\n  y\n").get("a").unwrap().as_str(), Some("x\ny\n"));
        assert_eq!(root("a: >\n  x\n  y").get("a").unwrap().as_str(), Some("x y"));
        assert_eq!(root("a: |\n  x\nb: 1").get("a").unwrap().as_str(), Some("x\n"));
        // Offsets are bytes: text before the scalar that is not ASCII changes nothing.
        assert_eq!(root("é: ü\na: |\n  x\n  y").get("a").unwrap().as_str(), Some("x\ny"));
        assert_eq!(root("é: |\n  ü\nb: ☃").get("é").unwrap().as_str(), Some("ü\n"));
    }

    #[test]
    fn positions_of_each_construct() {
        let text = "\
kind: Deployment
spec:
  containers:
    - name: app
      image: \"nginx:1.25\"
      args: ['-v', {k: v}]
      ports: [ {containerPort: 8080} ]
  script: |
    echo hi
  folded: >-
    text
  single: 'x'
";
        let r = root(text);
        assert_eq!(r.pos, p(1, 1), "block mapping: its first key");
        assert_eq!(r.key_pos("spec"), Some(p(2, 1)));
        assert_eq!(at(&r, "/kind").pos, p(1, 7));
        assert_eq!(at(&r, "/spec").pos, p(3, 3));
        assert_eq!(at(&r, "/spec/containers").pos, p(4, 5), "block sequence: its first `-`");
        let item = at(&r, "/spec/containers/0");
        assert_eq!(item.pos, p(4, 7), "`- name: app`: position of `name`");
        assert_eq!(item.key_pos("image"), Some(p(5, 7)));
        assert_eq!(at(item, "/image").pos, p(5, 14), "quoted: the opening quote");
        assert_eq!(at(item, "/image").content, p(5, 15));
        assert_eq!(at(item, "/image").style, ScalarStyle::DoubleQuoted);
        assert_eq!(at(item, "/args").pos, p(6, 13), "flow sequence: its `[`");
        assert_eq!(at(item, "/args/0").pos, p(6, 14));
        assert_eq!(at(item, "/args/1").pos, p(6, 20), "flow mapping: its `{{`");
        assert_eq!(at(item, "/args/1/k").pos, p(6, 24));
        assert_eq!(at(item, "/ports/0/containerPort").pos, p(7, 32));
        assert_eq!(at(&r, "/spec/script").pos, p(8, 11), "block scalar: its indicator");
        assert_eq!(at(&r, "/spec/script").style, ScalarStyle::Literal);
        assert_eq!(at(&r, "/spec/folded").pos, p(10, 11));
        assert_eq!(at(&r, "/spec/folded").style, ScalarStyle::Folded);
        assert_eq!(at(&r, "/spec/folded").as_str(), Some("text"));
        assert_eq!(at(&r, "/spec/single").style, ScalarStyle::SingleQuoted);
        assert_eq!(at(&r, "/spec/single").pos, p(12, 11));
    }

    #[test]
    fn indentless_and_nested_sequences_point_at_their_dash() {
        let r = root("a:\n- x\n- - y\nb:\n  - - z\nc:\n-\n  k: v\n");
        assert_eq!(at(&r, "/a").pos, p(2, 1));
        assert_eq!(at(&r, "/a/0").pos, p(2, 3));
        assert_eq!(at(&r, "/a/1").pos, p(3, 3));
        assert_eq!(at(&r, "/a/1/0").pos, p(3, 5));
        assert_eq!(at(&r, "/b").pos, p(5, 3));
        assert_eq!(at(&r, "/b/0").pos, p(5, 5));
        assert_eq!(at(&r, "/c").pos, p(7, 1));
        assert_eq!(at(&r, "/c/0").pos, p(8, 3));
        let r = root("- name: a\n  steps:\n  - run: x\n");
        assert_eq!(at(&r, "/0/steps").pos, p(3, 3));
        assert_eq!(at(&r, "/0/steps/0").pos, p(3, 5));
    }

    #[test]
    fn block_scalar_indicator_after_properties_and_comments() {
        let r = root("a: &x !t |  # c | >\n  one\nb: # note\n  >+\n  two\n\n");
        assert_eq!(at(&r, "/a").pos, p(1, 10));
        assert_eq!(at(&r, "/a").tag.as_deref(), Some("!t"));
        assert_eq!(at(&r, "/b").pos, p(4, 3));
        let r = root("steps:\n- |\n  x\n- run: >\n\n    y\n- empty: |\nz: 1\n");
        assert_eq!(at(&r, "/steps/0").pos, p(2, 3));
        assert_eq!(at(&r, "/steps/1/run").pos, p(4, 8));
        assert_eq!(at(&r, "/steps/1/run").as_str(), Some("\ny\n"));
        assert_eq!(at(&r, "/steps/2/empty").pos, p(7, 10));
        assert_eq!(at(&r, "/steps/2/empty").as_str(), Some(""));
        assert_eq!(root("--- |\n  doc\n").pos, p(1, 5));
        let r = root("? |\n  k\n: v\n");
        assert_eq!(r.as_map().and_then(|m| m.first()).map(|(k, _)| k.pos), Some(p(1, 3)));
    }

    #[test]
    fn yaml_1_2_core_schema_scalars() {
        let r = root(
            "on: push\nyes: no\ny: n\nt: [true, True, TRUE, false, FALSE, tRue]\n\
             n: [null, Null, NULL, ~, nil]\nempty:\ni: [0, 12, +12, -3, 012, 0x1F, 0o17, 0b1, 1_000, 0x, 9223372036854775807]\n\
             f: [1.5, -0.5, .5, 1., 1e3, 2E-2, +.inf, -.Inf, .INF, .nan, .NaN, 1.2.3, e3, .]\n\
             big: 99999999999999999999\ns: [1:30, 2024-01-01, 0.5.1, '1', \"2\", '', +, -x]\n",
        );
        let json = r.to_json();
        assert_eq!(json["on"], "push");
        assert_eq!(r.get("on").map(|n| n.pos), Some(p(1, 5)));
        assert_eq!(json["yes"], "no");
        assert_eq!(json["y"], "n");
        assert_eq!(json["t"], serde_json::json!([true, true, true, false, false, "tRue"]));
        assert_eq!(json["n"], serde_json::json!([null, null, null, null, "nil"]));
        assert_eq!(json["i"], serde_json::json!([0, 12, 12, -3, 12, 31, 15, "0b1", "1_000", "0x", i64::MAX]));
        assert_eq!(
            json["f"],
            serde_json::json!([
                1.5, -0.5, 0.5, 1.0, 1000.0, 0.02, ".inf", "-.inf", ".inf", ".nan", ".nan", "1.2.3", "e3", "."
            ])
        );
        assert_eq!(r.get("big").and_then(Node::as_f64), Some(1e20));
        assert_eq!(json["s"], serde_json::json!(["1:30", "2024-01-01", "0.5.1", "1", "2", "", "+", "-x"]));
        assert!(matches!(at(&r, "/f/1").value, Value::Float(f) if f == -0.5));
        assert!(matches!(at(&r, "/f/9").value, Value::Float(f) if f.is_nan()));
        assert_eq!(at(&r, "/empty").pos, p(6, 6), "an empty value is at its `:`");
        assert!(at(&r, "/empty").is_null());
    }

    #[test]
    fn quoted_and_block_numbers_stay_strings() {
        let r = root("port: \"8080\"\nother: '8080'\nblock: |-\n  8080\nbool: \"true\"\nnull: 'null'\nplain: 8080\n");
        assert_eq!(r.get("port").and_then(Node::as_str), Some("8080"));
        assert_eq!(r.get("other").and_then(Node::as_str), Some("8080"));
        assert_eq!(r.get("block").and_then(Node::as_str), Some("8080"));
        assert_eq!(r.get("bool").and_then(Node::as_str), Some("true"));
        assert_eq!(r.get("null").and_then(Node::as_str), Some("null"));
        assert_eq!(r.get("plain").and_then(Node::as_i64), Some(8080));
        assert_eq!(r.get("plain").map(Node::type_name), Some("integer"));
    }

    #[test]
    fn tags_are_kept() {
        let r = root(
            "script:\n  - !reference [.setup, script]\n  - echo\ns: !!str 12\ni: !!int \"12\"\nf: !!float 1\n\
             b: !!bool 'true'\nx: ! 12\nref: !Ref Bucket\nm: !!map {a: 1}\n",
        );
        let reference = at(&r, "/script/0");
        assert_eq!(reference.tag.as_deref(), Some("!reference"));
        assert_eq!(reference.to_json(), serde_json::json!([".setup", "script"]));
        assert_eq!(reference.pos, p(2, 16));
        let s = at(&r, "/s");
        assert_eq!((s.as_str(), s.tag.as_deref()), (Some("12"), Some("!!str")));
        assert_eq!(at(&r, "/i").as_i64(), Some(12));
        assert!(matches!(at(&r, "/f").value, Value::Float(f) if f == 1.0));
        assert_eq!(at(&r, "/b").as_bool(), Some(true));
        assert_eq!((at(&r, "/x").as_str(), at(&r, "/x").tag.as_deref()), (Some("12"), Some("!")));
        assert_eq!(at(&r, "/ref").as_str(), Some("Bucket"));
        assert_eq!(at(&r, "/m").tag.as_deref(), Some("!!map"));
        let e = err("a: !!int abc\n");
        assert_eq!(e.pos, p(1, 10));
        assert!(e.message.contains("!!int"), "{e}");
    }

    #[test]
    fn aliases_copy_the_anchored_node_with_its_positions() {
        let r = root("base: &b\n  image: alpine\n  tags: [x]\nuse: *b\nscalar: &s hello\ncopy: *s\nlist: [*s, *b]\n");
        assert_eq!(r.get("use"), r.get("base"));
        assert_eq!(at(&r, "/use/image").pos, p(2, 10));
        assert_eq!(at(&r, "/copy").as_str(), Some("hello"));
        assert_eq!(at(&r, "/copy").pos, p(5, 12));
        assert_eq!(at(&r, "/list/1/tags/0").as_str(), Some("x"));
        let e = err("a: *nope\n");
        assert_eq!(e.pos.line, 1);
        let e = err("a: &r [1, *r]\n");
        assert!(e.message.contains("recursive"), "{e}");
        assert_eq!(e.pos, p(1, 11));
    }

    #[test]
    fn merge_keys_explicit_keys_win() {
        let r = root(
            "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\n\
             one: {<<: *a, x: 9}\nlist:\n  x: 0\n  <<: [*a, *b]\n  w: 3\ninline: {<<: {q: 1}}\nquoted: {\"<<\": *a}\n",
        );
        assert_eq!(r.get("one").map(Node::to_json), Some(serde_json::json!({"x": 9, "y": 1})));
        let list = at(&r, "/list");
        assert_eq!(list.to_json(), serde_json::json!({"x": 0, "y": 1, "z": 2, "w": 3}));
        let keys: Vec<_> = list.as_map().unwrap_or_default().iter().map(|(k, _)| key_text(k).into_owned()).collect();
        assert_eq!(keys, ["x", "y", "z", "w"], "merged keys take the place of `<<`");
        assert_eq!(list.key_pos("y"), Some(p(1, 14)), "merged entries keep their positions");
        assert_eq!(list.key_pos("z"), Some(p(2, 14)));
        assert_eq!(at(&r, "/inline/q").as_i64(), Some(1));
        assert_eq!(at(&r, "/quoted/<<").to_json(), serde_json::json!({"x": 1, "y": 1}));
        let e = err("a: &a 1\nb: {<<: *a}\n");
        assert_eq!(e.pos, p(1, 7));
        assert!(e.message.contains("<<"), "{e}");
    }

    #[test]
    fn gitlab_defaults_template() {
        let text = "\
.defaults: &defaults
  image: golang:1.22
  tags: [docker]
  before_script:
    - go version
  retry: 2

test:
  <<: *defaults
  stage: test
  script:
    - !reference [.defaults, before_script]
    - go test ./...
  retry: 0

build:
  <<: *defaults
  image: golang:1.23
";
        let d = docs(text);
        let r = &d[0].root;
        assert!(d[0].duplicate_keys.is_empty(), "merged keys are not duplicates");
        let test = at(r, "/test");
        assert_eq!(at(test, "/image").as_str(), Some("golang:1.22"));
        assert_eq!(at(test, "/image").pos, p(2, 10), "inherited: the template's position");
        assert_eq!(at(test, "/retry").as_i64(), Some(0));
        assert_eq!(at(test, "/retry").pos, p(14, 10));
        assert_eq!(at(test, "/script/0").tag.as_deref(), Some("!reference"));
        assert_eq!(at(r, "/build/image").as_str(), Some("golang:1.23"));
        assert_eq!(at(r, "/build/tags/0").as_str(), Some("docker"));
        assert_eq!(r.locate("/build/image"), p(18, 10));
    }

    #[test]
    fn multi_document_streams() {
        let text = "# header\na: 1\n---\nb: 2\n...\n---\n--- # c\n# only comments\n...\n--- |\n  x\n";
        let d = docs(text);
        assert_eq!(d.len(), 5);
        assert_eq!(d[0].root.pos, p(2, 1));
        assert_eq!(d[1].start, p(3, 1));
        assert_eq!(d[1].root.pos, p(4, 1), "lines count from the start of the stream");
        assert_eq!(d[1].root.key_pos("b"), Some(p(4, 1)));
        assert!(d[2].root.is_null());
        assert_eq!(d[2].start, p(6, 1));
        assert!(d[3].root.is_null());
        assert_eq!(d[4].root.as_str(), Some("x\n"));
        assert_eq!(d[4].root.pos, p(10, 5));
        assert_eq!(docs("--- # c\n# only comments\n").len(), 1);
        assert!(docs("--- # c\n# only comments\n")[0].root.is_null());
        assert!(docs("# only\n# comments\n").is_empty(), "no document at all");
        assert!(docs("").is_empty());
        let d = docs("%YAML 1.2\n---\na: 1\n");
        assert_eq!((d[0].start, d[0].root.pos), (p(2, 1), p(3, 1)));
        assert!(err("a: &x 1\n---\nb: *x\n").message.contains("anchor"), "anchors do not cross documents");
        let d = docs("apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n");
        assert_eq!(d[1].root.get("kind").map(|n| n.pos), Some(p(5, 7)));
    }

    #[test]
    fn pointer_and_locate() {
        let r = root(
            "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x\n\"a/b\": {\"c~d\": 1}\n8080: port\n",
        );
        assert_eq!(at(&r, "/spec/template/spec/containers/0/image").pos, p(6, 18));
        assert_eq!(r.pointer(""), Some(&r));
        assert_eq!(at(&r, "/a~1b/c~0d").as_i64(), Some(1));
        assert_eq!(at(&r, "/8080").as_str(), Some("port"));
        assert_eq!(r.pointer("/spec/template/spec/containers/1"), None);
        assert_eq!(r.pointer("/spec/missing"), None);
        assert_eq!(r.pointer("spec"), None);
        // A missing key points at the mapping that should hold it.
        assert_eq!(r.locate("/spec/template/spec/containers/0/resources/limits"), p(5, 11));
        assert_eq!(r.locate("/spec/template/spec/containers/7"), p(5, 9));
        assert_eq!(r.locate("/spec/template/spec/containers/0/image/x"), p(6, 18));
        assert_eq!(r.locate("/spec/template"), p(3, 5));
        assert_eq!(r.locate(""), p(1, 1));
    }

    #[test]
    fn content_line_pos_maps_script_lines() {
        let text = "jobs:\n  build:\n    steps:\n      - run: |\n          set -e\n\n          go test ./...\n      - run: echo one\n      - run: \"echo two\"\n      - run: >\n          folded\n          more\n";
        let r = root(text);
        let run = at(&r, "/jobs/build/steps/0/run");
        assert_eq!(run.pos, p(4, 14));
        assert_eq!(run.content_line_pos(0), p(5, 11));
        assert_eq!(run.content_line_pos(1), p(6, 11));
        assert_eq!(run.content_line_pos(2), p(7, 11));
        assert_eq!(run.as_str().and_then(|s| s.lines().nth(2)), Some("go test ./..."));
        assert_eq!(at(&r, "/jobs/build/steps/1/run").content_line_pos(0), p(8, 14));
        assert_eq!(at(&r, "/jobs/build/steps/2/run").content_line_pos(0), p(9, 15), "after the quote");
        assert_eq!(at(&r, "/jobs/build/steps/3/run").content_line_pos(1), p(12, 11));
        // Leading blank lines count, an explicit indentation indicator is honoured.
        let r = root("a: |2\n\n    indented\n");
        assert_eq!(at(&r, "/a").as_str(), Some("\n  indented\n"));
        assert_eq!(at(&r, "/a").content_line_pos(1), p(3, 3));
    }

    #[test]
    fn crlf_bom_and_unicode_columns() {
        let r = root("\u{feff}a: 1\r\nb:\r\n  - \"é\"\r\n  - run: |\r\n      x\r\n      y\r\né: ü\r\n");
        assert_eq!(r.pos, p(1, 1), "the BOM is not a column");
        assert_eq!(at(&r, "/a").pos, p(1, 4));
        assert_eq!(at(&r, "/b/0").pos, p(3, 5));
        assert_eq!(at(&r, "/b/0").as_str(), Some("é"));
        assert_eq!(at(&r, "/b/1/run").pos, p(4, 10));
        assert_eq!(at(&r, "/b/1/run").as_str(), Some("x\ny\n"));
        assert_eq!(at(&r, "/b/1/run").content_line_pos(1), p(6, 7));
        assert_eq!(r.key_pos("é"), Some(p(7, 1)));
        assert_eq!(at(&r, "/é").pos, p(7, 4), "columns count characters, not bytes");
        let r = root("k: 'ab' # ü\n日本: \"語\"\n");
        assert_eq!(at(&r, "/日本").pos, p(2, 5));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err("a: [1, 2\n");
        assert_eq!(e.pos, p(1, 4), "{e}");
        assert!(e.message.contains('['), "{e}");
        let e = err("a: 1\n b: 2\n");
        assert_eq!(e.pos.line, 2, "{e}");
        let e = err("a:\n  - x\n  y: 1\n");
        assert_eq!(e.pos.line, 3, "{e}");
        let e = err("key: \"unterminated\n");
        assert!(e.pos.line >= 1 && !e.message.is_empty(), "{e}");
        let e = err("a: 1\n---\nb: [\n");
        assert_eq!(e.pos.line, 3, "{e}");
        let e = err("a:\tb: c\n");
        assert!(!e.message.is_empty(), "{e}");
    }

    #[test]
    fn duplicate_keys_last_wins_and_are_noted() {
        let d = docs("a: 1\nb: 2\na: 3\n1: x\n1: y\n");
        let r = &d[0].root;
        assert_eq!(r.get("a").and_then(Node::as_i64), Some(3));
        assert_eq!(r.key_pos("a"), Some(p(3, 1)));
        assert_eq!(r.as_map().map(<[_]>::len), Some(3));
        assert_eq!(
            d[0].duplicate_keys,
            [
                DuplicateKey { key: "a".into(), first: p(1, 1), duplicate: p(3, 1) },
                DuplicateKey { key: "1".into(), first: p(4, 1), duplicate: p(5, 1) },
            ]
        );
        // Many keys: the hash index, not a quadratic scan.
        let big: String = (0..20_000).map(|i| format!("k{}: {i}\n", i % 10_000)).collect();
        let d = docs(&big);
        assert_eq!(d[0].duplicate_keys.len(), 10_000);
        assert_eq!(d[0].root.get("k5").and_then(Node::as_i64), Some(10_005));
    }

    #[test]
    fn to_json_stringifies_keys() {
        let r = root("1: a\ntrue: b\n~: c\n1.5: d\n[x, y]: e\nnan: .nan\ninf: -.inf\n0x10: f\n");
        assert_eq!(
            r.to_json(),
            serde_json::json!({"1": "a", "true": "b", "null": "c", "1.5": "d", "[\"x\",\"y\"]": "e",
                "nan": ".nan", "inf": "-.inf", "16": "f"})
        );
        assert_eq!(r.get("true").and_then(Node::as_str), Some("b"));
        assert_eq!(at(&r, "/1").scalar_text().as_deref(), Some("a"));
    }

    fn bomb(levels: usize, width: usize) -> String {
        let mut s = String::from("a0: &a0 [lol]\n");
        for i in 1..=levels {
            let refs = vec![format!("*a{}", i - 1); width].join(", ");
            s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        s
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let text = bomb(10, 10);
        let t = Instant::now();
        let e = err(&text);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed()); // < 100 ms in release
        assert!(e.message.contains("alias"), "{e}");
        assert!(e.pos.line > 1);
        // Quadratic strings: one long scalar aliased many times.
        let long = "x".repeat(1 << 20);
        let refs = vec!["*s"; 100].join(", ");
        let e = err(&format!("s: &s {long}\nl: [{refs}]\n"));
        assert!(e.message.contains("alias"), "{e}");
        // A legitimate amount of reuse passes.
        assert!(parse_stream(&bomb(3, 10), &Limits::default()).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in ["[".repeat(100_000), "{a: ".repeat(100_000), "- ".repeat(100_000)] {
            let t = Instant::now();
            let e = err(&text);
            assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
            assert_eq!(e.pos.line, 1, "{e}");
        }
        let block: String = (0..5_000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let e = err(&block);
        assert_eq!(e.pos.line, 257, "{e}");
        let limits = Limits { max_depth: 3, ..Limits::default() };
        assert!(parse_stream("a: {b: [c]}", &limits).is_ok());
        let e = parse_stream("a: {b: [[c]]}", &limits).expect_err("too deep");
        assert_eq!(e.pos, p(1, 9));
        // Depth through an alias counts too.
        let e = parse_stream("x: &x [[1]]\na: {b: *x}", &limits).expect_err("too deep");
        assert_eq!(e.pos, p(2, 8));
        assert!(e.message.contains("nesting"), "{e}");
    }

    #[test]
    fn node_limit() {
        let limits = Limits { max_nodes: 10, ..Limits::default() };
        assert!(parse_stream("[1, 2, 3, 4, 5, 6, 7, 8]", &limits).is_ok());
        let e = parse_stream("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", &limits).expect_err("too many nodes");
        assert_eq!(e.pos, p(1, 29));
    }

    /// Deterministic mutations of real-looking YAML: never a panic, whatever comes out.
    #[test]
    fn never_panics_on_mangled_input() {
        let seed = "a: &a {x: [1, 'q', \"r\\u00e9\"], <<: {y: |\n  z\n}}\n- b: *a\n? [k]\n: !t v\n--- >-\n  é\n...\n%YAML 1.2\n---\n";
        let alphabet: Vec<char> = "-:?[]{},&*!|>'\"#%@`\n\r\t \\.0x~é\u{feff}<".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut chars: Vec<char> = seed.chars().collect();
            for _ in 0..=next(4) {
                let i = next(chars.len() + 1);
                match next(3) {
                    0 if i < chars.len() => {
                        chars.remove(i);
                    }
                    1 if i < chars.len() => chars[i] = alphabet[next(alphabet.len())],
                    _ => chars.insert(i, alphabet[next(alphabet.len())]),
                }
            }
            let text: String = chars.into_iter().collect();
            if let Ok(docs) = parse_stream(&text, &Limits::default()) {
                for d in &docs {
                    let _ = (d.root.to_json(), d.root.locate("/a/x/9"), d.root.content_line_pos(3));
                }
            }
        }
    }

    /// Every node whose text can be checked against the source (plain one-line scalars, quoted
    /// scalars, flow collections) must be found at its position.
    fn check_positions(node: &Node, lines: &[&str], file: &str, bad: &mut Vec<String>) {
        let line = lines.get(node.pos.line as usize - 1).copied().unwrap_or("");
        let line = if node.pos.line == 1 { line.trim_start_matches('\u{feff}') } else { line };
        let here: String = line.chars().skip(node.pos.col as usize - 1).collect();
        let ok = match (&node.value, node.style) {
            (Value::String(s), ScalarStyle::Plain) => here.starts_with(s.as_str()) || s.starts_with(here.trim_end()),
            (Value::Int(_) | Value::Bool(_) | Value::Float(_), ScalarStyle::Plain) => !here.is_empty(),
            (_, ScalarStyle::SingleQuoted) => here.starts_with('\''),
            (_, ScalarStyle::DoubleQuoted) => here.starts_with('"'),
            (_, ScalarStyle::Literal) => here.starts_with('|'),
            (_, ScalarStyle::Folded) => here.starts_with('>'),
            (Value::Seq(_), _) => here.starts_with(['[', '-']),
            (Value::Map(_), _) => here.starts_with(|c: char| !c.is_whitespace()), // the first key as written
            _ => true,
        };
        if !ok {
            bad.push(format!("{file}:{}:{}: {} at {here:?}", node.pos.line, node.pos.col, node.type_name()));
        }
        match &node.value {
            Value::Seq(items) => items.iter().for_each(|n| check_positions(n, lines, file, bad)),
            Value::Map(entries) => entries.iter().for_each(|(k, v)| {
                check_positions(k, lines, file, bad);
                check_positions(v, lines, file, bad);
            }),
            _ => {}
        }
    }

    /// The real-world corpus (`../shared/corpus`, or `$PAVED_CORPUS`): every YAML file outside
    /// chart templates parses, and positions agree with the text.
    #[test]
    fn corpus_parses_with_consistent_positions() {
        let dir = std::env::var_os("PAVED_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            std::path::PathBuf::from,
        );
        let mut todo = vec![dir.clone()];
        let (mut files, mut failures, mut bad) = (0, Vec::new(), Vec::new());
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() && path.file_name().is_some_and(|n| n != "templates") {
                    todo.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    let Ok(text) = std::fs::read_to_string(&path) else { continue };
                    files += 1;
                    let lines: Vec<&str> = text.split('\n').collect();
                    match parse_stream(&text, &Limits::default()) {
                        Ok(docs) => docs
                            .iter()
                            .for_each(|d| check_positions(&d.root, &lines, &path.display().to_string(), &mut bad)),
                        Err(e) => failures.push(format!("{}:{e}", path.display())),
                    }
                }
            }
        }
        if files == 0 {
            eprintln!("no corpus at {}; skipped", dir.display());
            return;
        }
        assert!(failures.is_empty(), "{} of {files} files failed:\n{}", failures.len(), failures.join("\n"));
        assert!(bad.is_empty(), "{} misplaced nodes:\n{}", bad.len(), bad[..bad.len().min(20)].join("\n"));
    }
}
