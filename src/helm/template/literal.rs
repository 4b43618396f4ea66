//! Go literal syntax: numbers (strconv.ParseInt/ParseFloat with base 0) and quoted strings
//! and characters (strconv.Unquote).

/// Go's number literal rules (strconv.ParseInt/ParseFloat with base 0): returns the integer
/// value when it is one, and the float value.
pub(crate) fn parse_number(text: &str) -> Result<(Option<i64>, Option<f64>), String> {
    let illegal = || format!("illegal number syntax: {}", super::lex::go_quote(text));
    if text.ends_with('i') {
        return Err(illegal());
    }
    if let Some(i) = parse_go_int(text) {
        return Ok((Some(i), Some(i as f64)));
    }
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    if lower.starts_with("0x") || lower.starts_with("0b") || lower.starts_with("0o") {
        // Hex floats and out-of-range prefixed integers are not supported.
        if !lower.contains(['.', 'p']) && valid_underscores(body) {
            return Err(format!("integer overflow: {}", super::lex::go_quote(text)));
        }
        return Err(illegal());
    }
    if !valid_underscores(body)
        || body.is_empty()
        || !body.bytes().next().is_some_and(|c| c.is_ascii_digit() || c == b'.')
    {
        return Err(illegal());
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let f: f64 = clean.parse().map_err(|_| illegal())?;
    if !text.contains(['.', 'e', 'E']) {
        return Err(format!("integer overflow: {}", super::lex::go_quote(text)));
    }
    let f = if neg { -f } else { f };
    let int = (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64);
    Ok((int, Some(f)))
}

fn valid_underscores(s: &str) -> bool {
    !(s.contains("__") || s.ends_with('_'))
}

/// strconv.ParseInt(text, 0, 64).
fn parse_go_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') {
        // Underscores only between digits or after a base prefix.
        if digits.contains("__") || digits.ends_with('_') || (!prefixed && digits.starts_with('_')) {
            return None;
        }
    }
    let digits = digits.trim_start_matches('_').replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let u = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if u <= i64::MAX as u64 + 1 { Some((u as i128).wrapping_neg() as i64) } else { None }
    } else {
        i64::try_from(u).ok()
    }
}

/// strconv.Unquote for "..." , `...` and '...' literals.
pub(crate) fn unquote(s: &str) -> Result<String, String> {
    let bad = || "invalid syntax".to_string();
    if s.len() < 2 {
        return Err(bad());
    }
    if s.starts_with('`') {
        if !s.ends_with('`') {
            return Err(bad());
        }
        return Ok(s[1..s.len() - 1].replace('\r', ""));
    }
    let quote = s.as_bytes()[0];
    if quote != b'"' || !s.ends_with('"') {
        return Err(bad());
    }
    let body = &s[1..s.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        let (bytes, tail) = unquote_one(rest, quote)?;
        out.extend_from_slice(&bytes);
        rest = tail;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// One (possibly escaped) character of a quoted literal, as bytes.
fn unquote_one(s: &str, quote: u8) -> Result<(Vec<u8>, &str), String> {
    let bad = || "invalid syntax".to_string();
    let c = s.chars().next().ok_or_else(bad)?;
    if c as u32 == quote as u32 || c == '\n' {
        return Err(bad());
    }
    if c != '\\' {
        return Ok((c.to_string().into_bytes(), &s[c.len_utf8()..]));
    }
    let rest = &s[1..];
    let e = rest.chars().next().ok_or_else(bad)?;
    let after = &rest[e.len_utf8()..];
    let simple = |b: u8| Ok((vec![b], after));
    match e {
        'a' => simple(7),
        'b' => simple(8),
        'f' => simple(12),
        'n' => simple(b'\n'),
        'r' => simple(b'\r'),
        't' => simple(b'\t'),
        'v' => simple(11),
        '\\' => simple(b'\\'),
        '\'' | '"' if e as u32 == quote as u32 => simple(quote),
        '0'..='7' => {
            let digits = rest.get(..3).ok_or_else(bad)?;
            let v = u32::from_str_radix(digits, 8).map_err(|_| bad())?;
            if v > 255 {
                return Err(bad());
            }
            Ok((vec![v as u8], &rest[3..]))
        }
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = after.get(..n).ok_or_else(bad)?;
            let v = u32::from_str_radix(digits, 16).map_err(|_| bad())?;
            if digits.starts_with(['+', '-']) {
                return Err(bad());
            }
            if e == 'x' {
                return Ok((vec![v as u8], &after[n..]));
            }
            let ch = char::from_u32(v).ok_or_else(bad)?;
            Ok((ch.to_string().into_bytes(), &after[n..]))
        }
        _ => Err(bad()),
    }
}

/// A character constant's value.
pub(crate) fn unquote_char(s: &str) -> Result<char, String> {
    let body = s.strip_prefix('\'').ok_or("invalid syntax")?;
    let (bytes, tail) = unquote_one(body, b'\'')?;
    if tail != "'" {
        return Err(format!("malformed character constant: {s}"));
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if bytes.len() == 1 => Ok(bytes[0] as char).map(|_| c),
        (Some(c), None) => Ok(c),
        _ => Err("invalid syntax".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x1F").unwrap(), (Some(31), Some(31.0)));
        assert_eq!(parse_number("017").unwrap(), (Some(15), Some(15.0)));
        assert_eq!(parse_number("1_000").unwrap(), (Some(1000), Some(1000.0)));
        assert_eq!(parse_number("1.5").unwrap(), (None, Some(1.5)));
        assert_eq!(parse_number("1e3").unwrap(), (Some(1000), Some(1000.0)));
        assert_eq!(parse_number("-0b101").unwrap(), (Some(-5), Some(-5.0)));
        assert!(parse_number("-").is_err());
        assert!(parse_number("99999999999999999999").unwrap_err().contains("overflow"));
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote(r#""a\tb\u00e9\x41\101""#).unwrap(), "a\tbéAA");
        assert_eq!(unquote("`a\\n`").unwrap(), "a\\n");
        assert!(unquote(r#""\'""#).is_err());
        assert_eq!(unquote_char("'a'").unwrap(), 'a');
        assert_eq!(unquote_char(r"'\n'").unwrap(), '\n');
    }
}
