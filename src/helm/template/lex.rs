//! Lexer for Go `text/template` source: text, `{{ }}` actions with `{{- ` / ` -}}` trim
//! markers, `{{/* */}}` comments, and the tokens inside actions. It follows Go's lexer
//! (src/text/template/parse/lex.go) token for token so the parser can report the same errors.

/// Keywords of the action language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Nil,
    Template,
    With,
}

impl Kw {
    fn from_word(w: &str) -> Option<Kw> {
        Some(match w {
            "block" => Kw::Block,
            "break" => Kw::Break,
            "continue" => Kw::Continue,
            "define" => Kw::Define,
            "else" => Kw::Else,
            "end" => Kw::End,
            "if" => Kw::If,
            "range" => Kw::Range,
            "nil" => Kw::Nil,
            "template" => Kw::Template,
            "with" => Kw::With,
            _ => return None,
        })
    }

    pub(crate) fn word(self) -> &'static str {
        match self {
            Kw::Block => "block",
            Kw::Break => "break",
            Kw::Continue => "continue",
            Kw::Define => "define",
            Kw::Else => "else",
            Kw::End => "end",
            Kw::If => "if",
            Kw::Range => "range",
            Kw::Nil => "nil",
            Kw::Template => "template",
            Kw::With => "with",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Plain text between actions, already trimmed by adjacent trim markers.
    Text(String),
    LeftDelim,
    RightDelim,
    Comment,
    Space,
    Bool(bool),
    /// A character constant, quotes included.
    CharConst(String),
    Number(String),
    /// A quoted string as written, quotes included.
    Str(String),
    RawStr(String),
    Dot,
    /// `.name`, stored without the dot.
    Field(String),
    /// `$` or `$name`, dollar included.
    Variable(String),
    Ident(String),
    Kw(Kw),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    /// Any other printable ASCII character (`,` separates range variables).
    Char(char),
    Eof,
    Error(String),
}

impl Tok {
    /// Go's `item.String()`, used in "unexpected X in Y" messages.
    pub(crate) fn describe(&self) -> String {
        let val = match self {
            Tok::Eof => return "EOF".into(),
            Tok::Error(m) => return m.clone(),
            Tok::Kw(k) => return format!("<{}>", k.word()),
            Tok::Text(s) => s.clone(),
            Tok::LeftDelim => "{{".into(),
            Tok::RightDelim => "}}".into(),
            Tok::Comment => "/* */".into(),
            Tok::Space => " ".into(),
            Tok::Bool(b) => b.to_string(),
            Tok::CharConst(s) | Tok::Number(s) | Tok::Str(s) | Tok::RawStr(s) => s.clone(),
            Tok::Dot => ".".into(),
            Tok::Field(f) => format!(".{f}"),
            Tok::Variable(v) | Tok::Ident(v) => v.clone(),
            Tok::Pipe => "|".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Declare => ":=".into(),
            Tok::Assign => "=".into(),
            Tok::Char(c) => c.to_string(),
        };
        if val.chars().count() > 10 {
            let short: String = val.chars().take(10).collect();
            format!("{}...", go_quote(&short))
        } else {
            go_quote(&val)
        }
    }
}

/// Go's `%q` of a string (strconv.Quote).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's unicode.IsPrint for non-ASCII characters.
pub(crate) fn is_go_printable(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff)
        || matches!(c as u32, 0xe000..=0xf8ff | 0xfff9..=0xfffb | 0xf0000..))
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offset of the token in the source.
    pub pos: usize,
}

pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// Splits `src` into tokens, ending with `Eof` or with the first `Error`.
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let mut lx = Lexer { src, b: src.as_bytes(), pos: 0, out: Vec::new(), paren: 0 };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Vec<Token>,
    paren: i32,
}

impl Lexer<'_> {
    fn emit(&mut self, tok: Tok, pos: usize) {
        self.out.push(Token { tok, pos });
    }

    fn fail(&mut self, msg: String, pos: usize) {
        self.out.push(Token { tok: Tok::Error(msg), pos });
    }

    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn rest(&self) -> &[u8] {
        &self.b[self.pos.min(self.b.len())..]
    }

    fn run(&mut self) {
        loop {
            // Text up to the next "{{".
            let start = self.pos;
            let next = self.src[start..].find("{{").map(|i| start + i);
            let Some(delim) = next else {
                if start < self.b.len() {
                    self.emit(Tok::Text(self.src[start..].to_string()), start);
                }
                self.emit(Tok::Eof, self.b.len());
                return;
            };
            let trim_left = self.b.len() >= delim + 4 && self.b[delim + 2] == b'-' && is_space(self.b[delim + 3]);
            let mut end = delim;
            if trim_left {
                while end > start && is_space(self.b[end - 1]) {
                    end -= 1;
                }
            }
            if end > start {
                self.emit(Tok::Text(self.src[start..end].to_string()), start);
            }
            self.pos = delim + 2;
            let after_marker = if trim_left { 2 } else { 0 };
            if self.src[self.pos + after_marker..].starts_with("/*") {
                if !self.comment(delim, after_marker) {
                    return;
                }
                continue;
            }
            self.emit(Tok::LeftDelim, delim);
            self.pos += after_marker;
            self.paren = 0;
            if !self.inside_action() {
                return;
            }
        }
    }

    /// Returns (at a right delimiter, with a trim marker).
    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if r.len() >= 4 && is_space(r[0]) && r[1] == b'-' && r[2] == b'}' && r[3] == b'}' {
            return (true, true);
        }
        (r.starts_with(b"}}"), false)
    }

    fn skip_leading_space(&mut self) {
        while self.pos < self.b.len() && is_space(self.b[self.pos]) {
            self.pos += 1;
        }
    }

    fn comment(&mut self, delim: usize, after_marker: usize) -> bool {
        self.pos += after_marker + 2;
        let Some(x) = self.src[self.pos..].find("*/") else {
            self.fail("unclosed comment".into(), delim);
            return false;
        };
        self.pos += x + 2;
        let (is_delim, trim) = self.at_right_delim();
        if !is_delim {
            self.fail("comment ends before closing delimiter".into(), delim);
            return false;
        }
        self.emit(Tok::Comment, delim);
        self.pos += if trim { 4 } else { 2 };
        if trim {
            self.skip_leading_space();
        }
        true
    }

    /// Lexes one action after its left delimiter; false on error.
    fn inside_action(&mut self) -> bool {
        loop {
            let (is_delim, trim) = self.at_right_delim();
            if is_delim {
                if self.paren != 0 {
                    self.fail("unclosed left paren".into(), self.pos);
                    return false;
                }
                let at = self.pos;
                self.pos += if trim { 4 } else { 2 };
                self.emit(Tok::RightDelim, if trim { at + 2 } else { at });
                if trim {
                    self.skip_leading_space();
                }
                return true;
            }
            let start = self.pos;
            let Some(c) = self.peek_char() else {
                self.fail("unclosed action".into(), start);
                return false;
            };
            if c.is_ascii() && is_space(c as u8) {
                self.space();
                continue;
            }
            self.pos += c.len_utf8();
            let ok = match c {
                '=' => {
                    self.emit(Tok::Assign, start);
                    true
                }
                ':' => {
                    if self.peek_char() == Some('=') {
                        self.pos += 1;
                        self.emit(Tok::Declare, start);
                        true
                    } else {
                        self.fail("expected :=".into(), start);
                        false
                    }
                }
                '|' => {
                    self.emit(Tok::Pipe, start);
                    true
                }
                '"' => self.quote(start, b'"', "unterminated quoted string"),
                '\'' => self.quote(start, b'\'', "unterminated character constant"),
                '`' => self.raw_quote(start),
                '$' => self.field_or_var(start, true),
                '.' if !matches!(self.rest().first(), Some(b'0'..=b'9')) => self.field_or_var(start, false),
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos = start;
                    self.number(start)
                }
                c if is_alnum(c) => {
                    self.pos = start;
                    self.identifier(start)
                }
                '(' => {
                    self.paren += 1;
                    self.emit(Tok::LParen, start);
                    true
                }
                ')' => {
                    self.paren -= 1;
                    if self.paren < 0 {
                        self.fail("unexpected right paren".into(), start);
                        false
                    } else {
                        self.emit(Tok::RParen, start);
                        true
                    }
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(Tok::Char(c), start);
                    true
                }
                c => {
                    self.fail(format!("unrecognized character in action: {}", unicode_desc(c)), start);
                    false
                }
            };
            if !ok {
                return false;
            }
        }
    }

    fn space(&mut self) {
        let start = self.pos;
        let mut n = 0;
        while self.pos < self.b.len() && is_space(self.b[self.pos]) {
            self.pos += 1;
            n += 1;
        }
        // A trim-marked right delimiter: " -}}" owns the last space.
        let r = &self.b[self.pos - 1..];
        if r.len() >= 4 && r[1] == b'-' && r[2] == b'}' && r[3] == b'}' {
            self.pos -= 1;
            if n == 1 {
                return;
            }
        }
        self.emit(Tok::Space, start);
    }

    fn quote(&mut self, start: usize, close: u8, unterminated: &str) -> bool {
        loop {
            match self.b.get(self.pos).copied() {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.b.get(self.pos).copied() {
                        None | Some(b'\n') => {
                            self.fail(unterminated.into(), start);
                            return false;
                        }
                        Some(_) => self.pos += self.peek_char().map_or(1, char::len_utf8),
                    }
                }
                None | Some(b'\n') => {
                    self.fail(unterminated.into(), start);
                    return false;
                }
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += self.peek_char().map_or(1, char::len_utf8),
            }
        }
        let text = self.src[start..self.pos].to_string();
        self.emit(if close == b'"' { Tok::Str(text) } else { Tok::CharConst(text) }, start);
        true
    }

    fn raw_quote(&mut self, start: usize) -> bool {
        match self.src[self.pos..].find('`') {
            Some(i) => {
                self.pos += i + 1;
                let text = self.src[start..self.pos].to_string();
                self.emit(Tok::RawStr(text), start);
                true
            }
            None => {
                self.fail("unterminated raw quoted string".into(), start);
                false
            }
        }
    }

    fn at_terminator(&self) -> bool {
        match self.rest().first() {
            None => true,
            Some(&c) if is_space(c) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.rest().starts_with(b"}}"),
        }
    }

    fn field_or_var(&mut self, start: usize, var: bool) -> bool {
        if self.at_terminator() {
            self.emit(if var { Tok::Variable("$".into()) } else { Tok::Dot }, start);
            return true;
        }
        if !self.word() {
            return false;
        }
        let word = &self.src[start..self.pos];
        let tok = if var { Tok::Variable(word.to_string()) } else { Tok::Field(word[1..].to_string()) };
        self.emit(tok, start);
        true
    }

    /// Advances over an alphanumeric word, which must end at a terminator (Go's "bad
    /// character" error otherwise).
    fn word(&mut self) -> bool {
        while let Some(c) = self.peek_char() {
            if !is_alnum(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            self.fail(format!("bad character {}", unicode_desc(c)), self.pos);
            return false;
        }
        true
    }

    fn identifier(&mut self, start: usize) -> bool {
        if !self.word() {
            return false;
        }
        let word = &self.src[start..self.pos];
        let tok = match word {
            "true" => Tok::Bool(true),
            "false" => Tok::Bool(false),
            w => Kw::from_word(w).map_or_else(|| Tok::Ident(w.to_string()), Tok::Kw),
        };
        self.emit(tok, start);
        true
    }

    fn accept(&mut self, set: &[u8]) -> bool {
        if let Some(&c) = self.b.get(self.pos)
            && set.contains(&c)
        {
            self.pos += 1;
            return true;
        }
        false
    }

    fn accept_run(&mut self, set: &[u8]) {
        while self.accept(set) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept(b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        if digits.len() == 23 && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        self.accept(b"i");
        if let Some(c) = self.peek_char()
            && is_alnum(c)
        {
            self.pos += c.len_utf8();
            return false;
        }
        true
    }

    fn number(&mut self, start: usize) -> bool {
        if !self.scan_number() || matches!(self.rest().first(), Some(b'+' | b'-')) {
            if matches!(self.rest().first(), Some(b'+' | b'-')) {
                // A complex constant such as 1+2i; not supported.
                self.pos += 1;
                self.scan_number();
            }
            let text = self.src[start..self.pos].to_string();
            self.fail(format!("bad number syntax: {}", go_quote(&text)), start);
            return false;
        }
        self.emit(Tok::Number(self.src[start..self.pos].to_string()), start);
        true
    }
}

/// Go's `%#U`: `U+0041 'A'`.
pub(crate) fn unicode_desc(c: char) -> String {
    if is_go_printable(c) { format!("U+{:04X} '{c}'", c as u32) } else { format!("U+{:04X}", c as u32) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn trim_markers_and_numbers() {
        assert_eq!(
            toks("a  {{- 3 -}}  b"),
            vec![
                Tok::Text("a".into()),
                Tok::LeftDelim,
                Tok::Number("3".into()),
                Tok::RightDelim,
                Tok::Text("b".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("{{-3}}"), vec![Tok::LeftDelim, Tok::Number("-3".into()), Tok::RightDelim, Tok::Eof]);
        assert_eq!(
            toks("x {{- /* c */ -}} y"),
            vec![Tok::Text("x".into()), Tok::Comment, Tok::Text("y".into()), Tok::Eof]
        );
    }

    #[test]
    fn fields_and_vars() {
        assert_eq!(
            toks("{{$x.a .B}}"),
            vec![
                Tok::LeftDelim,
                Tok::Variable("$x".into()),
                Tok::Field("a".into()),
                Tok::Space,
                Tok::Field("B".into()),
                Tok::RightDelim,
                Tok::Eof
            ]
        );
        assert!(matches!(toks("{{ .a-b }}").last(), Some(Tok::Error(m)) if m.starts_with("bad character U+002D")));
        assert!(matches!(toks("{{ .a ").last(), Some(Tok::Error(m)) if m == "unclosed action"));
    }
}
