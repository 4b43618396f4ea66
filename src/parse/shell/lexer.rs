//! The lexer: turns a script into words (after quote removal), operators, redirections and
//! newlines, skipping comments and heredoc bodies.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Op,
    Redir,
    Newline,
    /// `(( ... ))`: arithmetic, not a command.
    Arith,
}

#[derive(Debug)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    /// For words the text after quote removal; for operators the operator.
    pub(super) text: String,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether any quoting or escaping appeared (a quoted word is never a reserved word).
    pub(super) quoted: bool,
    /// The substitutions in a word, in order.
    pub(super) subs: Vec<Sub>,
    /// The parameter expansions in a word (outside single quotes): (name, operator).
    pub(super) exps: Vec<(String, String)>,
}

/// A command or process substitution: its kind (`$(`, `` ` ``, `<(`, `>(`) and the byte range
/// of the script inside it.
#[derive(Debug, Clone)]
pub(super) struct Sub {
    pub(super) kind: &'static str,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Operators, longest first; those with `<` or `>` are redirections.
pub(super) const OPS: [&str; 23] = [
    "&&", "&>>", "&>", "&", "||", "|&", "|", ";;&", ";;", ";&", ";", "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">&",
    ">|", ">", "(", ")",
];

pub(super) struct Lexer<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
    pub(super) toks: Vec<Tok>,
    /// Heredocs whose bodies start after the next newline: (delimiter, strip leading tabs).
    pub(super) heredocs: Vec<(String, bool)>,
    /// Set after `<<`/`<<-`: the next word is a heredoc delimiter.
    pub(super) delim: Option<bool>,
    /// Substitutions and expansions of the word being read.
    pub(super) subs: Vec<Sub>,
    pub(super) exps: Vec<(String, String)>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        let (toks, heredocs, subs, exps) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        Self { s, b: s.as_bytes(), i: 0, toks, heredocs, delim: None, subs, exps }
    }

    pub(super) fn run(mut self) -> Vec<Tok> {
        while self.i < self.b.len() {
            let start = self.i;
            match self.b[self.i] {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                b'#' => self.i = self.find(self.i, b'\n'),
                b'\n' => {
                    self.i += 1;
                    self.push(Kind::Newline, "\n".into(), start, false);
                    self.skip_heredocs();
                }
                b'(' if self.b.get(self.i + 1) == Some(&b'(') => {
                    self.i = self.balanced(self.i);
                    self.push(Kind::Arith, self.s[start..self.i].into(), start, false);
                }
                b'<' | b'>' if self.b.get(self.i + 1) == Some(&b'(') => {
                    // Process substitution: one word, kept literally.
                    self.i = self.balanced(self.i + 1);
                    let kind = if self.b[start] == b'<' { "<(" } else { ">(" };
                    self.sub(kind, start + 2, self.i, b')');
                    self.push(Kind::Word, self.s[start..self.i].into(), start, false);
                }
                _ => {
                    let digits = self.b[self.i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let at = self.i + digits;
                    let op = OPS.iter().find(|op| self.b[at..].starts_with(op.as_bytes()));
                    let kind = |op: &str| if op.contains(['<', '>']) { Kind::Redir } else { Kind::Op };
                    match op.map(|&op| (op, kind(op))) {
                        Some((op, kind)) if digits == 0 || kind == Kind::Redir => {
                            self.i = at + op.len();
                            if op == "<<" || op == "<<-" {
                                self.delim = Some(op == "<<-");
                            }
                            self.push(kind, op.into(), start, false);
                        }
                        _ => self.word(),
                    }
                }
            }
        }
        self.toks
    }

    fn push(&mut self, kind: Kind, text: String, start: usize, quoted: bool) {
        let (subs, exps) = (std::mem::take(&mut self.subs), std::mem::take(&mut self.exps));
        self.toks.push(Tok { kind, text, start, end: self.i, quoted, subs, exps });
    }

    /// Records a substitution whose script starts at `start` and runs to just before `end`'s
    /// `closer` (to `end` when the substitution is unterminated).
    fn sub(&mut self, kind: &'static str, start: usize, end: usize, closer: u8) {
        let end = if end > start && self.b.get(end - 1) == Some(&closer) { end - 1 } else { end };
        self.subs.push(Sub { kind, start: start.min(end), end });
    }

    /// After `$(`/`${` ... at `dollar`, now that `self.i` is past the closer: records the
    /// command substitution or the parameter expansion (`$((` arithmetic is neither).
    fn dollar_group(&mut self, dollar: usize) {
        match self.b.get(dollar + 1) {
            Some(b'(') if self.b.get(dollar + 2) != Some(&b'(') => self.sub("$(", dollar + 2, self.i, b')'),
            Some(b'{') => {
                let end = if self.i > dollar + 2 && self.b[self.i - 1] == b'}' { self.i - 1 } else { self.i };
                if let Some(e) = self.s.get(dollar + 2..end).and_then(super::facts::braced) {
                    self.exps.push(e);
                }
            }
            _ => {}
        }
    }

    /// At a `$` followed by a name: records the expansion `$NAME` (the characters are read on
    /// as ordinary text).
    fn dollar_name(&mut self, dollar: usize) {
        let n = self.b[dollar + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
        if self.b.get(dollar + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
            self.exps.push((self.s[dollar + 1..dollar + 1 + n].to_string(), String::new()));
        }
    }

    /// Index of the next `c` at or after `i`, or the end of the script.
    fn find(&self, i: usize, c: u8) -> usize {
        self.b[i.min(self.b.len())..].iter().position(|&x| x == c).map_or(self.b.len(), |p| i + p)
    }

    /// The character at byte `i` (U+FFFD if `i` is not on a character boundary).
    fn ch(&self, i: usize) -> (char, usize) {
        self.s.get(i..).and_then(|t| t.chars().next()).map_or(('\u{FFFD}', 1), |c| (c, c.len_utf8()))
    }

    /// Given `b[open]` is `(` or `{`, the index just after its matching closer (quotes and
    /// escapes skipped), or the end of the script when it is unbalanced.
    fn balanced(&self, open: usize) -> usize {
        let (o, c) = if self.b[open] == b'{' { (b'{', b'}') } else { (b'(', b')') };
        let (mut depth, mut i) = (0usize, open);
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 1,
                b'\'' => i = self.find(i + 1, b'\''),
                b'"' => i = self.skip_dquote(i + 1) - 1,
                b'`' => i = self.skip_backtick(i) - 1,
                x if x == o => depth += 1,
                x if x == c => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.b.len()
    }

    /// From just inside a `"`, the index after the closing `"`.
    fn skip_dquote(&self, mut i: usize) -> usize {
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                b'$' if matches!(self.b.get(i + 1), Some(b'(' | b'{')) => i = self.balanced(i + 1),
                b'`' => i = self.skip_backtick(i),
                _ => i += 1,
            }
        }
        self.b.len()
    }

    /// From an opening backtick, the index after the closing one.
    fn skip_backtick(&self, mut i: usize) -> usize {
        i += 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => return i + 1,
                _ => i += 1,
            }
        }
        self.b.len()
    }

    fn word(&mut self) {
        let start = self.i;
        let (mut text, mut quoted) = (String::new(), false);
        while self.i < self.b.len() {
            let i = self.i;
            match self.b[i] {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' if is_name_eq(&self.s[start..i]) => {
                    // Array assignment `A=(x y)`.
                    self.i = self.balanced(i);
                    text.push_str(&self.s[i..self.i]);
                }
                b'(' => break,
                b'\\' => match self.b.get(i + 1) {
                    Some(b'\n') => self.i += 2,
                    Some(_) => {
                        let (c, n) = self.ch(i + 1);
                        text.push(c);
                        self.i += 1 + n;
                        quoted = true;
                    }
                    None => {
                        text.push('\\');
                        self.i += 1;
                    }
                },
                b'\'' => {
                    let end = self.find(i + 1, b'\'');
                    text.push_str(&self.s[i + 1..end]);
                    self.i = (end + 1).min(self.b.len());
                    quoted = true;
                }
                b'"' => {
                    self.dquote(&mut text);
                    quoted = true;
                }
                b'$' => match self.b.get(i + 1) {
                    Some(b'(' | b'{') => {
                        self.i = self.balanced(i + 1);
                        text.push_str(&self.s[i..self.i]);
                        self.dollar_group(i);
                    }
                    Some(b'\'') => {
                        self.ansi_c(&mut text);
                        quoted = true;
                    }
                    Some(b'"') => {
                        self.i += 1;
                        self.dquote(&mut text);
                        quoted = true;
                    }
                    _ => {
                        self.dollar_name(i);
                        text.push('$');
                        self.i += 1;
                    }
                },
                b'`' => {
                    self.i = self.skip_backtick(i);
                    text.push_str(&self.s[i..self.i]);
                    self.sub("`", i + 1, self.i, b'`');
                }
                _ => {
                    let (c, n) = self.ch(i);
                    text.push(c);
                    self.i += n;
                }
            }
        }
        if self.i == start {
            self.i += 1; // cannot happen (operators are lexed first); guarantees progress anyway
            return;
        }
        if let Some(strip) = self.delim.take() {
            self.heredocs.push((text.clone(), strip));
        }
        self.push(Kind::Word, text, start, quoted);
    }

    /// At a `"`: appends the quote-removed contents and moves past the closing quote.
    fn dquote(&mut self, text: &mut String) {
        self.i += 1;
        while self.i < self.b.len() {
            let i = self.i;
            match self.b[i] {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\\' => match self.b.get(i + 1) {
                    Some(b'\n') => self.i += 2,
                    Some(&c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        text.push(c as char);
                        self.i += 2;
                    }
                    _ => {
                        text.push('\\');
                        self.i += 1;
                    }
                },
                b'$' if matches!(self.b.get(i + 1), Some(b'(' | b'{')) => {
                    self.i = self.balanced(i + 1);
                    text.push_str(&self.s[i..self.i]);
                    self.dollar_group(i);
                }
                b'`' => {
                    self.i = self.skip_backtick(i);
                    text.push_str(&self.s[i..self.i]);
                    self.sub("`", i + 1, self.i, b'`');
                }
                b'$' => {
                    self.dollar_name(i);
                    text.push('$');
                    self.i += 1;
                }
                _ => {
                    let (c, n) = self.ch(i);
                    text.push(c);
                    self.i += n;
                }
            }
        }
    }

    /// At `$'`: ANSI-C quoting, with the common escapes.
    fn ansi_c(&mut self, text: &mut String) {
        self.i += 2;
        while self.i < self.b.len() {
            let (c, n) = self.ch(self.i);
            self.i += n;
            match c {
                '\'' => return,
                '\\' if self.i < self.b.len() => {
                    let (e, m) = self.ch(self.i);
                    self.i += m;
                    text.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'e' | 'E' => '\u{1b}',
                        other => other,
                    });
                }
                c => text.push(c),
            }
        }
    }

    /// After a newline: skips the bodies of the heredocs opened on the line just ended.
    fn skip_heredocs(&mut self) {
        for (delim, strip) in std::mem::take(&mut self.heredocs) {
            while self.i < self.b.len() {
                let end = self.find(self.i, b'\n');
                let mut line = self.s.get(self.i..end).unwrap_or("").trim_end_matches('\r');
                if strip {
                    line = line.trim_start_matches('\t');
                }
                let done = line == delim;
                self.i = (end + 1).min(self.b.len());
                if done {
                    break;
                }
            }
        }
    }
}

/// `NAME=` or `NAME+=` exactly (the text of a word before an array's `(`).
pub(super) fn is_name_eq(s: &str) -> bool {
    let s = s.strip_suffix('=').map(|s| s.strip_suffix('+').unwrap_or(s));
    s.is_some_and(is_name)
}

pub(super) fn is_name(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Splits an assignment word: `raw` must start with an unquoted `NAME=` or `NAME+=`; the value
/// is taken from `cooked` (quote-removed). Returns (name, value, is_append).
pub(super) fn assignment<'a>(raw: &str, cooked: &'a str) -> Option<(String, &'a str, bool)> {
    let eq = raw.find('=')?;
    let (name, append) = match raw[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&raw[..eq], false),
    };
    if !is_name(name) {
        return None;
    }
    let value = cooked.find('=').map_or("", |e| &cooked[e + 1..]);
    Some((name.to_string(), value, append))
}
