//! Writes built objects as YAML (`kustomize build`'s shape: block style, sequences not
//! indented under their key, documents separated by `---`), recording for every output line
//! where each part of it came from. `paved render` prints the text; `paved lint` lints it as a
//! manifest and moves each finding from its output line and column to the origin recorded there.

use super::Resource;
use super::tree::Origin;
use crate::parse::Pos;
use crate::parse::yaml::{Node, ScalarStyle, Value, key_text};

/// For each output line, the origins of its parts: (first column, origin), by column.
#[derive(Debug, Clone, Default)]
pub struct LineMap {
    lines: Vec<Vec<(u32, Origin)>>,
}

impl LineMap {
    /// The origin of output `line`:`col` (1-based): the part that starts at or before `col`
    /// (the first part for a column before it; the nearest line above for a line with none).
    pub fn origin(&self, line: u32, col: u32) -> Option<Origin> {
        let i = (line as usize).checked_sub(1)?.min(self.lines.len().checked_sub(1)?);
        for parts in self.lines[..=i].iter().rev() {
            if let Some(&(_, o)) = parts.iter().rev().find(|(c, _)| *c <= col).or(parts.first()) {
                return Some(o);
            }
        }
        None
    }
}

/// The output of [`emit`].
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    pub text: String,
    pub map: LineMap,
    /// The first output line of each object, in order.
    pub starts: Vec<u32>,
}

struct Writer {
    /// Keys in byte order, as `kustomize build` prints them (for `paved render`); linting keeps
    /// the source order, so a mapping's first key is the one its origin names.
    sort_keys: bool,
    out: String,
    col: u32,
    lines: Vec<Vec<(u32, Origin)>>,
}

impl Writer {
    fn mark(&mut self, node: &Node) {
        self.mark_at(Origin::of(node));
    }

    fn mark_at(&mut self, o: Origin) {
        if let Some(l) = self.lines.last_mut() {
            l.push((self.col, o));
        }
    }

    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        self.col += s.chars().count() as u32;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.col = 1;
        self.lines.push(Vec::new());
    }

    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.write(" ");
        }
    }

    fn line(&self) -> u32 {
        self.lines.len() as u32
    }
}

/// Writes `resources` as a YAML stream, keys in source order (for linting).
pub fn emit(resources: &[Resource]) -> Emitted {
    emit_with(resources, false)
}

/// Writes `resources` as `kustomize build` does: keys sorted.
pub fn emit_sorted(resources: &[Resource]) -> Emitted {
    emit_with(resources, true)
}

fn emit_with(resources: &[Resource], sort_keys: bool) -> Emitted {
    let mut w = Writer { sort_keys, out: String::new(), col: 1, lines: vec![Vec::new()] };
    let mut starts = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            w.write("---");
            w.mark(&r.node);
            w.newline();
        }
        starts.push(w.line());
        block(&mut w, &r.node, 0, false);
    }
    // The writer always holds one line past the last newline.
    w.lines.pop();
    Emitted { text: w.out, map: LineMap { lines: w.lines }, starts }
}

/// Writes a collection in block style at `indent`; `inline` when the cursor already sits where
/// its first line's content goes (after `- `). Scalars and empty collections end the line.
fn block(w: &mut Writer, node: &Node, indent: usize, inline: bool) {
    match &node.value {
        Value::Map(entries) if !entries.is_empty() => {
            let mut entries: Vec<&(Node, Node)> = entries.iter().collect();
            if w.sort_keys {
                entries.sort_by(|a, b| key_text(&a.0).cmp(&key_text(&b.0)));
            }
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 || !inline {
                    w.indent(indent);
                }
                w.mark(k);
                w.write(&key(k));
                w.write(":");
                match &v.value {
                    Value::Map(e) if !e.is_empty() => {
                        w.newline();
                        block(w, v, indent + 2, false);
                    }
                    Value::Seq(items) if !items.is_empty() => {
                        w.newline();
                        block(w, v, indent, false);
                    }
                    _ => {
                        w.write(" ");
                        scalar(w, v, indent + 2);
                    }
                }
            }
        }
        Value::Seq(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !inline {
                    w.indent(indent);
                }
                w.mark(item);
                w.write("- ");
                match &item.value {
                    Value::Map(e) if !e.is_empty() => block(w, item, indent + 2, true),
                    Value::Seq(s) if !s.is_empty() => block(w, item, indent + 2, true),
                    _ => scalar(w, item, indent + 2),
                }
            }
        }
        _ => scalar(w, node, indent),
    }
}

/// Writes a scalar (or an empty collection) and ends the line; a multi-line string becomes a
/// literal block at `indent`, each line mapped to its line in the origin.
fn scalar(w: &mut Writer, node: &Node, indent: usize) {
    w.mark(node);
    match &node.value {
        Value::Map(_) => w.write("{}"),
        Value::Seq(_) => w.write("[]"),
        Value::Null => w.write("null"),
        Value::Bool(b) => w.write(if *b { "true" } else { "false" }),
        Value::Int(i) => w.write(&i.to_string()),
        Value::Float(f) => w.write(&float(*f)),
        Value::String(s) => {
            if let Some((header, lines)) = literal(s) {
                w.write(&header);
                for (k, l) in lines.iter().enumerate() {
                    w.newline();
                    if !l.is_empty() {
                        w.indent(indent);
                    }
                    let pos = match node.style {
                        ScalarStyle::Literal | ScalarStyle::Folded => node.content_line_pos(k),
                        _ => node.pos,
                    };
                    w.mark_at(Origin::new(node.src, pos));
                    w.write(l);
                }
            } else {
                w.write(&string(s));
            }
        }
    }
    w.newline();
}

fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf".into() } else { "-.inf".into() }
    } else {
        format!("{f:?}")
    }
}

/// A literal block for a multi-line string: (header, lines), or `None` when the string is
/// better double-quoted (control characters, carriage returns, no content line).
fn literal(s: &str) -> Option<(String, Vec<&str>)> {
    if !s.contains('\n') || s.starts_with('\n') || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return None;
    }
    let (body, chomp) = if let Some(b) = s.strip_suffix("\n\n") {
        let _ = b;
        (s.strip_suffix('\n')?, "+")
    } else if let Some(b) = s.strip_suffix('\n') {
        (b, "")
    } else {
        (s, "-")
    };
    let lines: Vec<&str> = body.split('\n').collect();
    if lines.iter().any(|l| l.starts_with('\t')) {
        return None;
    }
    let first = lines.first()?;
    let indicator = if first.starts_with(' ') { "2" } else { "" };
    Some((format!("|{indicator}{chomp}"), lines))
}

/// A key as written: plain when that reads back as the same string.
fn key(k: &Node) -> String {
    match &k.value {
        Value::String(s) => string(s),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => float(*f),
        Value::Null => "null".into(),
        _ => string(&k.to_json().to_string()),
    }
}

/// A string scalar on one line: plain when YAML 1.1 and 1.2 both read it back as this string
/// (so kubectl does too), else double-quoted.
pub fn string(s: &str) -> String {
    if plain_ok(s) { s.to_string() } else { serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()) }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if s.trim() != s || "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(char::is_control) {
        return false;
    }
    const RESERVED: &[&str] = &[
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no",
        "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf",
        "+.inf", ".nan", ".NaN", ".NAN", "<<", "=",
    ];
    if RESERVED.contains(&s) {
        return false;
    }
    // Anything that may read as a number in either YAML version.
    let numberish = first.is_ascii_digit() || matches!(first, '+' | '.');
    !(numberish && s.chars().all(|c| c.is_ascii_hexdigit() || "xXoO_.:+-".contains(c)))
}

/// Where output position `pos` of `emitted` came from.
pub fn origin(emitted: &Emitted, pos: Pos) -> Option<Origin> {
    emitted.map.origin(pos.line, pos.col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::tree;
    use crate::parse::yaml::{Limits, parse_stream};

    fn parsed(text: &str, src: u32) -> Node {
        let mut n = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        tree::set_src(&mut n, src);
        n
    }

    #[test]
    fn output_reads_back_as_the_same_objects() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {}\ndata:\n  port: \"8080\"\n  flag: \"yes\"\n  on: 'true'\n  script: |\n    echo hi\n    exit 1\n  keep: \"a\\n\\n\"\n  strip: \"a\\nb\"\n  indented: \"  a\\nb\\n\"\n  weird: \"- x: y #z\"\n  cr: \"a\\r\\nb\"\n  n: 1.5\n  i: 7\n  list:\n  - - a\n    - b\n  - {k: v, l: [1, 2]}\n  - []\n";
        let n = parsed(text, 0);
        let out = emit(&[Resource::new(n.clone())]);
        let back = parse_stream(&out.text, &Limits::default()).unwrap().remove(0).root;
        assert_eq!(back.to_json(), n.to_json(), "{}", out.text);
    }

    #[test]
    fn every_line_maps_to_its_origin() {
        let base = parsed(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: api\n        args:\n        - |\n          one\n          two\n",
            4,
        );
        let mut r = Resource::new(base);
        // An overlay's images: entry sets the image.
        let at = Origin::new(9, Pos::new(6, 12));
        let c = r.node.pointer("/spec/template/spec/containers/0").cloned().unwrap();
        let mut c2 = c.clone();
        tree::set(&mut c2, "image", tree::string("ghcr.io/a/api:v1", at));
        let containers = tree::get_mut(
            tree::get_mut(tree::get_mut(tree::get_mut(&mut r.node, "spec").unwrap(), "template").unwrap(), "spec")
                .unwrap(),
            "containers",
        )
        .unwrap();
        containers.value = Value::Seq(vec![c2]);
        let out = emit(&[r.clone(), r]);
        let lines: Vec<&str> = out.text.lines().collect();
        assert_eq!(lines[6], "      - name: web", "{}", out.text);
        // The container's line: its dash and its first key → the base's `- name: web`.
        assert_eq!(out.map.origin(7, 7), Some(Origin::new(4, Pos::new(7, 9))));
        assert_eq!(out.map.origin(7, 9), Some(Origin::new(4, Pos::new(7, 9))));
        // The image key → the base; its value → the images: entry.
        assert_eq!(out.map.origin(8, 9), Some(Origin::new(4, Pos::new(8, 9))));
        assert_eq!(out.map.origin(8, 16), Some(at));
        // A literal block's lines → its lines in the base.
        assert_eq!(lines[11], "          two");
        assert_eq!(out.map.origin(12, 11), Some(Origin::new(4, Pos::new(12, 11))));
        assert_eq!(out.starts, vec![1, 14]);
        assert_eq!(lines[12], "---");
    }

    #[test]
    fn strings_stay_strings() {
        for s in ["8080", "1.25", "0x1F", "yes", "on", "~", "null", "-v", "a: b", "a #b", "", " a", "1e3", "+1", ".5"] {
            assert!(string(s).starts_with('"'), "{s}");
        }
        for s in ["nginx:1.25", "v1", "app.kubernetes.io/name", "/health", "a-b", "10Mi", "100m", "web-1"] {
            assert_eq!(string(s), s);
        }
    }
}
