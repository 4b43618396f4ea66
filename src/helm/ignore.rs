//! `.helmignore`: which files of a chart directory Helm loads. Rules are evaluated in order and
//! the first match decides, with Helm's quirks kept: a negated rule (`!x`) that does *not*
//! match ignores the path, `**` is rejected, and `templates/.?*` is always appended.

use regex::Regex;

use super::glob::{Dialect, compile};

#[derive(Debug, Clone)]
struct Rule {
    /// The pattern with its `!`, leading `/` and trailing `/` removed, compiled once.
    pattern: Regex,
    negate: bool,
    must_dir: bool,
    kind: Anchor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// `/x`: matched against the whole path.
    Root,
    /// `a/b`: matched against the whole path.
    Path,
    /// `x`: matched against the last path element only.
    Base,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// Parses a `.helmignore` file; the error names the 1-based line of a bad rule.
    pub(crate) fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut rules = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            rules.add(line).map_err(|e| (i + 1, e))?;
        }
        Ok(rules)
    }

    /// Appends Helm's default rule: dotfiles in `templates/` are never loaded.
    pub(crate) fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(format!("{rule:?}: double-star (**) syntax is not supported"));
        }
        if compile(rule, Dialect::GoMatch).is_none() {
            return Err(format!("{rule:?}: syntax error in pattern"));
        }
        let (negate, rest) = match rule.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, rule),
        };
        let (must_dir, rest) = match rest.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let (kind, pattern) = if let Some(rest) = rest.strip_prefix('/') {
            (Anchor::Root, rest)
        } else if rest.contains('/') {
            (Anchor::Path, rest)
        } else {
            (Anchor::Base, rest)
        };
        let Some(pattern) = compile(pattern, Dialect::GoMatch) else {
            return Err(format!("{rule:?}: syntax error in pattern"));
        };
        self.rules.push(Rule { pattern, negate, must_dir, kind });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored.
    pub(crate) fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for rule in &self.rules {
            let matches = || {
                let subject = match rule.kind {
                    Anchor::Root | Anchor::Path => path,
                    Anchor::Base => path.rsplit('/').next().unwrap_or(path),
                };
                rule.pattern.is_match(subject)
            };
            if rule.negate {
                if rule.must_dir && !is_dir {
                    return true;
                }
                if !matches() {
                    return true;
                }
                continue;
            }
            if rule.must_dir && !is_dir {
                continue;
            }
            if matches() {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helmignore_rules() {
        let mut r = Rules::parse("# c\n.git/\n*.tmp\nci/\n/OWNERS\ndocs/*.md\n").expect("parses");
        r.add_defaults();
        assert!(r.ignore(".git", true));
        assert!(!r.ignore(".git", false));
        assert!(r.ignore("a/b.tmp", false));
        assert!(r.ignore("ci", true));
        assert!(r.ignore("OWNERS", false));
        assert!(r.ignore("docs/x.md", false));
        assert!(!r.ignore("docs/a/x.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(!r.ignore("values.yaml", false));
    }

    #[test]
    fn rejects_double_star_and_reports_line() {
        let err = Rules::parse("a\n**/x\n").expect_err("rejected");
        assert_eq!(err.0, 2);
    }
}
