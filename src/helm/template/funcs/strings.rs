//! sprig's string functions (strings.go, functions.go) and path helpers.

use std::hash::{BuildHasher, Hasher};

use super::{FnResult, Reg, check_size, err, int, s, strval};
use crate::helm::template::lex::go_quote;
use crate::helm::template::value::Val;

pub(crate) fn register(r: &mut Reg) {
    r.add("trim", "s", |_, a| Ok(Val::str(s(&a[0]).trim())));
    r.add("trimAll", "ss", |_, a| Ok(Val::str(s(&a[1]).trim_matches(|c| s(&a[0]).contains(c)))));
    r.add("trimall", "ss", |_, a| Ok(Val::str(s(&a[1]).trim_matches(|c| s(&a[0]).contains(c)))));
    r.add("trimPrefix", "ss", |_, a| Ok(Val::str(s(&a[1]).strip_prefix(s(&a[0])).unwrap_or(s(&a[1])))));
    r.add("trimSuffix", "ss", |_, a| Ok(Val::str(s(&a[1]).strip_suffix(s(&a[0])).unwrap_or(s(&a[1])))));
    r.add("upper", "s", |_, a| Ok(Val::str(s(&a[0]).to_uppercase())));
    r.add("lower", "s", |_, a| Ok(Val::str(s(&a[0]).to_lowercase())));
    r.add("title", "s", |_, a| Ok(Val::str(title(s(&a[0])))));
    r.add("untitle", "s", |_, a| Ok(Val::str(map_words(s(&a[0]), |w| first_mapped(w, char::to_lowercase)))));
    r.add("repeat", "is", |ex, a| {
        let n = int(&a[0]);
        if n < 0 {
            return err("strings: negative Repeat count");
        }
        check_size(ex, (n as u64).saturating_mul(s(&a[1]).len() as u64))?;
        Ok(Val::str(s(&a[1]).repeat(n as usize)))
    });
    r.add("substr", "iis", |_, a| substr(int(&a[0]), int(&a[1]), s(&a[2])));
    r.add("nospace", "s", |_, a| Ok(Val::str(s(&a[0]).chars().filter(|c| !c.is_whitespace()).collect::<String>())));
    r.add("trunc", "is", |_, a| {
        let (c, t) = (int(&a[0]), s(&a[1]));
        let n = t.len() as i64;
        Ok(Val::str(if c < 0 && n + c > 0 {
            byte_slice(t, (n + c) as usize, t.len())
        } else if c >= 0 && n > c {
            byte_slice(t, 0, c as usize)
        } else {
            t.to_string()
        }))
    });
    r.add("abbrev", "is", |_, a| {
        let (w, t) = (int(&a[0]), s(&a[1]));
        Ok(Val::str(if w < 4 || t.len() as i64 <= w {
            t.to_string()
        } else {
            byte_slice(t, 0, (w - 3) as usize) + "..."
        }))
    });
    r.add("abbrevboth", "iis", |_, a| Ok(Val::str(abbrevboth(int(&a[0]), int(&a[1]), s(&a[2])))));
    r.add("initials", "s", |_, a| {
        Ok(Val::str(s(&a[0]).split_whitespace().filter_map(|w| w.chars().next()).collect::<String>()))
    });
    r.add("wrap", "is", |_, a| Ok(Val::str(wrap(s(&a[1]), int(&a[0]), "\n", false))));
    r.add("wrapWith", "iss", |_, a| Ok(Val::str(wrap(s(&a[2]), int(&a[0]), s(&a[1]), true))));
    r.add("contains", "ss", |_, a| Ok(Val::Bool(s(&a[1]).contains(s(&a[0])))));
    r.add("hasPrefix", "ss", |_, a| Ok(Val::Bool(s(&a[1]).starts_with(s(&a[0])))));
    r.add("hasSuffix", "ss", |_, a| Ok(Val::Bool(s(&a[1]).ends_with(s(&a[0])))));
    r.add("quote", "a*", |_, a| {
        Ok(Val::str(a.iter().filter(|v| !v.is_nil()).map(|v| go_quote(&strval(v))).collect::<Vec<_>>().join(" ")))
    });
    // sprig's squote formats with %v, not strval: a []byte prints as numbers.
    r.add("squote", "a*", |_, a| {
        Ok(Val::str(
            a.iter()
                .filter(|v| !v.is_nil())
                .map(|v| format!("'{}'", crate::helm::template::fmt::to_go_string(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ))
    });
    r.add("cat", "a*", |_, a| {
        Ok(Val::str(
            a.iter()
                .filter(|v| !v.is_nil())
                .map(crate::helm::template::fmt::to_go_string)
                .collect::<Vec<_>>()
                .join(" "),
        ))
    });
    r.add("indent", "is", |ex, a| indent(ex, int(&a[0]), s(&a[1]), false));
    r.add("nindent", "is", |ex, a| indent(ex, int(&a[0]), s(&a[1]), true));
    r.add("replace", "sss", |_, a| Ok(Val::str(s(&a[2]).replace(s(&a[0]), s(&a[1])))));
    r.add("plural", "ssi", |_, a| Ok(if int(&a[2]) == 1 { a[0].clone() } else { a[1].clone() }));
    r.add("snakecase", "s", |_, a| Ok(Val::str(delimit_words(s(&a[0]), '_'))));
    r.add("kebabcase", "s", |_, a| Ok(Val::str(delimit_words(s(&a[0]), '-'))));
    r.add("camelcase", "s", |_, a| Ok(Val::str(pascal_case(s(&a[0])))));
    r.add("swapcase", "s", |_, a| {
        Ok(Val::str(
            s(&a[0])
                .chars()
                .flat_map(|c| -> Vec<char> {
                    if c.is_uppercase() {
                        c.to_lowercase().collect()
                    } else if c.is_lowercase() {
                        c.to_uppercase().collect()
                    } else {
                        vec![c]
                    }
                })
                .collect::<String>(),
        ))
    });
    r.add("shuffle", "s", |_, a| {
        let mut c: Vec<char> = s(&a[0]).chars().collect();
        for i in (1..c.len()).rev() {
            c.swap(i, (random_u64() % (i as u64 + 1)) as usize);
        }
        Ok(Val::str(c.into_iter().collect::<String>()))
    });
    r.add("toString", "a", |_, a| Ok(Val::str(strval(&a[0]))));
    r.add("split", "ss", |_, a| Ok(numbered(s(&a[1]).split(s(&a[0])).collect())));
    r.add("splitList", "ss", |_, a| {
        Ok(Val::list(go_split(s(&a[1]), s(&a[0]), -1).into_iter().map(Val::str).collect()))
    });
    r.add("splitn", "sis", |_, a| Ok(numbered(go_split(s(&a[2]), s(&a[0]), int(&a[1])))));
    r.add("randAlphaNum", "i", |ex, a| {
        random_string(ex, int(&a[0]), b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    });
    r.add("randAlpha", "i", |ex, a| {
        random_string(ex, int(&a[0]), b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    });
    r.add("randNumeric", "i", |ex, a| random_string(ex, int(&a[0]), b"0123456789"));
    r.add("randAscii", "i", |ex, a| {
        let printable: Vec<u8> = (32u8..127).collect();
        random_string(ex, int(&a[0]), &printable)
    });
    for name in ["base", "osBase"] {
        r.add(name, "s", |_, a| Ok(Val::str(path_base(s(&a[0])))));
    }
    for name in ["dir", "osDir"] {
        r.add(name, "s", |_, a| Ok(Val::str(path_dir(s(&a[0])))));
    }
    for name in ["clean", "osClean"] {
        r.add(name, "s", |_, a| Ok(Val::str(path_clean(s(&a[0])))));
    }
    for name in ["ext", "osExt"] {
        r.add(name, "s", |_, a| Ok(Val::str(path_ext(s(&a[0])))));
    }
    r.add("isAbs", "s", |_, a| Ok(Val::Bool(s(&a[0]).starts_with('/'))));
    r.add("osIsAbs", "s", |_, a| Ok(Val::Bool(s(&a[0]).starts_with('/'))));
}

thread_local! {
    /// The state of this thread's deterministic generator, while one is set (see [`seeded`]).
    static SEEDED: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with every random function on this thread drawing from a generator seeded with
/// `seed`, so that the same chart renders the same "random" names and passwords every time:
/// `paved lint` output (object names in messages) must not change from run to run. Helm's own
/// values are random, so any value is one Helm could have produced.
pub(crate) fn seeded<T>(seed: u64, f: impl FnOnce() -> T) -> T {
    let before = SEEDED.with(|s| s.replace(Some(seed | 1)));
    let out = f();
    SEEDED.with(|s| s.set(before));
    out
}

/// This thread's generator state, to carry it onto another thread ([`set_seed_state`]).
pub(crate) fn seed_state() -> Option<u64> {
    SEEDED.with(|s| s.get())
}

pub(crate) fn set_seed_state(state: Option<u64>) {
    SEEDED.with(|s| s.set(state));
}

/// A random u64: from the seeded generator when [`seeded`] set one (xorshift64*), else from
/// the standard library's randomly keyed hasher.
pub(crate) fn random_u64() -> u64 {
    if let Some(mut x) = SEEDED.with(|s| s.get()) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        SEEDED.with(|s| s.set(Some(x)));
        return x.wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

fn random_string(ex: &mut crate::helm::template::exec::Exec, n: i64, alphabet: &[u8]) -> FnResult {
    check_size(ex, n.max(0) as u64)?;
    Ok(Val::str(
        (0..n.max(0)).map(|_| alphabet[(random_u64() % alphabet.len() as u64) as usize] as char).collect::<String>(),
    ))
}

/// `s[from..to]` in bytes, moved to character boundaries (Go would cut inside a character).
fn byte_slice(s: &str, mut from: usize, mut to: usize) -> String {
    to = to.min(s.len());
    while to > 0 && !s.is_char_boundary(to) {
        to -= 1;
    }
    from = from.min(to);
    while from > 0 && !s.is_char_boundary(from) {
        from -= 1;
    }
    s[from..to].to_string()
}

fn substr(start: i64, end: i64, s: &str) -> FnResult {
    let n = s.len() as i64;
    let (from, to) = if start < 0 {
        (0, end)
    } else if end < 0 || end > n {
        (start, n)
    } else {
        (start, end)
    };
    if from < 0 || to < 0 || from > to || to > n {
        return err(format!("runtime error: slice bounds out of range [{from}:{to}]"));
    }
    Ok(Val::str(byte_slice(s, from as usize, to as usize)))
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    let n = s.len() as i64;
    if s.is_empty() || n <= right {
        return s.to_string();
    }
    let mut offset = left.min(n);
    if n - offset < right - 3 {
        offset = n - (right - 3);
    }
    if offset <= 4 {
        return byte_slice(s, 0, (right - 3) as usize) + "...";
    }
    if offset + right - 3 < n {
        let rest = byte_slice(s, offset as usize, s.len());
        let w = right - 3;
        let tail = if (rest.len() as i64) <= w { rest } else { byte_slice(&rest, 0, (w - 3).max(0) as usize) + "..." };
        return format!("...{tail}");
    }
    format!("...{}", byte_slice(s, (n - (right - 3)) as usize, s.len()))
}

fn indent(ex: &mut crate::helm::template::exec::Exec, n: i64, v: &str, newline: bool) -> FnResult {
    let n = n.max(0) as u64;
    let lines = v.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    check_size(ex, n.saturating_mul(lines).saturating_add(v.len() as u64))?;
    let pad = " ".repeat(n as usize);
    let body = format!("{pad}{}", v.replace('\n', &format!("\n{pad}")));
    Ok(Val::str(if newline { format!("\n{body}") } else { body }))
}

/// strings.Title: upper-cases letters that start a word.
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .flat_map(|c| {
            let sep = !(prev.is_alphanumeric() || prev == '_' || prev == '\'');
            prev = c;
            if sep { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] }
        })
        .collect()
}

fn map_words(s: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in s.chars() {
        if c.is_whitespace() {
            out.push_str(&f(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&f(&word));
    out
}

fn first_mapped<I: Iterator<Item = char>>(w: &str, f: fn(char) -> I) -> String {
    let mut cs = w.chars();
    match cs.next() {
        Some(c) => f(c).chain(cs).collect(),
        None => String::new(),
    }
}

/// goutils.WrapCustom: wraps at spaces to lines of at most `width`; long words are kept
/// whole unless `long_words` is set.
fn wrap(s: &str, width: i64, newline: &str, long_words: bool) -> String {
    let width = width.max(1) as usize;
    let mut out = Vec::new();
    for line in s.split('\n') {
        let mut cur = String::new();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let mut word = word.to_string();
            if cur.is_empty() {
                cur = word;
            } else if cur.chars().count() + 1 + word.chars().count() <= width {
                cur.push(' ');
                cur.push_str(&word);
            } else {
                out.push(std::mem::take(&mut cur));
                cur = std::mem::take(&mut word);
            }
            while long_words && cur.chars().count() > width {
                let head: String = cur.chars().take(width).collect();
                let tail: String = cur.chars().skip(width).collect();
                out.push(head);
                cur = tail;
            }
        }
        out.push(cur);
    }
    out.join(newline)
}

/// Words of an identifier: split at connectors and case changes (`HTTPServer` → HTTP, Server).
fn words(s: &str) -> Vec<String> {
    let cs: Vec<char> = s.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in cs.iter().enumerate() {
        if c == '-' || c == '_' || c.is_whitespace() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&p) = i.checked_sub(1).and_then(|j| cs.get(j)) {
            let next_lower = cs.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (c.is_uppercase() && (p.is_lowercase() || p.is_numeric()))
                || (c.is_uppercase() && p.is_uppercase() && next_lower);
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn delimit_words(s: &str, sep: char) -> String {
    words(s).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join(&sep.to_string())
}

/// xstrings.ToPascalCase: connectors removed, the following letter upper-cased.
fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in s.chars() {
        if c == '-' || c == '_' || c.is_whitespace() {
            up = true;
            continue;
        }
        if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// strings.SplitN (n < 0: all).
fn go_split<'a>(s: &'a str, sep: &str, n: i64) -> Vec<&'a str> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut v: Vec<&str> = s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]).collect();
        if n > 0 && v.len() > n as usize {
            let start = v[..n as usize - 1].iter().map(|x| x.len()).sum::<usize>();
            v.truncate(n as usize - 1);
            v.push(&s[start..]);
        }
        return v;
    }
    if n < 0 { s.split(sep).collect() } else { s.splitn(n as usize, sep).collect() }
}

fn numbered(parts: Vec<&str>) -> Val {
    Val::map(parts.into_iter().enumerate().map(|(i, p)| (format!("_{i}"), Val::str(p))).collect())
}

fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn path_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => path_clean(&p[..=i]),
        None => ".".into(),
    }
}

fn path_ext(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or(p);
    last.rfind('.').map_or(String::new(), |i| last[i..].to_string())
}
