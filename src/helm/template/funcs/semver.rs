//! `semver` and `semverCompare` with Masterminds/semver v3 rules: lenient versions (`v1.2`,
//! `1`), constraints with `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`, wildcards (`1.x`,
//! `*`), hyphen ranges (`1.2 - 1.4`), `,`/space for AND and `||` for OR, and the rule that a
//! prerelease version only matches constraints that carry a prerelease themselves.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{FnResult, Reg, err, s};
use crate::helm::template::value::Val;

pub(crate) fn register(r: &mut Reg) {
    r.add("semver", "s", |_, a| {
        let v = Version::parse(s(&a[0])).ok_or(()).or_else(|_| err("Invalid Semantic Version"))?;
        let mut m = BTreeMap::new();
        m.insert("Major".into(), Val::Int(v.major as i64));
        m.insert("Minor".into(), Val::Int(v.minor as i64));
        m.insert("Patch".into(), Val::Int(v.patch as i64));
        m.insert("Prerelease".into(), Val::str(v.pre.as_str()));
        m.insert("Metadata".into(), Val::str(v.meta.as_str()));
        m.insert("Original".into(), Val::str(s(&a[0])));
        Ok(Val::map(m))
    });
    r.add("semverCompare", "ss", semver_compare);
}

fn semver_compare(_: &mut crate::helm::template::exec::Exec, a: Vec<Val>) -> FnResult {
    let cs = parse_constraints(s(&a[0])).or_else(err)?;
    let Some(v) = Version::parse(s(&a[1])) else { return err("Invalid Semantic Version") };
    Ok(Val::Bool(cs.iter().any(|and| and.iter().all(|c| c.check(&v)))))
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    meta: String,
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
    fn parse(v: &str) -> Option<Version> {
        let m = res().version.captures(v)?;
        let seg = |i: usize| m.get(i).map_or(Some(0), |g| g.as_str().trim_start_matches('.').parse::<u64>().ok());
        let pre = m.get(5).map_or("", |g| g.as_str()).to_string();
        if pre.split('.').any(|p| p.len() > 1 && p.starts_with('0') && p.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        Some(Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre,
            meta: m.get(8).map_or("", |g| g.as_str()).to_string(),
        })
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
            return Err(format!("improper constraint: {part}"));
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
    let m = res().constraint.captures(c).ok_or_else(|| format!("improper constraint: {c}"))?;
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
    let con = Version::parse(&ver).ok_or("constraint Parser Error")?;
    Ok(Constraint { op: g(1).to_string(), con, dirty, minor_dirty, patch_dirty })
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.op != "!=" && !v.pre.is_empty() && c.pre.is_empty() {
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
            if !v.pre.is_empty() && c.pre.is_empty() {
                return false;
            }
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
        let v = Version::parse(v).unwrap();
        cs.iter().any(|and| and.iter().all(|x| x.check(&v)))
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
