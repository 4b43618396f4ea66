//! Go's fmt package over template values: `Sprint`, `Sprintln`, `Sprintf` (verbs
//! %v %s %d %q %t %f %F %g %G %e %E %x %X %o %O %b %c %U %T %%, flags `+-# 0`, width and
//! precision including `*`, argument indexes `%[n]d`, and Go's `%!verb(type=value)` errors).

use super::lex::go_quote;
use super::value::{MAX_VALUE_DEPTH, Val};

/// `fmt.Sprint`: spaces between operands when neither side is a string.
pub(crate) fn sprint(args: &[Val]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Val::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        out.push_str(&fmt_value(a, 'v', &Spec::default(), 0));
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: spaces between all operands and a final newline.
pub(crate) fn sprintln(args: &[Val]) -> String {
    let parts: Vec<String> = args.iter().map(|a| fmt_value(a, 'v', &Spec::default(), 0)).collect();
    parts.join(" ") + "\n"
}

/// `%v` of one value (what an action prints for a non-nil value).
pub(crate) fn to_go_string(v: &Val) -> String {
    fmt_value(v, 'v', &Spec::default(), 0)
}

#[derive(Default, Clone)]
struct Spec {
    minus: bool,
    plus: bool,
    /// `%+v`: Go moves the `+` here, so it names struct fields and signs no number.
    plus_v: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

impl Spec {
    fn pad(&self, s: &str) -> String {
        let n = s.chars().count();
        let Some(w) = self.wid.filter(|&w| w > n) else { return s.to_string() };
        let fill = w - n;
        if self.minus {
            format!("{s}{}", " ".repeat(fill))
        } else if self.zero {
            format!("{}{s}", "0".repeat(fill))
        } else {
            format!("{}{s}", " ".repeat(fill))
        }
    }
}

/// `fmt.Sprintf`.
pub(crate) fn sprintf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut argn = 0usize;
    let mut reordered = false;
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut sp = Spec::default();
        while i < chars.len() {
            match chars[i] {
                '-' => sp.minus = true,
                '+' => sp.plus = true,
                '#' => sp.sharp = true,
                ' ' => sp.space = true,
                '0' => sp.zero = true,
                _ => break,
            }
            i += 1;
        }
        // Argument index, width, precision.
        let mut bad_index = false;
        let mut read_index = |i: &mut usize, argn: &mut usize, bad: &mut bool| {
            if *i < chars.len() && chars[*i] == '[' {
                reordered = true;
                let close = chars[*i..].iter().position(|&c| c == ']').map(|p| *i + p);
                match close
                    .and_then(|cl| chars[*i + 1..cl].iter().collect::<String>().parse::<usize>().ok().map(|n| (cl, n)))
                {
                    Some((cl, n)) if n >= 1 => {
                        *argn = n - 1;
                        *i = cl + 1;
                    }
                    _ => {
                        *bad = true;
                        *i = close.map_or(chars.len(), |cl| cl + 1);
                    }
                }
            }
        };
        read_index(&mut i, &mut argn, &mut bad_index);
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            match args.get(argn) {
                Some(Val::Int(n)) if (0..1_000_000).contains(n) => sp.wid = Some(*n as usize),
                Some(Val::Int(n)) if (-1_000_000..0).contains(n) => {
                    sp.minus = true;
                    sp.wid = Some(n.unsigned_abs() as usize);
                }
                _ => out.push_str("%!(BADWIDTH)"),
            }
            argn += 1;
        } else {
            let (n, ni) = parse_num(&chars, i);
            sp.wid = n;
            i = ni;
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            read_index(&mut i, &mut argn, &mut bad_index);
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                match args.get(argn) {
                    Some(Val::Int(n)) if (0..1_000_000).contains(n) => sp.prec = Some(*n as usize),
                    _ => out.push_str("%!(BADPREC)"),
                }
                argn += 1;
            } else {
                let (n, ni) = parse_num(&chars, i);
                sp.prec = Some(n.unwrap_or(0));
                i = ni;
            }
        }
        read_index(&mut i, &mut argn, &mut bad_index);
        if i >= chars.len() {
            out.push_str("%!(NOVERB)");
            break;
        }
        let verb = chars[i];
        i += 1;
        if sp.minus {
            sp.zero = false;
        }
        if verb == '%' {
            out.push('%');
            continue;
        }
        if bad_index {
            out.push_str(&format!("%!{verb}(BADINDEX)"));
            continue;
        }
        let Some(arg) = args.get(argn) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        argn += 1;
        if verb == 'T' {
            out.push_str(&sp.pad(&arg.type_name()));
            continue;
        }
        if verb == 'v' {
            sp.plus_v = std::mem::take(&mut sp.plus);
        }
        out.push_str(&fmt_value(arg, verb, &sp, 0));
    }
    if !reordered && argn < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> =
            args[argn..].iter().map(|a| format!("{}={}", a.type_name(), to_go_string(a))).collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn parse_num(chars: &[char], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    while i < chars.len() && chars[i].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add(chars[i] as usize - '0' as usize).min(1_000_000);
        i += 1;
    }
    ((i > start).then_some(n), i)
}

fn bad_verb(v: &Val, verb: char) -> String {
    match v {
        Val::Nil => format!("%!{verb}(<nil>)"),
        v => format!("%!{verb}({}={})", v.type_name(), to_go_string(v)),
    }
}

fn fmt_value(v: &Val, verb: char, sp: &Spec, depth: usize) -> String {
    if depth > MAX_VALUE_DEPTH {
        return "...".into();
    }
    match v {
        Val::Nil => match verb {
            'v' => sp.pad("<nil>"),
            _ => bad_verb(v, verb),
        },
        Val::Bool(b) => match verb {
            'v' | 't' => sp.pad(if *b { "true" } else { "false" }),
            _ => bad_verb(v, verb),
        },
        Val::Int(n) => fmt_int(*n, verb, sp).unwrap_or_else(|| bad_verb(v, verb)),
        Val::Float(f) => fmt_float(*f, verb, sp).unwrap_or_else(|| bad_verb(v, verb)),
        Val::Str(s) => fmt_str(s, verb, sp).unwrap_or_else(|| bad_verb(v, verb)),
        Val::List(items) => {
            let parts: Vec<String> = items.iter().map(|x| fmt_value(x, verb, sp, depth + 1)).collect();
            format!("[{}]", parts.join(" "))
        }
        Val::Map(m) => {
            let parts: Vec<String> = Val::map_entries(m)
                .iter()
                .map(|(k, x)| {
                    let key = fmt_str(k, verb, sp).unwrap_or_else(|| bad_verb(&Val::str(k.as_str()), verb));
                    format!("{key}:{}", fmt_value(x, verb, sp, depth + 1))
                })
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Val::Bytes(b) => fmt_bytes(b, verb, sp),
        Val::Host(h) => {
            if let Some(entries) = h.entries() {
                return fmt_value(&entries_val(entries), verb, sp, depth);
            }
            // A struct: its fields, `{a b}`, `{A:a B:b}` for %+v, `T{A:a, B:b}` for %#v.
            if let Some(fields) = h.struct_fields() {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(name, x)| {
                        let x = fmt_value(&Val::from_public(x), verb, sp, depth + 1);
                        if sp.plus_v || sp.sharp { format!("{name}:{x}") } else { x }
                    })
                    .collect();
                return if sp.sharp {
                    format!("{}{{{}}}", h.type_name(), parts.join(", "))
                } else {
                    format!("{{{}}}", parts.join(" "))
                };
            }
            let s = match h.call("String", &[]) {
                Some(Ok(super::Value::String(s))) => s,
                _ => format!("{{{}}}", h.type_name()),
            };
            fmt_str(&s, verb, sp).unwrap_or_else(|| format!("%!{verb}({})", h.type_name()))
        }
    }
}

/// A host map or slice as a plain value, printed as Go prints maps and slices.
fn entries_val(entries: super::Entries) -> Val {
    match entries {
        super::Entries::Map { entries, .. } => {
            Val::map(entries.iter().map(|(k, v)| (k.clone(), Val::from_public(v))).collect())
        }
        super::Entries::List(items) => Val::list(items.iter().map(Val::from_public).collect()),
    }
}

/// A `[]byte`: text for %s %q %x %X, `[]byte{0x63, 0xa}` for %#v, numbers otherwise.
fn fmt_bytes(b: &[u8], verb: char, sp: &Spec) -> String {
    match verb {
        's' | 'q' => fmt_str(&String::from_utf8_lossy(b), verb, sp).unwrap_or_default(),
        'x' | 'X' => fmt_hex(b, verb, sp),
        'v' if sp.sharp => {
            let items: Vec<String> = b.iter().map(|x| format!("{x:#x}")).collect();
            format!("[]byte{{{}}}", items.join(", "))
        }
        _ => {
            let items: Vec<String> = b
                .iter()
                .map(|x| {
                    let n = Val::Int(i64::from(*x));
                    fmt_int(i64::from(*x), verb, sp).unwrap_or_else(|| bad_verb(&n, verb))
                })
                .collect();
            format!("[{}]", items.join(" "))
        }
    }
}

/// %x / %X of a string's or byte slice's bytes (flags `#` and space as Go reads them).
fn fmt_hex(bytes: &[u8], verb: char, sp: &Spec) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if sp.space && i > 0 {
            out.push(' ');
        }
        if sp.sharp && (sp.space || i == 0) {
            out.push_str(if verb == 'x' { "0x" } else { "0X" });
        }
        if verb == 'x' {
            out.push_str(&format!("{b:02x}"));
        } else {
            out.push_str(&format!("{b:02X}"));
        }
    }
    sp.pad(&out)
}

fn fmt_int(n: i64, verb: char, sp: &Spec) -> Option<String> {
    let neg = n < 0;
    let u = n.unsigned_abs();
    let (mut digits, prefix) = match verb {
        'v' | 'd' => (u.to_string(), ""),
        'b' => (format!("{u:b}"), if sp.sharp { "0b" } else { "" }),
        'o' => (format!("{u:o}"), if sp.sharp { "0" } else { "" }),
        'O' => (format!("{u:o}"), "0o"),
        'x' => (format!("{u:x}"), if sp.sharp { "0x" } else { "" }),
        'X' => (format!("{u:X}"), if sp.sharp { "0X" } else { "" }),
        'c' => {
            return Some(sp.pad(
                &char::from_u32(n as u32).filter(|_| (0..=0x10ffff).contains(&n)).unwrap_or('\u{fffd}').to_string(),
            ));
        }
        'q' => {
            let c = char::from_u32(n as u32).filter(|_| (0..=0x10ffff).contains(&n)).unwrap_or('\u{fffd}');
            let q = go_quote(&c.to_string());
            let inner = &q[1..q.len() - 1];
            let inner = if inner == "\\\"" {
                "\""
            } else if inner == "'" {
                "\\'"
            } else {
                inner
            };
            return Some(sp.pad(&format!("'{inner}'")));
        }
        'U' => {
            let mut s = format!("U+{:04X}", n);
            if sp.sharp
                && let Some(c) = char::from_u32(n as u32)
                && super::lex::is_go_printable(c)
            {
                s.push_str(&format!(" '{c}'"));
            }
            return Some(sp.pad(&s));
        }
        _ => return None,
    };
    let sign_len = usize::from(neg || sp.plus || sp.space);
    if let Some(p) = sp.prec {
        if p == 0 && u == 0 {
            return Some(sp.pad(""));
        }
        if digits.len() < p {
            digits = "0".repeat(p - digits.len()) + &digits;
        }
    } else if sp.zero
        && let Some(w) = sp.wid
    {
        let want = w.saturating_sub(sign_len + prefix.len());
        if digits.len() < want {
            digits = "0".repeat(want - digits.len()) + &digits;
        }
    }
    let sign = if neg {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    };
    let s = format!("{sign}{prefix}{digits}");
    let mut nz = sp.clone();
    nz.zero = false;
    Some(nz.pad(&s))
}

/// Shortest decimal digits of |f| and the decimal point position (Go's decimalSlice): 1.5 is
/// ("15", 1), 0.001 is ("1", -2).
pub(crate) fn shortest_digits(f: f64) -> (String, i32) {
    split_exp(&format!("{:e}", f.abs()))
}

/// Splits Rust's `{:e}` output "d.ddde±x" into digits and Go's decimal point position.
fn split_exp(s: &str) -> (String, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

fn fmt_e(digits: &str, dp: i32, prec: usize, upper: bool) -> String {
    let d: Vec<char> = digits.chars().collect();
    let mut s = String::new();
    s.push(*d.first().unwrap_or(&'0'));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(*d.get(i).unwrap_or(&'0'));
        }
    }
    let exp = if digits.trim_start_matches('0').is_empty() { 0 } else { dp - 1 };
    s.push(if upper { 'E' } else { 'e' });
    s.push(if exp < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", exp.abs()));
    s
}

fn fmt_f(digits: &str, dp: i32, prec: usize) -> String {
    let d: Vec<char> = digits.chars().collect();
    let at = |i: i32| if i >= 0 { *d.get(i as usize).unwrap_or(&'0') } else { '0' };
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp {
            s.push(at(i));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec as i32 {
            s.push(at(dp + i));
        }
    }
    s
}

/// strconv.FormatFloat(f, 'g'/'e'/'f', prec, 64) without the sign.
pub(crate) fn format_float_abs(f: f64, verb: char, prec: Option<usize>) -> String {
    let f = f.abs();
    match verb {
        'e' | 'E' => {
            let p = prec.unwrap_or(6);
            let (digits, dp) = split_exp(&format!("{:.*e}", p, f));
            fmt_e(&digits, dp, p, verb == 'E')
        }
        'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), f),
        _ => {
            let upper = verb == 'G';
            let (digits, dp, shortest, p) = match prec {
                None => {
                    let (d, dp) = shortest_digits(f);
                    let n = d.len();
                    (d, dp, true, n)
                }
                Some(p) => {
                    let p = p.max(1);
                    let (d, dp) = split_exp(&format!("{:.*e}", p - 1, f));
                    let d = d.trim_end_matches('0').to_string();
                    let d = if d.is_empty() { "0".to_string() } else { d };
                    (d, dp, false, p)
                }
            };
            let nd = digits.len() as i32;
            let mut eprec = p as i32;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = if f == 0.0 { 0 } else { dp - 1 };
            if exp < -4 || exp >= eprec {
                let pp = (p as i32).min(nd);
                fmt_e(&digits, dp, (pp - 1).max(0) as usize, upper)
            } else {
                let pp = if p as i32 > dp { nd } else { p as i32 };
                fmt_f(&digits, if f == 0.0 { 1 } else { dp }, (pp - dp).max(0) as usize)
            }
        }
    }
}

fn fmt_float(f: f64, verb: char, sp: &Spec) -> Option<String> {
    let body = match verb {
        'v' | 'g' | 'G' => 'g',
        'e' | 'E' | 'f' | 'F' | 'x' | 'X' => verb,
        _ => return None,
    };
    let body = if verb == 'G' { 'G' } else { body };
    let neg = f.is_sign_negative() && !f.is_nan();
    let num = if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        "Inf".to_string()
    } else if matches!(body, 'x' | 'X') {
        hex_float(f.abs(), body == 'X')
    } else {
        format_float_abs(f, body, sp.prec)
    };
    let sign = if neg {
        "-"
    } else if sp.plus || (f.is_infinite() && !f.is_nan()) {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    };
    let s = format!("{sign}{num}");
    if sp.zero
        && f.is_finite()
        && let Some(w) = sp.wid
    {
        let n = s.chars().count();
        if w > n {
            return Some(format!("{sign}{}{num}", "0".repeat(w - n)));
        }
    }
    let mut nz = sp.clone();
    nz.zero = false;
    Some(nz.pad(&s))
}

/// strconv's 'x' format with shortest precision: 0x1.f9p+12.
fn hex_float(f: f64, upper: bool) -> String {
    if f == 0.0 {
        return if upper { "0X0P+00".into() } else { "0x0p+00".into() };
    }
    let bits = f.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        // Subnormal: normalize.
        exp = 1;
        while mant & (1u64 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
        mant &= (1u64 << 52) - 1;
    }
    let e = exp - 1023;
    let frac = format!("{mant:013x}");
    let frac = frac.trim_end_matches('0');
    let s = if frac.is_empty() {
        format!("0x1p{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        format!("0x1.{frac}p{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    };
    if upper { s.to_uppercase() } else { s }
}

fn fmt_str(s: &str, verb: char, sp: &Spec) -> Option<String> {
    let s = match sp.prec {
        Some(p) if matches!(verb, 'v' | 's' | 'q' | 'x' | 'X') => s.chars().take(p).collect::<String>(),
        _ => s.to_string(),
    };
    Some(match verb {
        // %#v of a string is its Go literal.
        'v' if sp.sharp => sp.pad(&go_quote(&s)),
        'v' | 's' => sp.pad(&s),
        'q' => {
            if sp.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || !c.is_control()) {
                sp.pad(&format!("`{s}`"))
            } else if sp.plus {
                let ascii: String =
                    go_quote(&s).chars().map(|c| if c.is_ascii() { c.to_string() } else { ascii_escape(c) }).collect();
                sp.pad(&ascii)
            } else {
                sp.pad(&go_quote(&s))
            }
        }
        'x' | 'X' => fmt_hex(s.as_bytes(), verb, sp),
        _ => return None,
    })
}

fn ascii_escape(c: char) -> String {
    if (c as u32) < 0x10000 { format!("\\u{:04x}", c as u32) } else { format!("\\U{:08x}", c as u32) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> Val {
        Val::Float(x)
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(sprint(&[f(1_000_000.0)]), "1e+06");
        assert_eq!(sprint(&[f(100_000.0)]), "100000");
        assert_eq!(sprint(&[f(0.1)]), "0.1");
        assert_eq!(sprint(&[f(3.0)]), "3");
        assert_eq!(sprint(&[f(0.00001)]), "1e-05");
        assert_eq!(sprint(&[f(123456789.0)]), "1.23456789e+08");
        assert_eq!(
            sprintf("%5.2f|%e|%g|%.3g|%G", &[f(3.14659), f(1234.5678), f(0.000012345), f(1.0), f(1e21)]),
            " 3.15|1.234568e+03|1.2345e-05|1|1E+21"
        );
        assert_eq!(sprintf("%d", &[f(3.0)]), "%!d(float64=3)");
        assert_eq!(sprintf("%v %v", &[f(f64::INFINITY), f(-0.0)]), "+Inf -0");
        assert_eq!(sprintf("%08.3f|%-8.2f|", &[f(-3.14659), f(2.5)]), "-003.147|2.50    |");
    }

    #[test]
    fn ints_strings_and_errors() {
        let s = |x: &str| Val::str(x);
        assert_eq!(
            sprintf(
                "%05d|%x|%X|%o|%b|%c|%q|%U",
                &[
                    Val::Int(-42),
                    Val::Int(255),
                    Val::Int(255),
                    Val::Int(8),
                    Val::Int(5),
                    Val::Int(65),
                    Val::Int(97),
                    Val::Int(0x1f600)
                ]
            ),
            "-0042|ff|FF|10|101|A|'a'|U+1F600"
        );
        assert_eq!(
            sprintf("%q|%s|%10s|%-4s|%.2s|%x", &[s("a\"b"), s("x"), s("r"), s("l"), s("abc"), s("hi")]),
            "\"a\\\"b\"|x|         r|l   |ab|6869"
        );
        assert_eq!(sprintf("%s %d", &[Val::Int(1)]), "%!s(int=1) %!d(MISSING)");
        assert_eq!(sprintf("%d", &[Val::Int(1), s("x")]), "1%!(EXTRA string=x)");
        assert_eq!(sprintf("%t %v %s", &[Val::Bool(true), Val::Nil, Val::Nil]), "true <nil> %!s(<nil>)");
        assert_eq!(sprint(&[Val::Int(1), Val::Int(2), s("a"), Val::Int(3), s("b"), s("c")]), "1 2a3bc");
        assert_eq!(sprintln(&[Val::Int(1), s("a")]), "1 a\n");
        assert_eq!(sprintf("%[2]d %[1]d", &[Val::Int(1), Val::Int(2)]), "2 1");
        assert_eq!(sprintf("%*d|%T|%%", &[Val::Int(4), Val::Int(7), f(1.0)]), "   7|float64|%");
    }
}
