//! `--diff`: the unified diff of every file a fix changes, as `diff -u` and `git diff` print it
//! (`similar`'s unified diff; three lines of context).

use similar::TextDiff;

/// The unified diff turning `before` into `after` for `path` (empty when they are equal).
pub fn unified(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let diff = TextDiff::from_lines(before, after);
    let mut out = String::new();
    out.push_str(&diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_a_git_style_hunk() {
        let d = unified("Makefile", "test:\n\tgo test ./...\n", "test:\n\tgo test -timeout 120s ./...\n");
        assert_eq!(
            d,
            "--- a/Makefile\n+++ b/Makefile\n@@ -1,2 +1,2 @@\n test:\n-\tgo test ./...\n+\tgo test -timeout 120s ./...\n"
        );
        assert_eq!(unified("x", "same", "same"), "");
    }
}
