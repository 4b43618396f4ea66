# Helpers for rules over GitHub Actions expressions (`${{ ... }}`).
# Call them fully qualified (data.paved.lib.gha.f(...)): regorus does not resolve functions
# through import aliases.
package paved.lib.gha

import rego.v1

# Context paths whose text an outsider writes: titles, bodies and comments, branch names,
# commit messages and author names, label names, wiki page names. Lower case; `*` is one
# segment (an array index or an object key). After GitHub's "Understanding the risk of script
# injections" and the Security Lab's "Untrusted input" post.
untrusted := [
	"github.event.issue.title",
	"github.event.issue.body",
	"github.event.pull_request.title",
	"github.event.pull_request.body",
	"github.event.comment.body",
	"github.event.review.body",
	"github.event.review_comment.body",
	"github.event.pages.*.page_name",
	"github.event.commits.*.message",
	"github.event.commits.*.author.email",
	"github.event.commits.*.author.name",
	"github.event.commits.*.committer.email",
	"github.event.commits.*.committer.name",
	"github.event.head_commit.message",
	"github.event.head_commit.author.email",
	"github.event.head_commit.author.name",
	"github.event.head_commit.committer.email",
	"github.event.head_commit.committer.name",
	"github.event.pull_request.head.ref",
	"github.event.pull_request.head.label",
	"github.event.pull_request.head.repo.default_branch",
	"github.head_ref",
	"github.event.workflow_run.head_branch",
	"github.event.workflow_run.head_commit.message",
	"github.event.workflow_run.head_commit.author.email",
	"github.event.workflow_run.head_commit.author.name",
	"github.event.workflow_run.pull_requests.*.head.ref",
	"github.event.discussion.title",
	"github.event.discussion.body",
	"github.event.label.name",
	"github.event.*.labels.*.name",
]

# Each untrusted path and each of its ancestors (an object that holds it, such as
# `github.event.pull_request`, is untrusted as a whole: `toJSON` prints all of it), as lists
# of segments, compared segment by segment (a regular expression here was compiled on every
# call, the slowest part of the rule on large workflows).
_patterns := {array.slice(segs, 0, n) |
	some p in untrusted
	segs := split(p, ".")
	some n in numbers.range(1, count(segs))
}

_segment_matches(p, s) if p == "*"

_segment_matches(p, s) if p == s

_untrusted_ref(r) if {
	segs := split(r, ".")
	some p in _patterns
	count(p) == count(segs)
	every i, x in p {
		_segment_matches(x, segs[i])
	}
}

# `x['name']` as `x.name`; `x[0]` and `x[*]` as `x.*`; string literals removed.
_normalized(expr) := s if {
	a := regex.replace(lower(expr), `\[\s*'([a-z0-9_-]+)'\s*\]`, ".$1")
	b := regex.replace(a, `\[\s*(\*|[0-9]+)\s*\]`, ".*")
	s := regex.replace(b, `'([^']|'')*'`, "''")
}

_ref := `[a-z_][a-z0-9_-]*(\.([a-z0-9_-]+|\*))*`

# Parts of an expression whose value is a boolean, not the text: `contains(...)`,
# `startsWith(...)`, `endsWith(...)` (one level of nested calls), comparisons and negations,
# and the left side of `&&` (its value is the right side's, or an empty falsy one).
_without_booleans(s) := d if {
	a := regex.replace(s, `(contains|startswith|endswith)\s*\(([^()]|\([^()]*\))*\)`, "false")
	b := regex.replace(a, sprintf(`%s\s*(==|!=|<=|>=|<|>)`, [_ref]), "")
	c := regex.replace(b, sprintf(`(==|!=|<=|>=|<|>)\s*%s`, [_ref]), "")
	d := regex.replace(c, sprintf(`!\s*%s|%s\s*&&`, [_ref, _ref]), "")
}

# The context references of an expression (`github.event.issue.title`, `env.X`), lower case.
refs(expr) := {r | some r in regex.find_n(_ref, _without_booleans(_normalized(expr)), -1)}

# The untrusted references of an expression's inner text (`toJSON(github.event.issue)`).
untrusted_refs(expr) := untrusted_of(refs(expr))

# The references of a script expression: computed by the input builder (`refs`, the same
# normalisation in Rust: src/lint/input/expressions.rs), or here for inputs written by hand.
expression_refs(e) := {r | some r in e.refs} if is_array(object.get(e, "refs", null))

expression_refs(e) := refs(e.expr) if not is_array(object.get(e, "refs", null))

# Which of a set of references an outsider writes.
untrusted_of(rs) := {r |
	some r in rs
	_untrusted_ref(r)
}

# The untrusted references of the expressions a string value holds (an `env:` value).
untrusted_in_value(v) := {r |
	is_string(v)
	some e in regex.find_n(`\$\{\{[^}]*\}\}`, v, -1)
	some r in untrusted_refs(substring(e, 3, count(e) - 5))
}
