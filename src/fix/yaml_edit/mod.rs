//! Text edits of YAML blocks (plain manifests, values files and Helm templates alike).
//!
//! Fixers add keys and list items to existing mappings without re-serialising anything: the
//! structure is read from indentation alone, new lines copy the indentation of their siblings
//! (or the file's own step when a mapping is new), and every other byte stays as it was. New
//! keys go right after the parent's line (or a list item's first line), so in a Helm template
//! they never land inside a `{{ if }}` of the body. Anything this reader cannot vouch for (an
//! anchor or alias on the edited node, a multi-line flow collection, a key produced by a
//! template action, a duplicate key) makes the edit `None`: no fix beats a wrong fix.

use std::sync::LazyLock;

use regex::Regex;

use crate::fix::Edit;
use crate::fix::text::{Lines, indent_of};

/// What to insert, rendered in the file's own style (block, or flow inside a flow mapping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum New {
    /// A scalar as it is written (quoted if it must be), possibly followed by ` # comment`.
    Scalar(String),
    Map(Vec<(String, New)>),
    Seq(Vec<New>),
}

impl New {
    pub fn scalar(s: impl Into<String>) -> Self {
        New::Scalar(s.into())
    }

    pub fn map(entries: &[(&str, New)]) -> Self {
        New::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn flow(&self) -> Option<String> {
        Some(match self {
            New::Scalar(s) if s.contains('#') => return None,
            New::Scalar(s) => s.clone(),
            New::Map(m) => {
                let parts: Option<Vec<String>> = m.iter().map(|(k, v)| Some(format!("{k}: {}", v.flow()?))).collect();
                format!("{{{}}}", parts?.join(", "))
            }
            New::Seq(items) => {
                let parts: Option<Vec<String>> = items.iter().map(New::flow).collect();
                format!("[{}]", parts?.join(", "))
            }
        })
    }
}

/// A mapping that can receive keys.
#[derive(Debug, Clone)]
pub struct Map {
    /// New children go right after this line.
    after: usize,
    /// The body: lines `after + 1 ..= last` (empty when `last == after`).
    last: usize,
    /// A line of the body that holds a key of this mapping besides the body (a list item's
    /// first line, `- name: x`).
    head: Option<usize>,
    /// Column of the children.
    col: usize,
    kind: MapKind,
}

#[derive(Debug, Clone)]
enum MapKind {
    Block,
    /// `key: {}` (or `key: null`/`~`): the value (with its leading spaces) is removed and the
    /// children follow the line.
    Replace {
        start: usize,
        end: usize,
    },
    /// A non-empty one-line flow mapping: new entries go before `}` (offset).
    Flow {
        close: usize,
        keys: Vec<String>,
    },
}

/// A sequence that can receive items.
#[derive(Debug, Clone)]
enum Seq {
    /// Items at `dash` after line `after`.
    Block { after: usize, dash: usize },
    /// `key: []`: replaced by a block sequence at `dash`.
    Replace { line: usize, start: usize, end: usize, dash: usize },
    /// One-line `[a, b]`: a scalar item goes right after `[` (offset).
    Flow { open: usize, empty: bool },
}

/// The value may be there, but this reader cannot tell what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclear;

/// What a mapping holds under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Absent,
    /// The key's line.
    At(usize),
    /// The key may be there but this reader cannot tell (templated keys, duplicates, flow
    /// styles it does not parse).
    Unknown,
}

pub struct Doc<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub lines: Lines<'a>,
    /// Helm template text: lines that are only `{{ }}` actions are not structure.
    pub template: bool,
    step: usize,
    seq_offset: Option<usize>,
}

static ACTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{.*?\}\}").expect("valid regex"));
static CONTROL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\{\{-?\s*(?:/\*|if\b|else\b|end\b|range\b|with\b|define\b|block\b|\$[A-Za-z0-9_]*\s*:?=)")
        .expect("valid regex")
});
static INDENT_FN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bn?indent\s+(\d+)").expect("valid regex"));

/// The key of a line's content (after indentation and any `- `), and the byte index just past
/// its colon. Quoted keys are unquoted; a key with a template action is returned as is.
fn split_key(s: &str) -> Option<(&str, usize)> {
    let bytes = s.as_bytes();
    if let Some(q @ (b'"' | b'\'')) = bytes.first().copied() {
        let close = s[1..].find(q as char)? + 1;
        if bytes.get(close + 1) != Some(&b':') {
            return None;
        }
        let after = close + 2;
        return (after == s.len() || bytes[after] == b' ').then_some((&s[1..close], after));
    }
    let mut i = 0;
    while let Some(off) = s[i..].find(':') {
        let at = i + off;
        if at + 1 == s.len() || bytes[at + 1] == b' ' || bytes[at + 1] == b'\t' {
            let key = &s[..at];
            if key.is_empty() || key.starts_with(['#', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`']) {
                return None;
            }
            return Some((key, at + 1));
        }
        i = at + 1;
    }
    None
}

/// The value text after a key's colon, without a trailing comment (best effort: a ` #` outside
/// quotes starts one).
fn strip_comment(v: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in v.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && prev == ' ' => quote = Some(c),
            None if c == '#' && (prev == ' ' || prev == '\t') => return v[..i].trim_end(),
            None => {}
        }
        prev = c;
    }
    v.trim_end()
}

impl<'a> Doc<'a> {
    pub fn new(path: &'a str, text: &'a str, template: bool) -> Self {
        let mut doc = Doc { path, text, lines: Lines::new(text), template, step: 2, seq_offset: None };
        doc.detect_style();
        doc
    }

    fn detect_style(&mut self) {
        let mut step = None;
        let mut seq = None;
        for n in 1..=self.lines.count() {
            if step.is_some() && seq.is_some() {
                break;
            }
            if !self.structural(n) {
                continue;
            }
            let Some((col, v)) = self.key_value(n) else { continue };
            if !v.is_empty() {
                continue;
            }
            let Some(m) = self.next_structural(n) else { continue };
            let ind = indent_of(self.lines.get(m));
            let child = self.lines.get(m).trim_start();
            if child.starts_with("- ") || child == "-" {
                if ind >= col && seq.is_none() {
                    seq = Some(ind - col);
                }
            } else if ind > col && step.is_none() {
                step = Some(ind - col);
            }
        }
        self.step = step.unwrap_or(2);
        self.seq_offset = seq;
    }

    fn next_structural(&self, n: usize) -> Option<usize> {
        (n + 1..=self.lines.count()).find(|&m| self.structural(m))
    }

    fn edit(&self, start: usize, end: usize, repl: String) -> Edit {
        Edit::new(self.path, self.text, start, end, repl)
    }

    fn insert_after(&self, n: usize, body: String) -> Edit {
        let (at, prefix) = self.lines.after_line(n);
        self.edit(at, at, format!("{prefix}{body}"))
    }

    /// Whether line `n` is only template actions (`{{- if x }}`, `{{ toYaml . | indent 4 }}`).
    fn action_only(&self, n: usize) -> bool {
        let t = self.lines.get(n).trim();
        self.template && t.starts_with("{{") && ACTION.replace_all(t, "").trim().is_empty()
    }

    fn blank(&self, n: usize) -> bool {
        let t = self.lines.get(n).trim();
        t.is_empty() || t.starts_with('#')
    }

    fn doc_marker(&self, n: usize) -> bool {
        let l = self.lines.get(n);
        l == "---" || l.starts_with("--- ") || l == "..." || l.starts_with("---\t")
    }

    /// A line that is YAML structure: not blank, not a comment, not a template action.
    fn structural(&self, n: usize) -> bool {
        !self.blank(n) && !self.action_only(n)
    }

    fn indent(&self, n: usize) -> usize {
        if self.doc_marker(n) { 0 } else { indent_of(self.lines.get(n)) }
    }

    /// Column of line `n`'s key and its value text (comment stripped), for `key: value`
    /// lines and `- key: value` items alike.
    fn key_value(&self, n: usize) -> Option<(usize, &'a str)> {
        let line = self.lines.get(n);
        let mut col = indent_of(line);
        let mut rest = &line[col..];
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            let t = r.trim_start_matches([' ', '\t']);
            col += rest.len() - t.len();
            rest = t;
        }
        let (_, after) = split_key(rest)?;
        Some((col, strip_comment(rest[after..].trim_start())))
    }

    fn key_at(&self, n: usize) -> Option<&'a str> {
        let line = self.lines.get(n);
        let mut rest = line.trim_start();
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r.trim_start();
        }
        split_key(rest).map(|(k, _)| k)
    }

    /// Byte range (in the text) of line `n`'s value, after the colon, without the comment;
    /// the range starts at the colon's end (so it covers the leading spaces).
    fn value_range(&self, n: usize) -> Option<(usize, usize)> {
        let line = self.lines.get(n);
        let start = self.lines.start(n);
        let mut rest_at = indent_of(line);
        while line[rest_at..].starts_with("- ") {
            rest_at += 2;
            rest_at += line[rest_at..].len() - line[rest_at..].trim_start().len();
        }
        let (_, after) = split_key(&line[rest_at..])?;
        let colon_end = rest_at + after;
        let v = strip_comment(line[colon_end..].trim_start());
        let v_start = colon_end + line[colon_end..].find(v).unwrap_or(0);
        Some((start + colon_end, start + v_start + v.len()))
    }

    /// The list item whose first line is `n` (`- name: x`), as the mapping of its keys.
    pub fn item(&self, n: usize) -> Option<Map> {
        let line = self.lines.get(n);
        if !line.trim_start().starts_with("- ") {
            return None;
        }
        let (col, v) = self.key_value(n)?;
        // The item's first key must hold a one-line scalar, so new keys can follow its line.
        let templated = self.template && v.starts_with("{{");
        if v.is_empty() || (!templated && v.starts_with(['|', '>', '&', '*', '!', '{', '['])) {
            return None;
        }
        if (v.starts_with('"') && !(v.len() > 1 && v.ends_with('"')))
            || (v.starts_with('\'') && !(v.len() > 1 && v.ends_with('\'')))
        {
            return None;
        }
        let last = self.body_end(n, col);
        Some(Map { after: n, last, head: Some(n), col, kind: MapKind::Block })
    }

    /// The last line of the block after line `n` whose structure is indented at least `col`
    /// (trailing blank lines excluded).
    fn body_end(&self, n: usize, col: usize) -> usize {
        let mut last = n;
        for m in n + 1..=self.lines.count() {
            if self.doc_marker(m) {
                break;
            }
            if !self.structural(m) {
                continue;
            }
            if self.indent(m) < col {
                break;
            }
            last = m;
        }
        last
    }

    /// The whole document as a mapping at column 0 (a values file).
    pub fn root(&self) -> Map {
        Map { after: 0, last: self.lines.count(), head: None, col: 0, kind: MapKind::Block }
    }

    /// The mapping that is the value of the key on line `n`.
    pub fn map_of(&self, n: usize) -> Option<Map> {
        let (col, v) = self.key_value(n)?;
        let (vs, ve) = self.value_range(n)?;
        if self.written_by_action(n, col) {
            return None;
        }
        match v {
            "" => {}
            "{}" | "null" | "~" => {
                if self.children(n, col).is_some() {
                    return None;
                }
                return Some(Map {
                    after: n,
                    last: n,
                    head: None,
                    col: col + self.step,
                    kind: MapKind::Replace { start: vs, end: ve },
                });
            }
            v if v.starts_with('{') && v.ends_with('}') => {
                let inner = &v[1..v.len() - 1];
                if inner.contains(['{', '}', '[', ']', '"', '\'', '#', '&', '*']) || self.template && v.contains("{{") {
                    return None;
                }
                let keys: Option<Vec<String>> =
                    inner.split(',').map(|p| p.split_once(':').map(|(k, _)| k.trim().to_string())).collect();
                return Some(Map {
                    after: n,
                    last: n,
                    head: None,
                    col,
                    kind: MapKind::Flow { close: ve - 1, keys: keys? },
                });
            }
            _ => return None,
        }
        match self.children(n, col) {
            None => Some(Map { after: n, last: n, head: None, col: col + self.step, kind: MapKind::Block }),
            Some((first, last)) => {
                let child = self.lines.get(first).trim_start();
                if child.starts_with("- ") || child == "-" {
                    return None;
                }
                // An output action before the first child: the mapping may come from it.
                if (n + 1..first).any(|m| self.output_action(m)) {
                    return None;
                }
                Some(Map { after: n, last, head: None, col: self.indent(first), kind: MapKind::Block })
            }
        }
    }

    /// The first and last structural lines of the block value under the key on line `n`
    /// (column `col`), when it has one. An indentless sequence (`- ` at `col`) belongs to it.
    fn children(&self, n: usize, col: usize) -> Option<(usize, usize)> {
        let first = self.next_structural(n)?;
        if self.doc_marker(first) {
            return None;
        }
        let ind = self.indent(first);
        let dash = self.lines.get(first).trim_start().starts_with('-');
        if ind < col || (ind == col && !dash) {
            return None;
        }
        let mut last = first;
        for m in first + 1..=self.lines.count() {
            if self.doc_marker(m) {
                break;
            }
            if !self.structural(m) {
                continue;
            }
            let i = self.indent(m);
            if i < col || (i == col && !self.lines.get(m).trim_start().starts_with('-')) {
                break;
            }
            last = m;
        }
        Some((first, last))
    }

    /// Whether a template action writes (part of) the value of the key on line `n`: an output
    /// action deeper than the key between it and the next structural line.
    fn written_by_action(&self, n: usize, col: usize) -> bool {
        self.template
            && (n + 1..=self.lines.count())
                .take_while(|&m| !self.structural(m))
                .any(|m| self.output_action(m) && self.action_col(m) > col)
    }

    fn output_action(&self, n: usize) -> bool {
        self.action_only(n) && !CONTROL.is_match(self.lines.get(n).trim())
    }

    /// The column a template output action writes at (`nindent 8` → 8), else its own.
    fn action_col(&self, n: usize) -> usize {
        let l = self.lines.get(n);
        INDENT_FN.captures(l).and_then(|c| c[1].parse().ok()).unwrap_or_else(|| indent_of(l))
    }

    /// The key's line in `map`.
    pub fn get(&self, map: &Map, key: &str) -> Lookup {
        match self.scan(map, key) {
            (_, true) => Lookup::Unknown,
            (found, false) if found.len() > 1 => Lookup::Unknown,
            (found, false) => found.first().map_or(Lookup::Absent, |&n| Lookup::At(n)),
        }
    }

    /// Every line of `map` that holds `key` (a template may write it in several branches of
    /// an `if`), whether or not [`Doc::get`] can tell which one is in effect.
    pub fn lines_of(&self, map: &Map, key: &str) -> Vec<usize> {
        self.scan(map, key).0
    }

    /// The lines holding `key`, and whether the mapping may hold keys this reader cannot see.
    fn scan(&self, map: &Map, key: &str) -> (Vec<usize>, bool) {
        if let MapKind::Flow { keys, .. } = &map.kind {
            return (Vec::new(), keys.iter().any(|k| k == key));
        }
        let mut found = Vec::new();
        let mut unknown = false;
        let mut prev_dash_at_col = false;
        // The body, and the actions after it up to the next structure (they may write keys).
        let end = if map.after == 0 {
            map.last
        } else {
            self.next_structural(map.last).map_or(self.lines.count(), |m| m - 1)
        };
        let lines = map.head.into_iter().chain(map.after + 1..=end);
        for m in lines {
            if self.template && self.output_action(m) {
                // An action that writes at the children's column may write keys of this
                // mapping, unless it continues a sequence written at that column.
                if self.action_col(m) == map.col && !prev_dash_at_col {
                    unknown = true;
                }
                continue;
            }
            if !self.structural(m) {
                continue;
            }
            let ind = self.indent(m);
            let is_head = Some(m) == map.head;
            if ind == map.col || is_head {
                prev_dash_at_col = !is_head && self.lines.get(m).trim_start().starts_with('-');
                if prev_dash_at_col {
                    continue;
                }
                match self.key_at(m) {
                    Some(k) if self.template && k.contains("{{") => unknown = true,
                    Some(k) if k == key => found.push(m),
                    Some(_) => {}
                    None => unknown = true,
                }
            } else if ind < map.col {
                unknown = true;
            }
        }
        (found, unknown)
    }

    /// The scalar at `path` under `map` (`None` inside: absent; `Err`: cannot tell).
    pub fn scalar(&self, map: &Map, path: &[&str]) -> Result<Option<&'a str>, Unclear> {
        let (last, parents) = path.split_last().ok_or(Unclear)?;
        let mut map = map.clone();
        for k in parents {
            match self.get(&map, k) {
                Lookup::Absent => return Ok(None),
                Lookup::Unknown => return Err(Unclear),
                Lookup::At(n) => map = self.map_of(n).ok_or(Unclear)?,
            }
        }
        match self.get(&map, last) {
            Lookup::Absent => Ok(None),
            Lookup::Unknown => Err(Unclear),
            Lookup::At(n) => {
                let (_, v) = self.key_value(n).ok_or(Unclear)?;
                if v.is_empty()
                    || v.starts_with(['|', '>', '&', '*', '!', '{', '['])
                    || (self.template && v.contains("{{"))
                {
                    return Err(Unclear);
                }
                Ok(Some(v))
            }
        }
    }

    /// The items of the sequence at `path` under `map`, as written (empty: absent).
    pub fn items(&self, map: &Map, path: &[&str]) -> Result<Vec<&'a str>, Unclear> {
        let (last, parents) = path.split_last().ok_or(Unclear)?;
        let mut map = map.clone();
        for k in parents {
            match self.get(&map, k) {
                Lookup::Absent => return Ok(Vec::new()),
                Lookup::Unknown => return Err(Unclear),
                Lookup::At(n) => map = self.map_of(n).ok_or(Unclear)?,
            }
        }
        let n = match self.get(&map, last) {
            Lookup::Absent => return Ok(Vec::new()),
            Lookup::Unknown => return Err(Unclear),
            Lookup::At(n) => n,
        };
        let (col, v) = self.key_value(n).ok_or(Unclear)?;
        if v.starts_with('[') && v.ends_with(']') {
            let inner = &v[1..v.len() - 1];
            if inner.contains(['[', ']', '{', '}', '#']) {
                return Err(Unclear);
            }
            return Ok(inner
                .split(',')
                .map(|s| s.trim().trim_matches(['"', '\'']))
                .filter(|s| !s.is_empty())
                .collect());
        }
        if !v.is_empty() {
            return Err(Unclear);
        }
        let Some((first, end)) = self.children(n, col) else { return Ok(Vec::new()) };
        let dash = self.indent(first);
        let mut out = Vec::new();
        for m in first..=end {
            if self.template && self.output_action(m) {
                return Err(Unclear);
            }
            if !self.structural(m) || self.indent(m) != dash {
                continue;
            }
            let item = self.lines.get(m).trim_start().strip_prefix("- ").ok_or(Unclear)?;
            out.push(strip_comment(item.trim()).trim_matches(['"', '\'']));
        }
        Ok(out)
    }

    fn seq_of(&self, n: usize, near: &Map) -> Option<Seq> {
        let (col, v) = self.key_value(n)?;
        let line = self.lines.get(n);
        let start = self.lines.start(n);
        if self.written_by_action(n, col) {
            return None;
        }
        match v {
            "" => match self.children(n, col) {
                None => Some(Seq::Block { after: n, dash: col + self.seq_offset_near(near) }),
                Some((first, _)) => {
                    if !self.lines.get(first).trim_start().starts_with("- ")
                        || (n + 1..first).any(|m| self.output_action(m))
                    {
                        return None;
                    }
                    Some(Seq::Block { after: n, dash: self.indent(first) })
                }
            },
            "[]" | "null" | "~" => {
                let (vs, ve) = self.value_range(n)?;
                Some(Seq::Replace { line: n, start: vs, end: ve, dash: col + self.seq_offset_near(near) })
            }
            v if v.starts_with('[') && v.ends_with(']') && !v[1..v.len() - 1].contains(['[', ']', '{', '}']) => {
                let (_, ve) = self.value_range(n)?;
                let open = ve - v.len();
                debug_assert_eq!(&line[open - start..open - start + 1], "[");
                Some(Seq::Flow { open: open + 1, empty: v[1..v.len() - 1].trim().is_empty() })
            }
            _ => None,
        }
    }

    /// How far a sequence's dashes sit right of its key: as in the mapping `near` when it has
    /// a block sequence, else as in the file, else the file's step.
    fn seq_offset_near(&self, near: &Map) -> usize {
        for m in near.head.into_iter().chain(near.after + 1..=near.last) {
            let Some((col, "")) = self.key_value(m) else { continue };
            if let Some((first, _)) = self.children(m, col)
                && self.lines.get(first).trim_start().starts_with("- ")
            {
                return self.indent(first) - col;
            }
        }
        self.seq_offset.unwrap_or(self.step)
    }

    /// For a template's key on line `n` whose whole value is `toYaml` of a value
    /// (`{{- toYaml .Values.a.b | nindent 8 }}` on the next line or the same one, or
    /// `toYaml .` inside `{{- with .Values.a.b }}`), the path of that value (`["a", "b"]`).
    pub fn values_source(&self, n: usize) -> Option<Vec<String>> {
        static TO_YAML: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\{\{-?\s*(?:toYaml\s+(\.Values(?:\.[A-Za-z0-9_]+)+|\.)|(\.Values(?:\.[A-Za-z0-9_]+)+|\.)\s*\|\s*toYaml)\s*\|\s*n?indent\s+\d+\s*-?\}\}$")
                .expect("valid regex")
        });
        static WITH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\{\{-?\s*with\s+(\.Values(?:\.[A-Za-z0-9_]+)+)\s*-?\}\}$").expect("valid regex")
        });
        if !self.template {
            return None;
        }
        let (col, v) = self.key_value(n)?;
        let (action, after) = if v.is_empty() {
            let m = (n + 1..=self.lines.count()).find(|&m| !self.blank(m))?;
            (self.lines.get(m).trim(), m)
        } else {
            (v, n)
        };
        let caps = TO_YAML.captures(action)?;
        let expr = caps.get(1).or(caps.get(2))?.as_str();
        // Nothing else under the key.
        if let Some(m) = self.next_structural(after)
            && self.indent(m) > col
        {
            return None;
        }
        let expr = if expr == "." {
            // The nearest `with` above the key, between it and the structure before it.
            (1..n)
                .rev()
                .take_while(|&m| !self.structural(m))
                .find_map(|m| WITH.captures(self.lines.get(m).trim()).map(|c| c[1].to_string()))?
        } else {
            expr.to_string()
        };
        Some(expr.strip_prefix(".Values.")?.split('.').map(str::to_string).collect())
    }

    /// The list item whose mapping holds line `n` (at any depth): the nearest item line above
    /// it whose keys are at the column where the chain of parents of `n` ends.
    pub fn enclosing_item(&self, n: usize) -> Option<Map> {
        let mut col = self.indent(n);
        for m in (1..n).rev() {
            if !self.structural(m) || self.indent(m) >= col {
                continue;
            }
            if self.lines.get(m).trim_start().starts_with("- ") {
                let (kc, _) = self.key_value(m)?;
                return (kc == col).then(|| self.item(m)).flatten();
            }
            col = self.indent(m);
        }
        None
    }

    /// The mapping of the pod spec holding the container list item on line `n`
    /// (`containers:` or `initContainers:` under `spec:`).
    pub fn pod_spec(&self, n: usize) -> Option<Map> {
        let dash = self.indent(n);
        let list = (1..n).rev().find(|&m| {
            self.structural(m) && {
                let i = self.indent(m);
                i < dash || (i == dash && !self.lines.get(m).trim_start().starts_with('-'))
            }
        })?;
        if !matches!(self.key_at(list), Some("containers" | "initContainers")) || !self.key_value(list)?.1.is_empty() {
            return None;
        }
        let col = self.key_value(list)?.0;
        let spec = (1..list).rev().find(|&m| self.structural(m) && self.indent(m) < col)?;
        if self.key_at(spec) != Some("spec") || self.lines.get(spec).trim_start().starts_with('-') {
            return None;
        }
        let map = self.map_of(spec)?;
        (map.col == col).then_some(map)
    }
}

mod write;

#[cfg(test)]
mod tests;
