//! sprig's list functions (list.go). Non-`must` variants fail the same way as the `must` ones:
//! sprig panics and text/template turns the panic into an error.

use super::{FnError, FnResult, Reg, check_size, err, int, strval, to_i64};
use crate::helm::template::exec::Exec;
use crate::helm::template::value::{Entries, Val};

pub(crate) fn register(r: &mut Reg) {
    r.add("list", "a*", |_, a| Ok(Val::list(a)));
    r.add("tuple", "a*", |_, a| Ok(Val::list(a)));
    for name in ["append", "push", "mustAppend", "mustPush"] {
        r.add(name, "aa", |_, a| {
            let mut l = items(&a[0], "Cannot push on type")?;
            l.push(a[1].clone());
            Ok(Val::list(l))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        r.add(name, "aa", |_, a| {
            let mut l = items(&a[0], "Cannot prepend on type")?;
            l.insert(0, a[1].clone());
            Ok(Val::list(l))
        });
    }
    for name in ["first", "mustFirst"] {
        r.add(name, "a", |_, a| Ok(items(&a[0], "Cannot find first on type")?.first().cloned().unwrap_or(Val::Nil)));
    }
    for name in ["last", "mustLast"] {
        r.add(name, "a", |_, a| Ok(items(&a[0], "Cannot find last on type")?.last().cloned().unwrap_or(Val::Nil)));
    }
    for name in ["rest", "mustRest"] {
        r.add(name, "a", |_, a| {
            let l = items(&a[0], "Cannot find rest on type")?;
            Ok(if l.is_empty() { Val::list(Vec::new()) } else { Val::list(l[1..].to_vec()) })
        });
    }
    for name in ["initial", "mustInitial"] {
        r.add(name, "a", |_, a| {
            let l = items(&a[0], "Cannot find initial on type")?;
            Ok(if l.is_empty() { Val::list(Vec::new()) } else { Val::list(l[..l.len() - 1].to_vec()) })
        });
    }
    for name in ["reverse", "mustReverse"] {
        r.add(name, "a", |_, a| {
            let mut l = items(&a[0], "Cannot find reverse on type")?;
            l.reverse();
            Ok(Val::list(l))
        });
    }
    for name in ["uniq", "mustUniq"] {
        r.add(name, "a", |_, a| {
            let mut out: Vec<Val> = Vec::new();
            for x in items(&a[0], "Cannot find uniq on type")? {
                if !out.iter().any(|y| y.deep_equal(&x)) {
                    out.push(x);
                }
            }
            Ok(Val::list(out))
        });
    }
    for name in ["compact", "mustCompact"] {
        r.add(name, "a", |_, a| {
            let l = items(&a[0], "Cannot compact on type")?;
            Ok(Val::list(l.into_iter().filter(Val::truthy).collect()))
        });
    }
    for name in ["without", "mustWithout"] {
        r.add(name, "aa*", |_, a| {
            let l = items(&a[0], "Cannot find without on type")?;
            Ok(Val::list(l.into_iter().filter(|x| !a[1..].iter().any(|o| o.deep_equal(x))).collect()))
        });
    }
    for name in ["has", "mustHas"] {
        r.add(name, "aa", |_, a| {
            if a[1].is_nil() {
                return Ok(Val::Bool(false));
            }
            let l = items(&a[1], "Cannot find has on type")?;
            Ok(Val::Bool(l.iter().any(|x| x.deep_equal(&a[0]))))
        });
    }
    // sprig's `slice` replaces Go's builtin of the same name in Helm's function map.
    for name in ["slice", "mustSlice"] {
        r.add(name, "aa*", sprig_slice);
    }
    r.add("concat", "a*", |_, a| {
        let mut out = Vec::new();
        for l in &a {
            match l {
                Val::List(x) => out.extend(x.iter().cloned()),
                Val::Nil => return err("runtime error: invalid memory address or nil pointer dereference"),
                v => return err(format!("Cannot concat type {} as list", v.kind_name())),
            }
        }
        Ok(Val::list(out))
    });
    for name in ["chunk", "mustChunk"] {
        r.add(name, "ia", |_, a| {
            let size = int(&a[0]);
            let l = items(&a[1], "Cannot chunk type")?;
            if size <= 0 {
                return err("runtime error: integer divide by zero");
            }
            Ok(Val::list(l.chunks(size as usize).map(|c| Val::list(c.to_vec())).collect()))
        });
    }
    r.add("until", "i", |ex, a| {
        let n = int(&a[0]);
        until_step(ex, 0, n, if n < 0 { -1 } else { 1 }).map(ints)
    });
    r.add("untilStep", "iii", |ex, a| until_step(ex, int(&a[0]), int(&a[1]), int(&a[2])).map(ints));
    r.add("seq", "i*", seq);
    r.add("sortAlpha", "a", |_, a| {
        let mut l = to_strings(&a[0]);
        l.sort();
        Ok(Val::list(l.into_iter().map(Val::str).collect()))
    });
    r.add("toStrings", "a", |_, a| Ok(Val::list(to_strings(&a[0]).into_iter().map(Val::str).collect())));
    r.add("join", "sa", |_, a| Ok(Val::str(to_strings(&a[1]).join(super::s(&a[0])))));
}

/// The elements of a slice argument (a list, a `[]byte` as ints, a host slice), or sprig's
/// "Cannot ... on type K" error.
fn items(v: &Val, what: &str) -> Result<Vec<Val>, FnError> {
    match v {
        Val::List(l) => Ok(l.as_ref().clone()),
        Val::Bytes(b) => Ok(b.iter().map(|x| Val::Int(i64::from(*x))).collect()),
        Val::Host(h) => match h.entries() {
            Some(Entries::List(items)) => Ok(items.iter().map(Val::from_public).collect()),
            _ => err(format!("{what} {}", v.kind_name())),
        },
        Val::Nil => err("runtime error: invalid memory address or nil pointer dereference"),
        v => err(format!("{what} {}", v.kind_name())),
    }
}

fn ints(v: Vec<i64>) -> Val {
    Val::list(v.into_iter().map(Val::Int).collect())
}

/// sprig's strslice: strings of a slice's elements (nils dropped), or a single value's string.
pub(crate) fn to_strings(v: &Val) -> Vec<String> {
    match v {
        Val::Nil => Vec::new(),
        v => match items(v, "") {
            Ok(l) => l.iter().filter(|x| !x.is_nil()).map(strval).collect(),
            Err(_) => vec![strval(v)],
        },
    }
}

fn until_step(ex: &Exec, start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FnError> {
    let count = if step == 0 || (stop < start && step > 0) || (stop >= start && step < 0) {
        0
    } else {
        (stop.abs_diff(start)).div_ceil(step.unsigned_abs())
    };
    check_size(ex, count)?;
    let mut v = Vec::with_capacity(count as usize);
    let mut i = start;
    while v.len() < count as usize {
        v.push(i);
        i = i.wrapping_add(step);
    }
    Ok(v)
}

fn seq(ex: &mut Exec, a: Vec<Val>) -> FnResult {
    let p: Vec<i64> = a.iter().map(int).collect();
    let list = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(ex, 1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(ex, *start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if end < start && *step > 0 {
                return Ok(Val::str(""));
            }
            until_step(ex, *start, end.wrapping_add(inc), *step)?
        }
        _ => return Ok(Val::str("")),
    };
    Ok(Val::str(list.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")))
}

fn sprig_slice(_: &mut Exec, a: Vec<Val>) -> FnResult {
    let l = items(&a[0], "list should be type of slice or array but")?;
    if l.is_empty() {
        return Ok(Val::Nil);
    }
    let start = a.get(1).map_or(0, to_i64);
    let end = a.get(2).map_or(l.len() as i64, to_i64);
    if start < 0 || end < start || end as usize > l.len() {
        return err(format!("reflect: slice index out of range [{start}:{end}]"));
    }
    let (start, end) = (start as usize, end as usize);
    // Slicing a []byte gives a []byte.
    if let Val::Bytes(b) = &a[0] {
        return Ok(Val::Bytes(b[start..end].into()));
    }
    Ok(Val::list(l[start..end].to_vec()))
}
