//! Reading lines: parser directives, continuation lines joined under the escape char, words,
//! leading `--flags`, the JSON exec form, and heredoc bodies after the joined line.

use super::expand::unquote;
use super::{Flag, Heredoc};
use crate::parse::pos::{ParseError, Pos};

/// One instruction line with its continuation lines joined, and where each piece came from.
pub(super) struct Line {
    pub(super) text: String,
    /// (char offset in `text`, file position of that char) for each physical piece.
    pub(super) segs: Vec<(u32, Pos)>,
    /// Char index of every byte offset of `text` (one more entry for the end).
    pub(super) chars_before: Vec<u32>,
}

impl Line {
    pub(super) fn pos_at_char(&self, c: u32) -> Pos {
        let i = self.segs.partition_point(|s| s.0 <= c).saturating_sub(1);
        let (off, p) = self.segs[i];
        Pos::new(p.line, p.col + c.saturating_sub(off))
    }

    pub(super) fn pos(&self, byte: usize) -> Pos {
        self.pos_at_char(self.chars_before[byte.min(self.text.len())])
    }
}

/// A heredoc with what the parser needs beyond the public fields.
pub(super) struct Doc {
    pub(super) public: Heredoc,
    /// Redirected file descriptor (`3<<EOF`), `None` for stdin.
    pub(super) fd: Option<u32>,
    /// Tabs stripped from each body line (`<<-`), to map positions back.
    pub(super) tabs: Vec<u32>,
    /// Byte range of the `<<EOF` word in the line text.
    pub(super) word: (usize, usize),
}

/// An instruction before interpretation.
pub(super) struct RawInstr {
    pub(super) line: Line,
    pub(super) keyword: String,
    pub(super) flags: Vec<Flag>,
    pub(super) args_start: usize,
    pub(super) docs: Vec<Doc>,
    pub(super) end_line: u32,
}

impl RawInstr {
    pub(super) fn args(&self) -> &str {
        self.line.text[self.args_start..].trim_end()
    }
    pub(super) fn pos(&self) -> Pos {
        self.line.segs[0].1
    }
}

pub(super) fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let n = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest[n..].trim_start().strip_prefix('=')?.trim();
    (!value.is_empty()).then(|| (rest[..n].to_ascii_lowercase(), value.to_string()))
}

/// Docker's continuation rule: the escape char last (trailing blanks allowed), not itself escaped.
fn trim_continuation(s: &str, esc: char) -> (&str, bool) {
    if let Some(body) = s.trim_end_matches([' ', '\t']).strip_suffix(esc)
        && !body.ends_with(esc)
    {
        return (body, true);
    }
    (s, false)
}

/// Byte ranges of the words of `s`: split on blanks outside quotes, the escape char escaping one char.
pub(super) fn split_words(s: &str, esc: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (None, None);
    let mut it = s.char_indices();
    while let Some((i, c)) = it.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == esc && q != '\'' {
                it.next();
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
            continue;
        }
        start.get_or_insert(i);
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == esc {
            it.next();
        }
    }
    out.extend(start.map(|st| (st, s.len())));
    out
}

/// Splits the argument text into lines and joins continuations; reads heredoc bodies.
pub(super) fn read_instructions(lines: &[&str], esc: char) -> Result<Vec<RawInstr>, ParseError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        i += 1;
        let body = l.trim_start();
        if body.starts_with('#') {
            continue;
        }
        let (content, mut cont) = trim_continuation(body, esc);
        if !cont && content.is_empty() {
            continue;
        }
        let ws = l[..l.len() - body.len()].chars().count() as u32;
        let mut text = content.to_string();
        let mut segs = vec![(0, Pos::new(i as u32, ws + 1))];
        let mut nchars = content.chars().count() as u32;
        while cont && i < lines.len() {
            let l = lines[i];
            i += 1;
            let t = l.trim_start();
            if t.starts_with('#') || t.is_empty() {
                continue;
            }
            let (content, c) = trim_continuation(l, esc);
            cont = c;
            segs.push((nchars, Pos::new(i as u32, 1)));
            nchars += content.chars().count() as u32;
            text.push_str(content);
        }
        if text.trim().is_empty() {
            continue;
        }
        let mut chars_before = Vec::with_capacity(text.len() + 1);
        for (n, ch) in text.chars().enumerate() {
            chars_before.extend(std::iter::repeat_n(n as u32, ch.len_utf8()));
        }
        chars_before.push(nchars);
        let line = Line { text, segs, chars_before };
        let mut raw = head(line, esc);
        let sub = if raw.keyword == "ONBUILD" {
            raw.args().split_whitespace().next().unwrap_or("").to_ascii_uppercase()
        } else {
            raw.keyword.clone()
        };
        let json = raw.keyword != "ONBUILD" && parse_exec(raw.args()).is_some();
        if matches!(sub.as_str(), "RUN" | "COPY" | "ADD") && !json {
            for (ws, we) in split_words(&raw.line.text, '\\') {
                let Some((fd, chomp, delimiter)) = heredoc_word(&raw.line.text[ws..we]) else { continue };
                let (mut body, mut tabs) = (String::new(), Vec::new());
                let first = i as u32 + 1;
                loop {
                    let Some(l) = lines.get(i) else {
                        return Err(ParseError::new(raw.pos(), format!("unterminated heredoc <<{delimiter}")));
                    };
                    i += 1;
                    let stripped = if chomp { l.trim_start_matches('\t') } else { l };
                    if stripped == delimiter {
                        break;
                    }
                    tabs.push((l.len() - stripped.len()) as u32);
                    body.push_str(stripped);
                    body.push('\n');
                }
                let public = Heredoc { pos: Pos::new(first, 1), delimiter, body };
                raw.docs.push(Doc { public, fd, tabs, word: (ws, we) });
            }
        }
        raw.end_line = i as u32;
        out.push(raw);
    }
    Ok(out)
}

/// `[n]<<[-]WORD` with WORD possibly quoted: (fd, strip tabs, delimiter).
fn heredoc_word(w: &str) -> Option<(Option<u32>, bool, String)> {
    let digits = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    let rest = w[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    Some((w[..digits].parse().ok(), chomp, unquote(rest, '\\')))
}

/// Keyword and leading `--flags` of a joined line.
fn head(line: Line, esc: char) -> RawInstr {
    let text = &line.text;
    let kw_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let keyword = text[..kw_end].to_ascii_uppercase();
    let mut flags = Vec::new();
    let mut args_start = text.len();
    for (ws, we) in split_words(&text[kw_end..], esc).into_iter().map(|(s, e)| (s + kw_end, e + kw_end)) {
        let word = &text[ws..we];
        args_start = ws;
        if !word.starts_with("--") {
            break;
        }
        args_start = we;
        if word == "--" {
            break;
        }
        let word = unquote(&word[2..], esc);
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (word, None),
        };
        flags.push(Flag { pos: line.pos(ws), name, value });
    }
    let args_start = args_start + text[args_start..].len() - text[args_start..].trim_start().len();
    RawInstr { line, keyword, flags, args_start, docs: Vec::new(), end_line: 0 }
}

/// The JSON exec form, when the arguments are a JSON array of strings (Docker reads one value).
pub(super) fn parse_exec(args: &str) -> Option<Vec<String>> {
    if !args.starts_with('[') {
        return None;
    }
    serde_json::Deserializer::from_str(args).into_iter::<Vec<String>>().next()?.ok()
}
