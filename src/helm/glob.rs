//! The two glob dialects Helm charts meet, as anchored regular expressions: Go's
//! `filepath.Match` (used by `.helmignore` rules) and gobwas/glob with `/` as separator (used by
//! `.Files.Glob`). They differ in `**` and `{a,b}` (gobwas only) and in the negated class
//! (`[^...]` in Go, `[!...]` in gobwas).

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Go `path/filepath.Match`: `*`, `?`, `[...]`/`[^...]`, `\` escapes.
    GoMatch,
    /// gobwas/glob with separator `/`: also `**` (crosses `/`), `{a,b}` and `[!...]`.
    Gobwas,
}

/// Compiles `pattern` into an anchored regex, or `None` for a malformed pattern.
pub(crate) fn compile(pattern: &str, dialect: Dialect) -> Option<Regex> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("^");
    let mut i = 0;
    let mut braces = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if dialect == Dialect::Gobwas && chars.get(i + 1) == Some(&'*') => {
                out.push_str(".*");
                i += 2;
                continue;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '\\' => {
                let next = *chars.get(i + 1)?;
                out.push_str(&regex::escape(&next.to_string()));
                i += 1;
            }
            '[' => {
                let (class, next) = class(&chars, i + 1, dialect)?;
                out.push_str(&class);
                i = next;
                continue;
            }
            '{' if dialect == Dialect::Gobwas => {
                braces += 1;
                out.push_str("(?:");
            }
            ',' if dialect == Dialect::Gobwas && braces > 0 => out.push('|'),
            '}' if dialect == Dialect::Gobwas && braces > 0 => {
                braces -= 1;
                out.push(')');
            }
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    if braces > 0 {
        return None;
    }
    out.push('$');
    Regex::new(&out).ok()
}

/// Translates a character class starting after its `[`; returns it and the index after `]`.
fn class(chars: &[char], mut i: usize, dialect: Dialect) -> Option<(String, usize)> {
    let mut out = String::from("[");
    let negation = if dialect == Dialect::GoMatch { '^' } else { '!' };
    if chars.get(i) == Some(&negation) {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && !first {
            break;
        }
        if c == ']' && dialect == Dialect::GoMatch {
            return None; // Go rejects an empty class
        }
        first = false;
        if c == '\\' && dialect == Dialect::GoMatch {
            i += 1;
            c = *chars.get(i)?;
        }
        push_class_char(&mut out, c);
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let mut hi = chars[i + 1];
            i += 2;
            if hi == '\\' && dialect == Dialect::GoMatch {
                hi = *chars.get(i)?;
                i += 1;
            }
            if hi < c {
                return None;
            }
            out.push('-');
            push_class_char(&mut out, hi);
        }
    }
    out.push(']');
    Some((out, i + 1))
}

fn push_class_char(out: &mut String, c: char) {
    if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

/// Go's `filepath.Match` (false for a malformed pattern, which Go reports as an error).
#[cfg(test)]
pub(crate) fn go_match(pattern: &str, name: &str) -> bool {
    compile(pattern, Dialect::GoMatch).is_some_and(|re| re.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_semantics() {
        assert!(go_match("*.txt", "a.txt"));
        assert!(!go_match("*.txt", "d/a.txt"));
        assert!(go_match("templates/.?*", "templates/.gitkeep"));
        assert!(!go_match("templates/.?*", "templates/."));
        assert!(go_match("[^a]b", "cb"));
        assert!(!go_match("[^a]b", "ab"));
        assert!(go_match("a\\*", "a*"));
        assert!(compile("[", Dialect::GoMatch).is_none());
        assert!(go_match("*~", "file~"));
    }

    #[test]
    fn gobwas_semantics() {
        let re = |p| compile(p, Dialect::Gobwas).expect("valid");
        assert!(re("config/**").is_match("config/a/b.yaml"));
        assert!(!re("config/*").is_match("config/a/b.yaml"));
        assert!(re("*.{yaml,json}").is_match("x.json"));
        assert!(re("[!a]x").is_match("bx"));
        assert!(!re("[!a]x").is_match("ax"));
        assert!(compile("{a,b", Dialect::Gobwas).is_none());
    }
}
