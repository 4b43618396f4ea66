//! `semver` and `semverCompare` with Masterminds/semver v3 rules: lenient versions (`v1.2`,
//! `1`), constraints with `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`, wildcards (`1.x`,
//! `*`), hyphen ranges (`1.2 - 1.4`), `,`/space for AND and `||` for OR, and the rule that a
//! prerelease version only matches AND groups in which some constraint carries a prerelease
//! (Masterminds v3.4, as Helm 4 vendors it, with its error wording). `semver` returns the
//! version as a `*semver.Version` host object.

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use regex::Regex;

use super::{FnResult, Reg, err, s};
use crate::helm::template::lex::go_quote;
use crate::helm::template::value::{HostObject, Val, Value};

pub(crate) fn register(r: &mut Reg) {
    r.add("semver", "s", |_, a| {
        let v = Version::parse(s(&a[0])).or_else(err)?;
        Ok(Val::Host(Arc::new(SemverObject { v, pointer: true })))
    });
    r.add("semverCompare", "ss", semver_compare);
}

fn semver_compare(_: &mut crate::helm::template::exec::Exec, a: Vec<Val>) -> FnResult {
    let cs = parse_constraints(s(&a[0])).or_else(err)?;
    let v = Version::parse(s(&a[1])).or_else(err)?;
    Ok(Val::Bool(satisfies(&cs, &v)))
}

/// Whether `v` satisfies one of the OR groups, each an AND of constraints. A version with a
/// prerelease matches only in groups where some constraint has a prerelease (Masterminds v3.4).
fn satisfies(cs: &[Vec<Constraint>], v: &Version) -> bool {
    cs.iter().any(|and| {
        let include_pre = and.iter().any(|c| !c.con.pre.is_empty());
        and.iter().all(|c| c.check(v, include_pre))
    })
}

/// What `semver` returns: Masterminds' `*semver.Version`, or the `semver.Version` value its
/// `IncPatch`-style methods return (which has no pointer methods such as `Original`). Printing
/// it, `toString` and `toJson` give the version without a `v` prefix.
#[derive(Debug, Clone)]
struct SemverObject {
    v: Version,
    pointer: bool,
}

impl SemverObject {
    /// A derived value (`IncPatch`, `SetPrerelease`...): `original` keeps a `v` prefix.
    fn derived(&self, mut v: Version) -> Value {
        let prefix = if self.v.original.starts_with('v') { "v" } else { "" };
        v.original = format!("{prefix}{}", v.string());
        Value::Host(Arc::new(SemverObject { v, pointer: false }))
    }

    /// The `*semver.Version` argument of a comparison method.
    fn other(method: &str, args: &[Value]) -> Result<Version, String> {
        if let [Value::Host(h)] = args
            && h.type_name() == "*semver.Version"
            && let Some(Ok(Value::String(text))) = h.call("Original", &[])
        {
            return Version::parse(&text);
        }
        Err(format!("{method} takes one *semver.Version argument"))
    }
}

impl HostObject for SemverObject {
    fn type_name(&self) -> &str {
        if self.pointer { "*semver.Version" } else { "semver.Version" }
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let v = &self.v;
        let text = |t: &str| Ok(Value::String(t.to_owned()));
        let no_args =
            |r: Result<Value, String>| if args.is_empty() { r } else { Err(format!("{method} takes no arguments")) };
        let compare = |f: fn(Ordering) -> Value| Self::other(method, args).map(|o| f(v.cmp(&o)));
        let set = |what: &str, apply: fn(&mut Version, &str)| match args {
            [Value::String(part)] => {
                validate_part(part, what)?;
                let mut next = v.clone();
                apply(&mut next, part);
                Ok(self.derived(next))
            }
            _ => Err(format!("{method} takes one string argument")),
        };
        Some(match method {
            "String" | "MarshalText" => no_args(text(&v.string())),
            "MarshalJSON" => no_args(text(&serde_json::Value::from(v.string()).to_string())),
            "Major" => no_args(Ok(Value::Int(v.major as i64))),
            "Minor" => no_args(Ok(Value::Int(v.minor as i64))),
            "Patch" => no_args(Ok(Value::Int(v.patch as i64))),
            "Prerelease" => no_args(text(&v.pre)),
            "Metadata" => no_args(text(&v.meta)),
            "IncPatch" | "IncMinor" | "IncMajor" => no_args(v.inc(method).map(|n| self.derived(n))),
            "SetPrerelease" => set("prerelease", |n, p| n.pre = p.to_owned()),
            "SetMetadata" => set("metadata", |n, m| n.meta = m.to_owned()),
            // Methods on the pointer only.
            _ if !self.pointer => return None,
            "Original" => no_args(text(&v.original)),
            "LessThan" => compare(|o| Value::Bool(o == Ordering::Less)),
            "LessThanEqual" => compare(|o| Value::Bool(o != Ordering::Greater)),
            "GreaterThan" => compare(|o| Value::Bool(o == Ordering::Greater)),
            "GreaterThanEqual" => compare(|o| Value::Bool(o != Ordering::Less)),
            "Equal" => compare(|o| Value::Bool(o == Ordering::Equal)),
            "Compare" => compare(|o| Value::Int(o as i64)),
            _ => return None,
        })
    }
}

/// Checks a prerelease or metadata string (empty is fine): dot-separated non-empty
/// identifiers of `[0-9A-Za-z-]`, numeric prerelease identifiers without leading zeros.
fn validate_part(part: &str, what: &str) -> Result<(), String> {
    if part.is_empty() {
        return Ok(());
    }
    for id in part.split('.') {
        let numeric = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
        if what == "prerelease" && numeric && leading_zero(id) {
            return Err("version segment starts with 0".into());
        }
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("invalid {what} string"));
        }
    }
    Ok(())
}

fn leading_zero(id: &str) -> bool {
    id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    meta: String,
    /// The text parsed.
    original: String,
}

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Res {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let re = |p: String| Regex::new(&p).expect("constant regex");
        Res {
            version: re(r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$".into()),
            constraint: re(format!(r"^\s*({OPS})\s*({CV})\s*$")),
            range: re(format!(r"\s*({CV})\s+-\s+({CV})\s*")),
            find: re(format!(r"({OPS})\s*({CV})")),
            valid: re(format!(r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$")),
        }
    })
}

impl Version {
    /// Masterminds v3.4's `NewVersion` (coercing: `v1.2`, `1`, leading zeros), with its errors.
    fn parse(v: &str) -> Result<Version, String> {
        let m = res().version.captures(v).ok_or("invalid semantic version")?;
        let seg = |i: usize| {
            let text = m.get(i).map_or("0", |g| g.as_str().trim_start_matches('.'));
            text.parse::<u64>().map_err(|_| {
                format!("error parsing version segment: strconv.ParseUint: parsing {text:?}: value out of range")
            })
        };
        let pre = m.get(5).map_or("", |g| g.as_str()).to_string();
        if pre.split('.').any(leading_zero) {
            return Err("version segment starts with 0".into());
        }
        Ok(Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre,
            meta: m.get(8).map_or("", |g| g.as_str()).to_string(),
            original: v.to_string(),
        })
    }

    /// `String()`: `MAJOR.MINOR.PATCH[-PRE][+META]`, without a `v`.
    fn string(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.meta.is_empty() {
            s.push('+');
            s.push_str(&self.meta);
        }
        s
    }

    /// `IncPatch` (which only drops a prerelease when there is one), `IncMinor`, `IncMajor`.
    fn inc(&self, method: &str) -> Result<Version, String> {
        let mut n = Version { pre: String::new(), meta: String::new(), ..self.clone() };
        let overflow = || format!("{} version increment would overflow uint64", &method[3..].to_lowercase());
        match method {
            "IncPatch" if !self.pre.is_empty() => {}
            "IncPatch" => n.patch = n.patch.checked_add(1).ok_or_else(overflow)?,
            "IncMinor" => (n.minor, n.patch) = (n.minor.checked_add(1).ok_or_else(overflow)?, 0),
            _ => (n.major, n.minor, n.patch) = (n.major.checked_add(1).ok_or_else(overflow)?, 0, 0),
        }
        Ok(n)
    }

    fn cmp(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch)).then_with(|| {
            match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &o.pre),
            }
        })
    }
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    let (ap, bp): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..ap.len().max(bp.len()) {
        let (x, y) = (ap.get(i).copied().unwrap_or(""), bp.get(i).copied().unwrap_or(""));
        if x == y {
            continue;
        }
        let ord = match (x.is_empty(), y.is_empty()) {
            (true, _) => Ordering::Less,
            (_, true) => Ordering::Greater,
            _ => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(p), Ok(q)) => p.cmp(&q),
                (Ok(_), Err(_)) => Ordering::Less,
                (Err(_), Ok(_)) => Ordering::Greater,
                (Err(_), Err(_)) => x.cmp(y),
            },
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

struct Constraint {
    op: String,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraints(c: &str) -> Result<Vec<Vec<Constraint>>, String> {
    let r = res();
    // Hyphen ranges become ">= a, <= b".
    let mut c = c.to_string();
    let ranges: Vec<(String, String, String)> = r
        .range
        .captures_iter(&c)
        .map(|m| (m[0].to_string(), m[1].to_string(), m.get(11).map_or("", |g| g.as_str()).to_string()))
        .collect();
    for (whole, from, to) in ranges {
        c = c.replacen(&whole, &format!(">= {from}, <= {to} "), 1);
    }
    let mut ors = Vec::new();
    for part in c.split("||") {
        if !r.valid.is_match(part) {
            return Err(format!("improper constraint: {}", go_quote(part)));
        }
        let mut found: Vec<String> = r.find.find_iter(part).map(|m| m.as_str().to_string()).collect();
        if found.is_empty() {
            found.push(part.to_string());
        }
        let mut and = Vec::new();
        for f in found {
            and.push(parse_one(&f)?);
        }
        ors.push(and);
    }
    Ok(ors)
}

fn parse_one(c: &str) -> Result<Constraint, String> {
    let m = res().constraint.captures(c).ok_or_else(|| format!("improper constraint: {}", go_quote(c)))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let ver = if is_x(major) || major.is_empty() {
        dirty = true;
        format!("0.0.0{pre}")
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        dirty = true;
        minor_dirty = true;
        format!("{major}.0.0{pre}")
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{major}{minor}.0{pre}")
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error")?;
    Ok(Constraint { op: g(1).to_string(), con, dirty, minor_dirty, patch_dirty })
}

impl Constraint {
    /// Whether `v` satisfies this constraint; a prerelease `v` never does unless its AND group
    /// has a prerelease somewhere (`include_pre`).
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        let c = &self.con;
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.cmp(c) == Ordering::Equal
                }
            }
            "!=" => self.not_equal(v),
            ">" => {
                if !self.dirty {
                    return v.cmp(c) == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.cmp(c) == Ordering::Greater
            }
            "<" => v.cmp(c) == Ordering::Less,
            ">=" | "=>" => v.cmp(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.cmp(c) != Ordering::Greater;
                }
                !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            "~" | "~>" => self.tilde(v),
            "^" => self.caret(v),
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.cmp(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (v.minor == c.minor || self.minor_dirty)
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.cmp(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_pre(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.cmp(c) != Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        let cs = parse_constraints(c).unwrap();
        satisfies(&cs, &Version::parse(v).unwrap())
    }

    #[test]
    fn constraints() {
        assert!(check(">=1.21-0", "1.27.3"));
        assert!(check(">=1.21-0", "v1.27.3-gke.100"));
        assert!(!check(">=1.21", "v1.27.3-gke.100"));
        assert!(check("^1.2", "1.9.0"));
        assert!(!check("^1.2", "2.0.0"));
        assert!(check("~1.2", "1.2.9"));
        assert!(!check("~1.2", "1.3.0"));
        assert!(check("1.x", "1.5.0"));
        assert!(check("<1.0 || >=2.0", "2.1.0"));
        assert!(check("1.2 - 1.4.5", "1.4.5"));
        assert!(!check("1.2 - 1.4.5", "1.4.6"));
        assert!(check(">= 1.2, < 3.0.0", "2.9.9"));
        assert!(check("!=1.2.3", "1.2.4"));
        assert!(parse_constraints("foo").is_err());
    }
}
