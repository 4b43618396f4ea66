//! Go's tokens: a lexer that follows the language's token rules (comments, raw and interpreted
//! strings, runes, numbers, longest-match operators, and the newlines that drive automatic
//! semicolons), plus the decoding of string escapes and integer literals.

use crate::parse::pos::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Ident,
    Int,
    Float,
    Char,
    Str,
    RawStr,
    Op,
    /// A character that is no Go token (`#`, `$`, `?`, `\`, ...).
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) pos: Pos,
    /// A newline (or a general comment containing one) separates this token from the previous.
    pub(super) nl_before: bool,
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        match self.bytes.get(self.i) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text.get(self.i..).and_then(|s| s.chars().next()),
            None => None,
        }
    }

    /// The byte `n` bytes ahead (0 past the end). Only compared with ASCII, which is safe in UTF-8.
    fn byte(&self, n: usize) -> u8 {
        self.bytes.get(self.i + n).copied().unwrap_or(0)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }
}

fn is_letter(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Length of the Go operator or punctuation at the start of `b`, longest match first.
fn op_len(b: &[u8]) -> usize {
    const THREE: [&[u8]; 4] = [b"<<=", b">>=", b"&^=", b"..."];
    const TWO: [&[u8]; 21] = [
        b"&&", b"||", b"<-", b"++", b"--", b"==", b"!=", b"<=", b">=", b":=", b"+=", b"-=", b"*=", b"/=", b"%=", b"&=",
        b"|=", b"^=", b"<<", b">>", b"&^",
    ];
    if THREE.iter().any(|op| b.starts_with(op)) {
        3
    } else if TWO.iter().any(|op| b.starts_with(op)) {
        2
    } else if b.first().is_some_and(|c| b"+-*/%&|^<>=!()[]{},;.:~".contains(c)) {
        1
    } else {
        0
    }
}

pub(super) fn lex(text: &str) -> Vec<Tok> {
    let mut cur = Cursor { text, bytes: text.as_bytes(), i: 0, line: 1, col: 1 };
    let mut toks = Vec::with_capacity(text.len() / 5);
    let mut nl = false;
    while let Some(c) = cur.peek() {
        if c == '\n' {
            nl = true;
            cur.bump();
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            cur.bump();
            continue;
        }
        if c == '/' && cur.byte(1) == b'/' {
            while cur.peek().is_some_and(|c| c != '\n') {
                cur.bump();
            }
            continue;
        }
        if c == '/' && cur.byte(1) == b'*' {
            cur.bump();
            cur.bump();
            while let Some(c) = cur.peek() {
                if c == '*' && cur.byte(1) == b'/' {
                    cur.bump();
                    cur.bump();
                    break;
                }
                nl |= c == '\n';
                cur.bump();
            }
            continue;
        }
        let start = cur.i;
        let pos = cur.pos();
        let kind = if is_letter(c) {
            while cur.peek().is_some_and(|c| is_letter(c) || c.is_alphanumeric()) {
                cur.bump();
            }
            Kind::Ident
        } else if c.is_ascii_digit() || (c == '.' && cur.byte(1).is_ascii_digit()) {
            lex_number(&mut cur)
        } else if c == '"' || c == '\'' {
            lex_quoted(&mut cur, c);
            if c == '"' { Kind::Str } else { Kind::Char }
        } else if c == '`' {
            cur.bump();
            while let Some(c) = cur.bump() {
                if c == '`' {
                    break;
                }
            }
            Kind::RawStr
        } else {
            match op_len(&cur.bytes[cur.i..]) {
                0 => {
                    cur.bump();
                    Kind::Other
                }
                n => {
                    for _ in 0..n {
                        cur.bump();
                    }
                    Kind::Op
                }
            }
        };
        toks.push(Tok { kind, start, end: cur.i, pos, nl_before: nl });
        nl = false;
    }
    toks
}

fn lex_number(cur: &mut Cursor) -> Kind {
    let hex = cur.byte(0) == b'0' && matches!(cur.byte(1), b'x' | b'X');
    let mut float = false;
    while let Some(c) = cur.peek() {
        let exponent = if hex { matches!(c, 'p' | 'P') } else { matches!(c, 'e' | 'E' | 'p' | 'P') };
        if exponent {
            float = true;
            cur.bump();
            if matches!(cur.peek(), Some('+' | '-')) {
                cur.bump();
            }
        } else if c == '.' {
            float = true;
            cur.bump();
        } else if c.is_ascii_alphanumeric() || c == '_' {
            float |= c == 'i';
            cur.bump();
        } else {
            break;
        }
    }
    if float { Kind::Float } else { Kind::Int }
}

/// An interpreted string or rune literal; stops (unterminated) at a newline.
fn lex_quoted(cur: &mut Cursor, quote: char) {
    cur.bump();
    while let Some(c) = cur.peek() {
        match c {
            '\n' => break,
            '\\' => {
                cur.bump();
                if cur.peek().is_some_and(|c| c != '\n') {
                    cur.bump();
                }
            }
            _ => {
                cur.bump();
                if c == quote {
                    break;
                }
            }
        }
    }
}

/// The value of an interpreted string literal's body (between the quotes): Go's escapes
/// decoded, invalid UTF-8 from byte escapes replaced.
pub(super) fn unescape(body: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(&(_, e)) = chars.peek() else {
            out.push(b'\\');
            break;
        };
        let simple = match e {
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            chars.next();
            out.push(b);
            continue;
        }
        let (len, radix) = match e {
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            '0'..='7' => (3, 8),
            _ => (0, 0),
        };
        let digits_at = if radix == 8 { i + 1 } else { i + 2 };
        let digits = body.get(digits_at..digits_at + len).filter(|d| d.chars().all(|c| c.is_digit(radix)));
        match (digits, u32::from_str_radix(digits.unwrap_or(""), radix.max(2))) {
            (Some(d), Ok(v)) => {
                // Skip the escape letter (not for octal) and the digits.
                for _ in 0..d.len() + usize::from(radix != 8) {
                    chars.next();
                }
                if matches!(e, 'u' | 'U') {
                    let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                } else {
                    out.push(u8::try_from(v).unwrap_or(b'?'));
                }
            }
            _ => out.push(b'\\'), // invalid escape: keep it as written
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of a Go integer literal (decimal, 0x, 0o, 0b, legacy octal, `_` separators).
pub(super) fn parse_int(lit: &str) -> Option<i64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let (digits, radix) = match s.get(..2) {
        Some("0x" | "0X") => (&s[2..], 16),
        Some("0o" | "0O") => (&s[2..], 8),
        Some("0b" | "0B") => (&s[2..], 2),
        _ if s.len() > 1 && s.starts_with('0') => (&s[1..], 8),
        _ => (&s[..], 10),
    };
    i64::from_str_radix(digits, radix).ok()
}

const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

pub(super) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}
