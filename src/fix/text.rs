//! Text positions for edits: byte offsets of lines, 1-based line/column of an offset, and the
//! file's line ending (an inserted line ends like the file's lines do: CRLF files stay CRLF).

/// 1-based line and column (in characters) of byte offset `at` of `text`.
pub fn line_col(text: &str, at: usize) -> (u32, u32) {
    let at = at.min(text.len());
    let before = &text[..floor_char(text, at)];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() as u32 + 1;
    (line, col)
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Byte offset where each line starts (index 0 is line 1). A final line without a newline
/// counts; the empty remainder after a final newline does not.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' && i + 1 < text.len() {
            starts.push(i + 1);
        }
    }
    starts
}

/// The lines of a text with their byte ranges (without the line ending).
#[derive(Debug)]
pub struct Lines<'a> {
    pub text: &'a str,
    starts: Vec<usize>,
    /// `\r\n` when the file's first line ends so, else `\n`.
    pub eol: &'static str,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let eol = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Lines { text, starts: line_starts(text), eol }
    }

    pub fn count(&self) -> usize {
        if self.text.is_empty() { 0 } else { self.starts.len() }
    }

    /// Start of 1-based line `n` (the end of the text past the last line).
    pub fn start(&self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        self.starts.get(n - 1).copied().unwrap_or(self.text.len())
    }

    /// Offset just past line `n`'s line ending (the start of line `n + 1`), or the text's end.
    pub fn next_start(&self, n: usize) -> usize {
        self.starts.get(n).copied().unwrap_or(self.text.len())
    }

    /// Line `n` (1-based) without its line ending; empty past the end.
    pub fn get(&self, n: usize) -> &'a str {
        if n == 0 || n > self.count() {
            return "";
        }
        let s = self.start(n);
        let e = self.next_start(n);
        self.text[s..e].trim_end_matches('\n').trim_end_matches('\r')
    }

    /// Whether line `n` ends with a line ending (the last line may not).
    pub fn has_eol(&self, n: usize) -> bool {
        let e = self.next_start(n);
        e > 0 && self.text.as_bytes()[e - 1] == b'\n'
    }

    /// An insertion point at the end of line `n`: the text to insert there must start with a
    /// line ending. Returns (offset, prefix): the prefix is the line ending when line `n`
    /// has none (the text's last line), so inserting `prefix + lines` gives whole lines.
    pub fn after_line(&self, n: usize) -> (usize, &'static str) {
        if self.has_eol(n) { (self.next_start(n), "") } else { (self.text.len(), self.eol) }
    }
}

/// Leading spaces and tabs of a line.
pub fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_lines() {
        let t = "ab\nçd\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 2));
        assert_eq!(line_col(t, t.len()), (3, 1));
    }

    #[test]
    fn lines_keep_the_line_ending_and_the_last_line() {
        let l = Lines::new("a\r\nb\r\nc");
        assert_eq!(l.eol, "\r\n");
        assert_eq!((l.count(), l.get(1), l.get(3)), (3, "a", "c"));
        assert!(l.has_eol(2) && !l.has_eol(3));
        assert_eq!(l.after_line(3), (7, "\r\n"));
        assert_eq!(l.after_line(1), (3, ""));
    }
}
