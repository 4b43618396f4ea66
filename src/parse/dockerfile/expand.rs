//! Docker's word processing: quote removal and variable substitution, under a per-`parse`
//! budget of substituted bytes.

use std::cell::Cell;
use std::collections::BTreeMap;

/// Quote removal and `$VAR`/`${VAR}`/`${VAR:-x}`/`${VAR:+x}`/`${VAR:?x}` substitution like
/// Docker's word processing. A variable without a value is kept as written and flagged.
/// Bytes that variable substitution may copy in one `parse`: `ENV B=$A$A$A$A` chains grow 4x per
/// line, so without a bound a few hundred bytes reach gigabytes. Past it references stay literal
/// (and unresolved).
pub(super) const MAX_SUBSTITUTED: usize = 16 << 20;

thread_local! {
    /// Substitution bytes left to the `parse` running on this thread.
    pub(super) static SUBSTITUTED: Cell<usize> = const { Cell::new(MAX_SUBSTITUTED) };
}

/// Takes `n` bytes from the substitution budget, if that many are left.
fn substitute_within_budget(n: usize) -> bool {
    let left = SUBSTITUTED.get();
    SUBSTITUTED.set(left.saturating_sub(n));
    n <= left
}

struct Expander<'a> {
    chars: Vec<char>,
    i: usize,
    esc: char,
    vars: &'a [&'a BTreeMap<String, String>],
    substitute: bool,
    unresolved: bool,
}

pub(super) fn expand(word: &str, esc: char, vars: &[&BTreeMap<String, String>]) -> (String, bool) {
    let mut e = Expander { chars: word.chars().collect(), i: 0, esc, vars, substitute: true, unresolved: false };
    let out = e.word(false, 0);
    (out, e.unresolved)
}

pub(super) fn unquote(word: &str, esc: char) -> String {
    let mut e = Expander { chars: word.chars().collect(), i: 0, esc, vars: &[], substitute: false, unresolved: false };
    e.word(false, 0)
}

impl Expander<'_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.vars.iter().find_map(|m| m.get(name)).map(String::as_str)
    }

    fn raw_from(&self, start: usize) -> String {
        self.chars[start..self.i.min(self.chars.len())].iter().collect()
    }

    fn word(&mut self, in_braces: bool, depth: u32) -> String {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.i) {
            if in_braces && c == '}' {
                break;
            }
            if c == '\'' || c == '"' {
                self.i += 1;
                while let Some(&q) = self.chars.get(self.i) {
                    if q == c {
                        break;
                    }
                    let next = self.chars.get(self.i + 1).copied();
                    if c == '"' && q == self.esc && next.is_some_and(|n| n == '"' || n == '$' || n == self.esc) {
                        out.extend(next);
                        self.i += 2;
                    } else if c == '"' && q == '$' && self.substitute {
                        self.dollar(&mut out, depth);
                    } else {
                        out.push(q);
                        self.i += 1;
                    }
                }
                self.i += 1;
            } else if c == self.esc {
                out.extend(self.chars.get(self.i + 1));
                self.i += 2;
            } else if c == '$' && self.substitute {
                self.dollar(&mut out, depth);
            } else {
                out.push(c);
                self.i += 1;
            }
        }
        out
    }

    fn dollar(&mut self, out: &mut String, depth: u32) {
        let start = self.i;
        self.i += 1;
        let is_name = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
        let name_from = |e: &mut Self| {
            let s = e.i;
            while e.chars.get(e.i).is_some_and(is_name) {
                e.i += 1;
            }
            e.chars[s..e.i].iter().collect::<String>()
        };
        if self.chars.get(self.i) != Some(&'{') || depth >= 32 {
            let name = name_from(self);
            if name.is_empty() {
                out.push('$');
            } else if let Some(v) = self.lookup(&name)
                && substitute_within_budget(v.len())
            {
                out.push_str(v);
            } else {
                self.unresolved = true;
                out.push_str(&self.raw_from(start));
            }
            return;
        }
        self.i += 1;
        let name = name_from(self);
        let (colon, op) = match (self.chars.get(self.i), self.chars.get(self.i + 1)) {
            (Some('}'), _) => (false, '}'),
            (Some(':'), Some(&o @ ('-' | '+' | '?'))) => (true, o),
            (Some(&o @ ('-' | '+' | '?')), _) => (false, o),
            _ => (false, '!'),
        };
        self.i += usize::from(op != '!' && op != '}') + usize::from(colon);
        let before = self.unresolved;
        let word = if op == '}' { String::new() } else { self.word(true, depth + 1) };
        let closed = self.chars.get(self.i) == Some(&'}');
        self.i += usize::from(closed);
        let val = self.lookup(&name).map(String::from);
        let present = if colon { val.as_deref().is_some_and(|v| !v.is_empty()) } else { val.is_some() };
        let result = match op {
            _ if name.is_empty() || !closed => None,
            '-' => Some(if present { val.unwrap_or_default() } else { word }),
            '+' => Some(if present { word } else { String::new() }),
            '}' | '?' => val.filter(|_| present || op == '}'),
            _ => None, // `#`, `%`, `/` patterns: not evaluated
        };
        match result.filter(|v| substitute_within_budget(v.len())) {
            Some(v) => {
                if !(op == '-' && !present || op == '+' && present) {
                    self.unresolved = before; // the default/alternative word was not used
                }
                out.push_str(&v);
            }
            None => {
                self.unresolved = true;
                out.push_str(&self.raw_from(start));
            }
        }
    }
}
