//! `http-server-timeouts-missing`: `ReadHeaderTimeout: 10 * time.Second` in the `http.Server`
//! literal the finding points at, or, for `http.ListenAndServe(addr, h)` (also
//! `ListenAndServeTLS`, `Serve`, `ServeTLS`) on one line, the call rewritten as the literal the
//! standard library builds for it: `(&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout:
//! 10 * time.Second}).ListenAndServe()`. `"time"` is added to the imports when missing (in the
//! standard library group, sorted, as gofmt and goimports keep it). The result is gofmt-clean:
//! in a literal whose fields are all one-line `Key: value,` lines, the last block is realigned
//! as gofmt aligns it; otherwise the new field goes after a blank line, its own block.
//!
//! Unsafe: ten seconds is a guess; a client that legitimately sends headers slower is cut off.
//!
//! Declined: gin's `Run` and echo's `Start` (the server is the framework's), calls spanning
//! lines or with arguments that are not plain expressions, a literal whose opening line holds
//! fields, `time` imported as `_` or `.`, and anything the scanner cannot match up.

use std::sync::LazyLock;

use regex::Regex;

use super::Fixer;
use super::src_support::finding_offset;
use crate::fix::text::{Lines, indent_of};
use crate::fix::{Applicability, Ctx, Edit, Fix};

pub const FIXER: Fixer = Fixer {
    rule: "http-server-timeouts-missing",
    applicability: Applicability::Unsafe,
    summary: "adds `ReadHeaderTimeout: 10 * time.Second` to the `http.Server` literal (rewrites a one-line \
              `http.ListenAndServe(addr, h)` into one), importing `time`",
    fix,
};

const FIELD: &str = "ReadHeaderTimeout";

static LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^&?[A-Za-z_][A-Za-z0-9_]*\.Server[ \t]*\{").expect("valid regex"));
static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z_][A-Za-z0-9_]*)\.(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)\(").expect("valid regex")
});
static KEY_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([ \t]*)([A-Za-z_][A-Za-z0-9_]*):[ \t]+(\S.*),$").expect("valid regex"));

fn fix(ctx: &Ctx) -> Option<Fix> {
    let at = finding_offset(ctx)?;
    let (time, import) = time_package(ctx)?;
    let value = format!("10 * {time}.Second");
    let rest = &ctx.text[at..];
    let mut edits = if let Some(m) = LITERAL.find(rest) {
        literal(ctx, at + m.end() - 1, &value)?
    } else if ctx.finding.message.starts_with("http.") {
        call(ctx, at, &value)?
    } else {
        return None;
    };
    edits.extend(import);
    Fix::unsafe_(format!("set `{FIELD}: {value}` on the server"), edits)
}

/// The edits adding the field to the literal whose `{` is at `open`.
fn literal(ctx: &Ctx, open: usize, value: &str) -> Option<Vec<Edit>> {
    let text = ctx.text;
    let close = matching(text, open)?;
    let lines = Lines::new(text);
    let (open_line, _) = crate::fix::text::line_col(text, open);
    let (close_line, _) = crate::fix::text::line_col(text, close);
    let field = format!("{FIELD}: {value}");
    if open_line == close_line {
        let inner = &text[open + 1..close];
        let end = open + 1 + inner.trim_end().len();
        let insert = if inner.trim().is_empty() { field } else { format!(", {field}") };
        return Some(vec![ctx.edit(end, close, insert)]);
    }
    let (open_line, close_line) = (open_line as usize, close_line as usize);
    let close_text = lines.get(close_line);
    if !text[open + 1..lines.next_start(open_line)].trim().is_empty() || !close_text.trim_start().starts_with('}') {
        return None;
    }
    let body: Vec<usize> = (open_line + 1..close_line).collect();
    let Some(&last) = body.iter().rev().find(|&&n| !lines.get(n).trim().is_empty()) else {
        let indent = format!("{}\t", &close_text[..indent_of(close_text)]);
        return Some(vec![ctx.insert(lines.start(close_line), format!("{indent}{field},{}", lines.eol))]);
    };
    let indent = &lines.get(last)[..indent_of(lines.get(last))];
    let simple = |n: usize| {
        let l = lines.get(n);
        l.trim().is_empty()
            || (KEY_VALUE.is_match(l)
                && indent_of(l) == indent.len()
                && !l.contains("//")
                && !l.contains("/*")
                && balanced(l))
    };
    if !body.iter().all(|&n| simple(n)) {
        // A block of its own: gofmt aligns nothing across a blank line.
        let new = format!("{}{indent}{field},{}", lines.eol, lines.eol);
        return Some(vec![ctx.insert(lines.next_start(last), new)]);
    }
    // The last block (after the last blank line), realigned with the new key as gofmt would.
    let first = body.iter().rev().take_while(|&&n| !lines.get(n).trim().is_empty()).last().copied()?;
    let mut rows: Vec<(String, String)> = (first..=last)
        .map(|n| {
            let c = KEY_VALUE.captures(lines.get(n)).expect("simple line");
            (c[2].to_string(), c[3].to_string())
        })
        .collect();
    rows.push((FIELD.to_string(), value.to_string()));
    let width = rows.iter().map(|(k, _)| k.len()).max()?;
    if width > 40 {
        return None;
    }
    let block: String =
        rows.iter().map(|(k, v)| format!("{indent}{k}:{} {v},{}", " ".repeat(width - k.len()), lines.eol)).collect();
    Some(vec![ctx.edit(lines.start(first), lines.next_start(last), block)])
}

/// `http.ListenAndServe(addr, h)` on one line, as the server literal the standard library
/// builds for it.
fn call(ctx: &Ctx, at: usize, value: &str) -> Option<Vec<Edit>> {
    let c = CALL.captures(&ctx.text[at..])?;
    let (pkg, func) = (c.get(1)?.as_str(), c.get(2)?.as_str());
    let open = at + c.get(0)?.end() - 1;
    let close = matching(ctx.text, open)?;
    let inner = &ctx.text[open + 1..close];
    if inner.contains('\n') || inner.contains("//") || inner.contains("/*") {
        return None;
    }
    let args = split_args(inner)?;
    let (addr, handler, rest): (Option<&str>, &str, Vec<&str>) = match (func, args.as_slice()) {
        ("ListenAndServe", [a, h]) => (Some(a), h, vec![]),
        ("ListenAndServeTLS", [a, c, k, h]) => (Some(a), h, vec![c, k]),
        ("Serve", [l, h]) => (None, h, vec![l]),
        ("ServeTLS", [l, h, c, k]) => (None, h, vec![l, c, k]),
        _ => return None,
    };
    let mut fields = Vec::new();
    if let Some(a) = addr {
        fields.push(format!("Addr: {a}"));
    }
    if handler != "nil" {
        fields.push(format!("Handler: {handler}"));
    }
    fields.push(format!("{FIELD}: {value}"));
    let method = func;
    let replacement = format!("(&{pkg}.Server{{{}}}).{method}({})", fields.join(", "), rest.join(", "));
    Some(vec![ctx.edit(at, close + 1, replacement)])
}

/// The arguments of a one-line call, split at top-level commas; `None` when brackets or quotes
/// do not match.
fn split_args(inner: &str) -> Option<Vec<&str>> {
    let mut args = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    let b = inner.as_bytes();
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => i = skip_quoted(inner, i)?,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    args.push(inner[start..].trim());
    (depth == 0 && args.iter().all(|a| !a.is_empty())).then_some(args)
}

/// Offset of the last byte of the string or rune literal starting at `i`.
fn skip_quoted(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' if q != b'`' => j += 1,
            b'\n' if q != b'`' => return None,
            c if c == q => return Some(j),
            _ => {}
        }
        j += 1;
    }
    None
}

/// The offset of the bracket closing the one at `open`, past strings, runes and comments.
fn matching(text: &str, open: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => i = skip_quoted(text, i)?,
            b'/' if b.get(i + 1) == Some(&b'/') => i = text[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => i = i + 2 + text[i + 2..].find("*/")? + 1,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a line opens no bracket or string it does not close.
fn balanced(line: &str) -> bool {
    let Some(first) = line.find(|c: char| !c.is_whitespace()) else { return true };
    let wrapped = format!("({})", &line[first..]);
    matching(&wrapped, 0) == Some(wrapped.len() - 1)
}

/// The name `time` is imported as, and the edit importing it when it is not; `None` when it is
/// imported as `_` or `.`, or the imports cannot be read.
fn time_package(ctx: &Ctx) -> Option<(String, Option<Edit>)> {
    let lines = Lines::new(ctx.text);
    let spec = |l: &str| -> Option<(Option<String>, String)> {
        let l = l.trim();
        let (alias, path) = match l.find('"') {
            Some(0) => (None, l),
            Some(i) => (Some(l[..i].trim().to_string()), &l[i..]),
            None => return None,
        };
        let path = path.strip_prefix('"')?;
        Some((alias, path[..path.find('"')?].to_string()))
    };
    // Import declarations: (first line, last line, is a block).
    let mut decls = Vec::new();
    let mut n = 1;
    while n <= lines.count() {
        let l = lines.get(n);
        if l.starts_with("func ") || l.starts_with("type ") || l.starts_with("var ") || l.starts_with("const ") {
            break;
        }
        if let Some(r) = l.strip_prefix("import") {
            let r = r.trim();
            if r == "(" {
                let end = (n + 1..=lines.count()).find(|&m| lines.get(m).trim() == ")")?;
                decls.push((n, end, true));
                n = end;
            } else if r.starts_with('(') {
                return None;
            } else {
                decls.push((n, n, false));
            }
        }
        n += 1;
    }
    let mut specs = Vec::new();
    for &(s, e, block) in &decls {
        let range = if block { s + 1..e } else { s..s + 1 };
        for m in range {
            let l = if block { lines.get(m) } else { lines.get(m).trim_start_matches("import") };
            if let Some((alias, path)) = spec(l) {
                specs.push((m, alias, path));
            }
        }
    }
    if let Some((_, alias, _)) = specs.iter().find(|(_, _, p)| p == "time") {
        return match alias.as_deref() {
            None => Some(("time".into(), None)),
            Some("_" | ".") => None,
            Some(a) => Some((a.to_string(), None)),
        };
    }
    let std = |p: &str| !p.split('/').next().unwrap_or("").contains('.');
    let edit = if let Some(&(s, e, _)) = decls.iter().find(|d| d.2) {
        // The block's first group holding a standard library import, or a new group on top.
        let in_block: Vec<&(usize, Option<String>, String)> =
            specs.iter().filter(|(m, _, _)| *m > s && *m < e).collect();
        let first_std = in_block.iter().find(|(_, _, p)| std(p));
        let Some(&&(g, _, _)) = first_std else {
            let first = in_block.first()?.0;
            let indent = &lines.get(first)[..indent_of(lines.get(first))];
            return Some((
                "time".into(),
                Some(ctx.insert(lines.start(first), format!("{indent}\"time\"{0}{0}", lines.eol))),
            ));
        };
        let mut group_end = g;
        while group_end + 1 < e && !lines.get(group_end + 1).trim().is_empty() {
            group_end += 1;
        }
        let mut group_start = g;
        while group_start > s + 1 && !lines.get(group_start - 1).trim().is_empty() {
            group_start -= 1;
        }
        let indent = &lines.get(g)[..indent_of(lines.get(g))];
        let new = format!("{indent}\"time\"{}", lines.eol);
        let before = in_block.iter().find(|(m, _, p)| *m >= group_start && *m <= group_end && p.as_str() > "time");
        match before {
            Some(&&(m, _, _)) => ctx.insert(lines.start(m), new),
            None => ctx.insert(lines.next_start(group_end), new),
        }
    } else {
        // `import "net/http"`: a block with both.
        let &(m, _, ref path) = specs.iter().find(|(_, _, p)| p != "C")?;
        let line = lines.get(m);
        let own = line.trim_start_matches("import").trim();
        let eol = lines.eol;
        let both = if path.as_str() < "time" { [own, "\"time\""] } else { ["\"time\"", own] };
        ctx.edit(
            lines.start(m),
            lines.start(m) + line.len(),
            format!("import ({eol}\t{}{eol}\t{}{eol})", both[0], both[1]),
        )
    };
    Some(("time".into(), Some(edit)))
}

#[cfg(test)]
mod tests;
