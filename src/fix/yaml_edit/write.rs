//! Writing: new keys and list items rendered in the document's own style, and the edits that
//! insert them (`merge`, `push`). The reading half is the parent module.

use super::{Doc, Lookup, Map, MapKind, New, Seq};
use crate::fix::Edit;

impl Doc<'_> {
    fn render(&self, entries: &[(String, New)], col: usize, near: &Map, out: &mut String) {
        for (k, v) in entries {
            out.push_str(&" ".repeat(col));
            out.push_str(k);
            out.push(':');
            self.render_value(v, col, near, out);
        }
    }

    fn render_value(&self, v: &New, col: usize, near: &Map, out: &mut String) {
        let eol = self.lines.eol;
        match v {
            New::Scalar(s) => {
                out.push(' ');
                out.push_str(s);
                out.push_str(eol);
            }
            New::Map(m) => {
                out.push_str(eol);
                self.render(m, col + self.step, near, out);
            }
            New::Seq(items) => {
                out.push_str(eol);
                let dash = col + self.seq_offset_near(near);
                for item in items {
                    self.render_item(item, dash, near, out);
                }
            }
        }
    }

    fn render_item(&self, item: &New, dash: usize, near: &Map, out: &mut String) {
        out.push_str(&" ".repeat(dash));
        out.push('-');
        match item {
            New::Map(m) if !m.is_empty() => {
                let mut inner = String::new();
                self.render(m, dash + 2, near, &mut inner);
                out.push(' ');
                out.push_str(&inner[dash + 2..]);
            }
            other => self.render_value(other, dash, near, out),
        }
    }

    /// Edits that add `entries` (keys absent from it) to `map`.
    fn insert(&self, map: &Map, entries: &[(String, New)], near: &Map) -> Option<Vec<Edit>> {
        match &map.kind {
            MapKind::Block => {
                let mut body = String::new();
                self.render(entries, map.col, near, &mut body);
                Some(vec![self.insert_after(map.after, body)])
            }
            MapKind::Replace { start, end } => {
                let mut body = String::new();
                self.render(entries, map.col, near, &mut body);
                Some(vec![self.edit(*start, *end, String::new()), self.insert_after(map.after, body)])
            }
            MapKind::Flow { close, .. } => {
                let parts: Option<Vec<String>> =
                    entries.iter().map(|(k, v)| Some(format!("{k}: {}", v.flow()?))).collect();
                Some(vec![self.edit(*close, *close, format!(", {}", parts?.join(", ")))])
            }
        }
    }

    /// Edits that merge `entries` into the mapping at `path` under `map`, creating the
    /// mappings of `path` that are absent. `None` when an entry's key is already there or
    /// the way down cannot be edited safely.
    pub fn merge(&self, map: &Map, path: &[&str], entries: Vec<(String, New)>) -> Option<Vec<Edit>> {
        let near = map.clone();
        let mut map = map.clone();
        for (i, k) in path.iter().enumerate() {
            match self.get(&map, k) {
                Lookup::Unknown => return None,
                Lookup::At(n) => map = self.map_of(n)?,
                Lookup::Absent => {
                    let nested = path[i + 1..]
                        .iter()
                        .rev()
                        .fold(New::Map(entries), |acc, k| New::Map(vec![(k.to_string(), acc)]));
                    return self.insert(&map, &[(k.to_string(), nested)], &near);
                }
            }
        }
        for (k, _) in &entries {
            if self.get(&map, k) != Lookup::Absent {
                return None;
            }
        }
        self.insert(&map, &entries, &near)
    }

    /// Edits that add `item` as the first item of the sequence at `path` under `map`,
    /// creating the sequence (and the mappings above it) when absent.
    pub fn push(&self, map: &Map, path: &[&str], item: New) -> Option<Vec<Edit>> {
        let (last, parents) = path.split_last()?;
        let near = map.clone();
        let mut map = map.clone();
        for (i, k) in parents.iter().enumerate() {
            match self.get(&map, k) {
                Lookup::Unknown => return None,
                Lookup::At(n) => map = self.map_of(n)?,
                Lookup::Absent => {
                    return self.merge(&map, &parents[i..], vec![(last.to_string(), New::Seq(vec![item]))]);
                }
            }
        }
        let n = match self.get(&map, last) {
            Lookup::Unknown => return None,
            Lookup::Absent => return self.insert(&map, &[(last.to_string(), New::Seq(vec![item]))], &near),
            Lookup::At(n) => n,
        };
        match self.seq_of(n, &near)? {
            Seq::Block { after, dash } => {
                let mut body = String::new();
                self.render_item(&item, dash, &near, &mut body);
                Some(vec![self.insert_after(after, body)])
            }
            Seq::Replace { line, start, end, dash } => {
                let mut body = String::new();
                self.render_item(&item, dash, &near, &mut body);
                Some(vec![self.edit(start, end, String::new()), self.insert_after(line, body)])
            }
            Seq::Flow { open, empty } => {
                let New::Scalar(s) = &item else { return None };
                if s.contains('#') {
                    return None;
                }
                let sep = if empty { "" } else { ", " };
                Some(vec![self.edit(open, open, format!("{s}{sep}"))])
            }
        }
    }
}
