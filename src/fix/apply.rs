//! Applying edits to text, and choosing fixes that can be applied together in one pass.
//! Like ruff, fixes whose edits touch the same place are not merged: the first (in finding
//! order) is applied, the others wait for the next pass, computed again on the fixed text.

use super::{Edit, Fix};

/// Whether two edits of the same file cannot both be applied: their ranges overlap, or they
/// start at the same offset (two insertions at one point have no defined order).
pub fn conflicts(a: &Edit, b: &Edit) -> bool {
    a.path == b.path && (a.start == b.start || (a.start < b.end && b.start < a.end))
}

/// The indices of `fixes` to apply in one pass: in order, each that conflicts with none chosen
/// before it.
pub fn select(fixes: &[&Fix]) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let clash = chosen.iter().any(|&j| fix.edits.iter().any(|e| fixes[j].edits.iter().any(|c| conflicts(e, c))));
        // A fix whose own edits overlap is malformed: never applied.
        let own = fix.edits.iter().enumerate().any(|(k, e)| fix.edits[k + 1..].iter().any(|c| conflicts(e, c)));
        if !clash && !own {
            chosen.push(i);
        }
    }
    chosen
}

/// `text` with `edits` (all of this file; non-overlapping) applied. `None` when an edit falls
/// outside the text or off a character boundary.
pub fn apply(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.replacement.len()).sum::<usize>());
    let mut last = 0;
    for e in edits {
        if e.start < last || e.end < e.start || e.end > text.len() {
            return None;
        }
        if !text.is_char_boundary(e.start) || !text.is_char_boundary(e.end) {
            return None;
        }
        out.push_str(&text[last..e.start]);
        out.push_str(&e.replacement);
        last = e.end;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Applicability;

    fn edit(path: &str, start: usize, end: usize, r: &str) -> Edit {
        Edit::new(path, "0123456789", start, end, r)
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix { title: String::new(), applicability: Applicability::Safe, edits }
    }

    #[test]
    fn applies_edits_in_offset_order() {
        let t = "0123456789";
        let a = edit("f", 8, 10, "X");
        let b = edit("f", 0, 0, "<");
        let c = edit("f", 3, 5, "");
        assert_eq!(apply(t, &[&a, &b, &c]).as_deref(), Some("<012567X"));
        assert_eq!(apply(t, &[&edit("f", 9, 12, "")]), None);
    }

    #[test]
    fn same_point_and_overlapping_edits_wait_for_the_next_pass() {
        let fixes = [
            fix(vec![edit("f", 2, 2, "a")]),
            fix(vec![edit("f", 2, 2, "b")]),
            fix(vec![edit("f", 1, 4, "c")]),
            fix(vec![edit("g", 2, 2, "d")]),
            fix(vec![edit("f", 4, 6, "e")]),
        ];
        let refs: Vec<&Fix> = fixes.iter().collect();
        assert_eq!(select(&refs), vec![0, 3, 4]);
    }
}
