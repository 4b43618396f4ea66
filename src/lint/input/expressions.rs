//! `${{ }}` expressions inside the scripts GitHub runs (`run:` steps, the `script:` input of
//! `actions/github-script`), each at its own file position: `input.script_expressions`.
//!
//! Why it exists: GitHub substitutes an expression into the script text before the shell (or
//! Node) sees it, so a rule about script injection must point at the `${{` itself, also inside
//! `run: |` and folded `run: >` block scalars, whose value no longer shows where its lines and
//! columns were. The value is not enough; the source is: expressions appear in the source in the
//! order they appear in the value, so the n-th `${{` of the value is the next `${{` of the source
//! after the scalar's start whose text (whitespace aside) is the same. Where they differ (an
//! escape sequence in a double-quoted scalar), the expression is placed at the scalar's start.

use serde_json::{Value, json};

use crate::parse::Pos;
use crate::parse::pos::LineIndex;
use crate::parse::yaml::{Node, ScalarStyle};

/// Expressions kept from one file: aliases can repeat a script without bound.
const MAX_EXPRESSIONS: usize = 10_000;

/// One `${{ ... }}` of a scalar: its full text, its inner expression (trimmed) and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    pub text: String,
    pub expr: String,
    pub pos: Pos,
}

/// The source text of a file, indexed for positions.
pub struct Source<'a> {
    text: &'a str,
    index: LineIndex,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, index: LineIndex::new(text), line_starts }
    }

    /// The byte offset of `pos` (1-based line, column in characters), if it is in the text.
    fn offset(&self, pos: Pos) -> Option<usize> {
        let start = *self.line_starts.get((pos.line as usize).checked_sub(1)?)?;
        let line = &self.text[start..];
        let skip = (pos.col as usize).checked_sub(1)?;
        let within = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
        Some(start + within)
    }
}

/// The `${{ ... }}` expressions of a string value, in order: (byte offset, full text, inner).
fn expressions_in(value: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = value[from..].find("${{").map(|i| i + from) {
        let Some(end) = value[start + 3..].find("}}").map(|i| i + start + 3) else { break };
        out.push((start, &value[start..end + 2], value[start + 3..end].trim()));
        from = end + 2;
    }
    out
}

/// Whether the source at `src` starts with `expr`, whitespace aside; a single-quoted scalar
/// writes each `'` as `''`.
fn same_text(src: &str, expr: &str, style: ScalarStyle) -> bool {
    let mut src = src.chars().filter(|c| !c.is_whitespace()).peekable();
    for want in expr.chars().filter(|c| !c.is_whitespace()) {
        match src.next() {
            Some(c) if c == want => {
                if c == '\'' && style == ScalarStyle::SingleQuoted && src.peek() == Some(&'\'') {
                    src.next();
                }
            }
            _ => return false,
        }
    }
    true
}

/// Every expression of a string scalar, at its file position.
pub fn in_scalar(node: &Node, src: &Source) -> Vec<Expression> {
    let Some(value) = node.as_str() else { return Vec::new() };
    let mut cursor = src.offset(node.content);
    let mut out = Vec::new();
    for (_, text, expr) in expressions_in(value) {
        let found = cursor.and_then(|c| {
            let at = src.text[c..].find("${{")? + c;
            same_text(&src.text[at..], text, node.style).then_some(at)
        });
        // Once the source and the value disagree, later expressions cannot be placed either.
        cursor = found.map(|at| at + 3);
        let pos = found.map_or(node.content, |at| src.index.pos(src.text, at));
        out.push(Expression { text: text.to_string(), expr: expr.to_string(), pos });
    }
    out
}

/// A JSON pointer token: `~` and `/` escaped (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

static REF: &str = r"[a-z_][a-z0-9_-]*(\.([a-z0-9_-]+|\*))*";

fn re(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("a valid built-in pattern")
}

/// The context references an expression's value is made of (`github.event.issue.title`,
/// `env.X`), lower case, as `policies/lib/gha.rego`'s `refs` computes them: `x['name']` read as
/// `x.name`, `x[0]` and `x[*]` as `x.*`, string literals dropped, and the parts whose value is a
/// boolean (`contains(...)`, `startsWith(...)`, `endsWith(...)`, comparisons, negations, the left
/// side of `&&`) removed. Computed here once per expression: the same eight regular expressions
/// in Rego, compiled on every call, made the rule the slowest of all on large workflows.
pub fn refs(expr: &str) -> Vec<String> {
    use std::sync::LazyLock;
    static STEPS: LazyLock<Vec<(regex::Regex, &'static str)>> = LazyLock::new(|| {
        vec![
            (re(r"\[\s*'([a-z0-9_-]+)'\s*\]"), ".$1"),
            (re(r"\[\s*(\*|[0-9]+)\s*\]"), ".*"),
            (re(r"'([^']|'')*'"), "''"),
            (re(r"(contains|startswith|endswith)\s*\(([^()]|\([^()]*\))*\)"), "false"),
            (re(&format!(r"{REF}\s*(==|!=|<=|>=|<|>)")), ""),
            (re(&format!(r"(==|!=|<=|>=|<|>)\s*{REF}")), ""),
            (re(&format!(r"!\s*{REF}|{REF}\s*&&")), ""),
        ]
    });
    static FIND: LazyLock<regex::Regex> = LazyLock::new(|| re(REF));
    let mut s = expr.to_lowercase();
    for (pattern, with) in STEPS.iter() {
        s = pattern.replace_all(&s, *with).into_owned();
    }
    let mut out: Vec<String> = FIND.find_iter(&s).map(|m| m.as_str().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

/// The script expressions of a list of steps (a job's `steps`, a composite action's
/// `runs.steps`): `run:` scripts (context `run`) and the `script:` of `actions/github-script`
/// (context `script`). `steps_pointer` is the steps' JSON pointer in the input (`/workflow/jobs/
/// build/steps`, `/action/runs/steps`); `job` the job's key, or null.
pub fn in_steps(steps: &[Node], src: &Source, steps_pointer: &str, job: Option<&str>, out: &mut Vec<Value>) {
    for (i, step) in steps.iter().enumerate() {
        let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default().to_ascii_lowercase();
        let script = if let Some(run) = step.get("run") {
            Some(("run", run))
        } else if uses.starts_with("actions/github-script@") {
            step.get("with").and_then(|w| w.get("script")).map(|s| ("script", s))
        } else {
            None
        };
        let Some((context, node)) = script else { continue };
        for e in in_scalar(node, src) {
            if out.len() >= MAX_EXPRESSIONS {
                return;
            }
            out.push(json!({
                "text": e.text,
                "refs": refs(&e.expr),
                "expr": e.expr,
                "context": context,
                "job": job,
                "step": i,
                "pointer": format!("{steps_pointer}/{i}"),
                "line": e.pos.line,
                "col": e.pos.col,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse_stream};

    fn exprs(text: &str, key: &str) -> Vec<(String, u32, u32)> {
        let root = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        let src = Source::new(text);
        in_scalar(root.get(key).unwrap(), &src).into_iter().map(|e| (e.expr, e.pos.line, e.pos.col)).collect()
    }

    fn e(expr: &str, line: u32, col: u32) -> (String, u32, u32) {
        (expr.to_string(), line, col)
    }

    #[test]
    fn refs_are_what_the_value_is_made_of() {
        assert_eq!(refs("toJSON(github.event.issue.title)"), ["github.event.issue.title", "tojson"]);
        assert_eq!(refs("github.event['pull_request'].labels[0].name"), ["github.event.pull_request.labels.*.name"]);
        assert_eq!(refs("contains(github.event.issue.title, 'x') && env.A"), ["env.a"]);
        assert_eq!(refs("github.head_ref == 'main' || format('{0}', github.head_ref)"), ["format", "github.head_ref"]);
        assert_eq!(refs("!github.event.issue.title"), Vec::<String>::new());
    }

    #[test]
    fn plain_and_quoted_scalars_place_each_expression() {
        assert_eq!(
            exprs("run: echo ${{ github.head_ref }} ${{x}}\n", "run"),
            [e("github.head_ref", 1, 11), e("x", 1, 34)]
        );
        assert_eq!(exprs("run: \"echo ${{ a }}\"\n", "run"), [e("a", 1, 12)]);
        assert_eq!(exprs("run: 'echo ${{ format(''{0}'', a) }}'\n", "run"), [e("format('{0}', a)", 1, 12)]);
        // An escape inside the expression: placed at the scalar's content.
        assert_eq!(exprs("run: \"echo ${{ \\x61 }}\"\n", "run"), [e("a", 1, 7)]);
    }

    #[test]
    fn block_scalars_map_lines_and_columns() {
        let lit = "x: 1\nrun: |\n  echo hi\n    echo \"${{ github.event.issue.title }}\"\n  ${{ b }}\n";
        assert_eq!(exprs(lit, "run"), [e("github.event.issue.title", 4, 11), e("b", 5, 3)]);
        let folded = "run: >-\n  echo\n  ${{ a }}\n\n  and ${{ b }}\nnext: ${{ c }}\n";
        assert_eq!(exprs(folded, "run"), [e("a", 3, 3), e("b", 5, 7)]);
        // Characters, not bytes, before the expression.
        assert_eq!(exprs("run: |\n  é ü ${{ a }}\n", "run"), [e("a", 2, 7)]);
        // A multi-line expression in a folded scalar.
        assert_eq!(exprs("run: >\n  ${{ a ||\n  b }}\n", "run"), [e("a || b", 2, 3)]);
    }

    #[test]
    fn unterminated_and_absent_expressions() {
        assert!(exprs("run: echo ${{ a\n", "run").is_empty());
        assert!(exprs("run: 12\n", "run").is_empty());
        assert!(exprs("run: echo $HOME\n", "run").is_empty());
    }

    #[test]
    fn steps_give_run_and_github_script_expressions() {
        let text = "steps:\n  - run: echo ${{ a }}\n  - uses: Actions/GitHub-Script@v7\n    with:\n      script: |\n        core.info(`${{ b }}`)\n  - uses: actions/checkout@v4\n    with: {ref: '${{ c }}'}\n";
        let root = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        let mut out = Vec::new();
        in_steps(root.get("steps").unwrap().as_seq().unwrap(), &Source::new(text), "/x/steps", Some("j"), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["context"], "run");
        assert_eq!((out[0]["line"].as_u64(), out[0]["col"].as_u64()), (Some(2), Some(15)));
        assert_eq!(out[1]["context"], "script");
        assert_eq!(out[1]["pointer"], "/x/steps/1");
        assert_eq!((out[1]["line"].as_u64(), out[1]["col"].as_u64()), (Some(6), Some(20)));
        assert_eq!(out[1]["job"], "j");
    }
}
