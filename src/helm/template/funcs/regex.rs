//! sprig's regex functions (regex.go) over the `regex` crate, whose syntax matches Go's RE2
//! for the patterns charts use. Replacement strings use `$1` / `${name}` as in Go.

use super::{FnResult, Reg, err, int, s};
use crate::helm::template::value::Val;

fn compile(p: &str) -> Result<regex::Regex, super::FnError> {
    regex::Regex::new(p)
        .or_else(|e| err(format!("error parsing regexp: {}: `{p}`", e.to_string().lines().last().unwrap_or(""))))
}

fn strs(v: Vec<&str>) -> Val {
    Val::list(v.into_iter().map(Val::str).collect())
}

pub(crate) fn register(r: &mut Reg) {
    for name in ["regexMatch", "mustRegexMatch"] {
        r.add(name, "ss", |_, a| Ok(Val::Bool(compile(s(&a[0]))?.is_match(s(&a[1])))));
    }
    for name in ["regexFindAll", "mustRegexFindAll"] {
        r.add(name, "ssi", find_all);
    }
    for name in ["regexFind", "mustRegexFind"] {
        r.add(name, "ss", |_, a| Ok(Val::str(compile(s(&a[0]))?.find(s(&a[1])).map_or("", |m| m.as_str()))));
    }
    for name in ["regexReplaceAll", "mustRegexReplaceAll"] {
        r.add(name, "sss", |_, a| Ok(Val::str(compile(s(&a[0]))?.replace_all(s(&a[1]), s(&a[2])).into_owned())));
    }
    for name in ["regexReplaceAllLiteral", "mustRegexReplaceAllLiteral"] {
        r.add(name, "sss", |_, a| {
            Ok(Val::str(compile(s(&a[0]))?.replace_all(s(&a[1]), regex::NoExpand(s(&a[2]))).into_owned()))
        });
    }
    for name in ["regexSplit", "mustRegexSplit"] {
        r.add(name, "ssi", split);
    }
    r.add("regexQuoteMeta", "s", |_, a| Ok(Val::str(regex::escape(s(&a[0])))));
}

fn find_all(_: &mut crate::helm::template::exec::Exec, a: Vec<Val>) -> FnResult {
    let re = compile(s(&a[0]))?;
    let n = int(&a[2]);
    let it = re.find_iter(s(&a[1])).map(|m| m.as_str());
    Ok(strs(if n < 0 { it.collect() } else { it.take(n as usize).collect() }))
}

/// Go's Regexp.Split: n < 0 all pieces, n == 0 none, else at most n.
fn split(_: &mut crate::helm::template::exec::Exec, a: Vec<Val>) -> FnResult {
    let re = compile(s(&a[0]))?;
    let text = s(&a[1]);
    let n = int(&a[2]);
    if n == 0 {
        return Ok(Val::list(Vec::new()));
    }
    if s(&a[0]).is_empty() && text.is_empty() {
        return Ok(strs(vec![""]));
    }
    let mut out = Vec::new();
    let mut beg = 0;
    for m in re.find_iter(text) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        if m.end() == 0 {
            continue;
        }
        out.push(&text[beg..m.start()]);
        beg = m.end();
    }
    out.push(&text[beg..]);
    Ok(strs(out))
}
