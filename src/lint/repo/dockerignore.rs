//! What a Docker build context sends: the instructions that copy all of it (`COPY . .`), and
//! `.dockerignore` files, read as Docker reads them, for one question: does the context include
//! the repository's `.git`?
//!
//! Reading follows moby's `ignorefile.ReadAll`: a line starting with `#` is a comment, lines are
//! trimmed, a leading `!` re-includes, each pattern is cleaned like `filepath.Clean` and a
//! leading `/` dropped. Matching follows `patternmatcher.MatchesOrParentMatches`: `*` and `?`
//! stop at `/`, `**` crosses directories, a pattern also matches a path when it matches one of
//! the path's parent directories, and the last matching pattern wins. Which file applies
//! follows BuildKit: `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore` at
//! the root of the context.

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Value, json};

/// What the walk saw besides the files it lints: the directories it covered, those holding a
/// `.git` (display form), and the `.dockerignore` facts of each ignore file found (by display
/// path).
#[derive(Debug, Default)]
pub struct Walked {
    pub roots: Vec<String>,
    pub git_roots: Vec<String>,
    pub dockerignores: HashMap<String, Value>,
}

/// Whether a file name is an ignore file of a Docker build (`.dockerignore`, `app.Dockerfile.dockerignore`).
pub fn is_ignore_file(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".dockerignore")
}

struct Pattern {
    exclusion: bool,
    re: Regex,
}

/// The patterns of a `.dockerignore`, in order; lines Docker would refuse (`!` alone, a bad
/// character class) are left out.
fn patterns(text: &str) -> Vec<Pattern> {
    lines(text).into_iter().filter_map(|(exclusion, p)| Some(Pattern { exclusion, re: compile(&p)? })).collect()
}

/// The cleaned patterns of a `.dockerignore` (`true`: a `!` re-include), as moby reads them.
fn lines(text: &str) -> Vec<(bool, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut p = line.trim();
        let exclusion = p.starts_with('!');
        if exclusion {
            p = p[1..].trim();
        }
        if p.is_empty() {
            continue;
        }
        let mut cleaned = super::normalize(p);
        if cleaned.len() > 1 && cleaned.starts_with('/') {
            cleaned.remove(0);
        }
        out.push((exclusion, cleaned));
    }
    out
}

/// The regular expression of one cleaned pattern, as moby's patternmatcher builds it.
fn compile(pattern: &str) -> Option<Regex> {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let ch = chars[i];
        i += 1;
        match ch {
            '*' if !in_class && chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                re.push_str(if i == chars.len() { ".*" } else { "(.*/)?" });
            }
            '*' if !in_class => re.push_str("[^/]*"),
            '?' if !in_class => re.push_str("[^/]"),
            '\\' => match chars.get(i) {
                Some(next) => {
                    re.push_str(&regex::escape(&next.to_string()));
                    i += 1;
                }
                None => re.push_str(r"\\"),
            },
            '[' if !in_class => {
                in_class = true;
                re.push('[');
            }
            ']' if in_class => {
                in_class = false;
                re.push(']');
            }
            c if in_class => re.push(c),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    if in_class {
        return None;
    }
    re.push('$');
    Regex::new(&re).ok()
}

/// Whether Docker leaves `path` (relative to the context, `/`-separated) out of the context.
fn excluded(patterns: &[Pattern], path: &str) -> bool {
    let parents: Vec<&str> = path.split('/').collect();
    let mut matched = false;
    for p in patterns {
        // An exclusion can only undo a match, an inclusion only make one.
        if p.exclusion != matched {
            continue;
        }
        let mut hit = p.re.is_match(path);
        if !hit && parents.len() > 1 {
            hit = (1..parents.len()).any(|n| p.re.is_match(&parents[..n].join("/")));
        }
        if hit {
            matched = !p.exclusion;
        }
    }
    matched
}

/// What a `COPY . .` would send of `.git`: the directory and the files every repository has.
const GIT_PATHS: [&str; 7] = [
    ".git",
    ".git/HEAD",
    ".git/config",
    ".git/index",
    ".git/refs/heads/main",
    ".git/objects/pack/pack-0.pack",
    ".git/logs/HEAD",
];

/// The facts of one ignore file: `{path, excludes_git, git_reincluded}` (`git_reincluded`: the
/// `.git` paths a later `!` pattern puts back, when `.git` itself is excluded).
pub fn facts(path: &str, text: &str) -> Value {
    let ps = patterns(text);
    let sent: Vec<&str> = GIT_PATHS.iter().copied().filter(|p| !excluded(&ps, p)).collect();
    let reincluded: Vec<&str> = if excluded(&ps, ".git") { sent.clone() } else { Vec::new() };
    json!({"path": path, "excludes_git": sent.is_empty(), "git_reincluded": reincluded, "patterns": ps.len()})
}

/// The ignore file a build of `dockerfile` with `context` uses: `<dockerfile>.dockerignore`,
/// else `<context>/.dockerignore`; `None` when there is neither.
pub fn for_build<'a>(walked: &'a Walked, dockerfile: &str, context: &str) -> Option<&'a Value> {
    let own = format!("{dockerfile}.dockerignore");
    let shared = if context == "." { ".dockerignore".to_string() } else { format!("{context}/.dockerignore") };
    walked.dockerignores.get(&own).or_else(|| walked.dockerignores.get(&shared))
}

/// The `COPY`/`ADD` instructions of any stage whose source is the whole build context (`.` or
/// `./`), not an earlier stage's or another image's files (`--from`):
/// `{keyword, args, stage, line, col}`.
pub fn context_copies(stages: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for s in stages {
        for ins in s["instructions"].as_array().into_iter().flatten() {
            let keyword = ins["keyword"].as_str().unwrap_or("").to_ascii_uppercase();
            if !matches!(keyword.as_str(), "COPY" | "ADD") {
                continue;
            }
            if ins["flags"].as_array().into_iter().flatten().any(|f| f["name"] == "from") {
                continue;
            }
            let words: Vec<String> = match ins["exec"].as_array() {
                Some(argv) => argv.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                None => ins["raw"].as_str().unwrap_or("").split_whitespace().map(str::to_string).collect(),
            };
            let Some((_, sources)) = words.split_last() else { continue };
            if sources.iter().any(|s| s == "." || s == "./") {
                out.push(json!({
                    "keyword": keyword, "args": words.join(" "), "stage": s["index"],
                    "line": ins["line"], "col": ins["col"],
                }));
            }
        }
    }
    out
}

#[cfg(test)]
fn texts(text: &str) -> Vec<String> {
    lines(text).into_iter().map(|(ex, p)| format!("{}{p}", if ex { "!" } else { "" })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(text: &str) -> bool {
        facts(".dockerignore", text)["excludes_git"] == true
    }

    #[test]
    fn reads_lines_as_docker_does() {
        assert_eq!(
            texts("# c\n\n  .git/  \n!/keep\n ! spaced\n!\n/\n./a/../b\n"),
            vec![".git", "!keep", "!spaced", "/", "b"]
        );
        // Only a `#` in the first column starts a comment.
        assert_eq!(texts(" #x\n"), vec!["#x"]);
    }

    #[test]
    fn patterns_that_exclude_git() {
        for t in [
            ".git",
            ".git/",
            "/.git",
            "./.git",
            "**/.git",
            ".*",
            "*",
            "**",
            ".git*",
            "*\n!src\n!go.mod\n",
            "**\n!**/*.go\n",
        ] {
            assert!(git(t), "{t:?} excludes .git");
        }
    }

    #[test]
    fn patterns_that_do_not() {
        for t in [
            "",
            "# .git\n",
            ".github",
            "bin/\n.env\n",
            ".git/objects",
            "*/.git",
            ".git\n!.git\n",
            "*\n!.git\n",
            "*\n!**\n",
        ] {
            assert!(!git(t), "{t:?} leaves .git in the context");
        }
        let f = facts(".dockerignore", ".git\n!.git/HEAD\n");
        assert_eq!(f["excludes_git"], false);
        assert_eq!(f["git_reincluded"], json!([".git/HEAD"]));
        assert_eq!(facts(".dockerignore", "bin\n")["git_reincluded"], json!([]));
    }

    #[test]
    fn globs_follow_the_pattern_matcher() {
        let m = |pat: &str, path: &str| excluded(&patterns(pat), path);
        assert!(m("*.md", "README.md"));
        assert!(!m("*.md", "docs/README.md"));
        assert!(m("**/*.md", "docs/README.md"));
        assert!(m("docs", "docs/a/b.md"), "a parent directory's match counts");
        assert!(m("d?cs", "docs"));
        assert!(m("[a-c]at", "bat"));
        assert!(!m("[a-c]at", "rat"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("a+b(c)", "a+b(c)"), "regex characters are literal");
        assert!(!m("[unclosed", "[unclosed"), "a bad pattern matches nothing");
    }

    #[test]
    fn the_dockerfiles_own_ignore_file_wins() {
        let mut w = Walked::default();
        w.dockerignores.insert(".dockerignore".into(), json!({"path": ".dockerignore"}));
        w.dockerignores.insert("build/app.Dockerfile.dockerignore".into(), json!({"path": "own"}));
        assert_eq!(for_build(&w, "build/app.Dockerfile", ".").unwrap()["path"], "own");
        assert_eq!(for_build(&w, "Dockerfile", ".").unwrap()["path"], ".dockerignore");
        assert!(for_build(&w, "svc/Dockerfile", "svc").is_none());
        assert!(is_ignore_file(".dockerignore") && is_ignore_file("Dockerfile.dockerignore"));
        assert!(!is_ignore_file("Dockerfile"));
    }

    #[test]
    fn copies_of_the_whole_context() {
        let text = "FROM golang:1.26 AS b\nCOPY --chown=1:1 --link . .\nCOPY [\"./\", \"/src\"]\nCOPY go.mod go.sum ./\nCOPY --from=b . .\nFROM b\nADD . /x\nCOPY <<EOF /etc/x\n.\nEOF\n";
        let Ok(crate::lint::input::Built::Input(fi)) = crate::lint::input::dockerfile::build("Dockerfile", text) else {
            panic!("not a Dockerfile input")
        };
        let stages = fi.input["dockerfile"]["stages"].as_array().cloned().unwrap();
        let found: Vec<(String, u64)> = context_copies(&stages)
            .iter()
            .map(|c| (c["args"].as_str().unwrap().to_string(), c["line"].as_u64().unwrap()))
            .collect();
        assert_eq!(found, vec![(". .".into(), 2), ("./ /src".into(), 3), (". /x".into(), 7)]);
    }
}
