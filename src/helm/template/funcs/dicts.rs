//! sprig's dict functions (dict.go), merge semantics of dario.cat/mergo, and the defaults and
//! reflection helpers (defaults.go, reflect.go).

use std::rc::Rc;

use super::{FnResult, Reg, err, s, strval};
use crate::helm::template::exec::Exec;
use crate::helm::template::value::{MAX_VALUE_DEPTH, MapRef, Val};

pub(crate) fn register(r: &mut Reg) {
    r.add("dict", "a*", |_, a| {
        let mut m = std::collections::BTreeMap::new();
        for pair in a.chunks(2) {
            m.insert(strval(&pair[0]), pair.get(1).cloned().unwrap_or_else(|| Val::str("")));
        }
        Ok(Val::map(m))
    });
    r.add("get", "ms", |_, a| {
        Ok(with_map(&a[0], |m| m.borrow().get(s(&a[1])).cloned()).flatten().unwrap_or(Val::str("")))
    });
    r.add("set", "msa", |_, a| {
        if let Val::Map(m) = &a[0] {
            m.borrow_mut().insert(s(&a[1]).to_string(), a[2].clone());
        }
        Ok(a[0].clone())
    });
    r.add("unset", "ms", |_, a| {
        if let Val::Map(m) = &a[0] {
            m.borrow_mut().remove(s(&a[1]));
        }
        Ok(a[0].clone())
    });
    r.add("hasKey", "ms", |_, a| {
        Ok(Val::Bool(with_map(&a[0], |m| m.borrow().contains_key(s(&a[1]))).unwrap_or(false)))
    });
    r.add("pluck", "sm*", |_, a| {
        let key = s(&a[0]);
        Ok(Val::list(a[1..].iter().filter_map(|d| with_map(d, |m| m.borrow().get(key).cloned()).flatten()).collect()))
    });
    r.add("keys", "m*", |_, a| {
        let mut out = Vec::new();
        for d in &a {
            if let Some(ks) = with_map(d, |m| m.borrow().keys().cloned().collect::<Vec<_>>()) {
                out.extend(ks.into_iter().map(Val::str));
            }
        }
        Ok(Val::list(out))
    });
    r.add("values", "m", |_, a| {
        Ok(Val::list(with_map(&a[0], |m| m.borrow().values().cloned().collect()).unwrap_or_default()))
    });
    r.add("pick", "ms*", |_, a| {
        let entries = with_map(&a[0], Val::map_entries).unwrap_or_default();
        let keys: Vec<&str> = a[1..].iter().map(s).collect();
        Ok(Val::map(entries.into_iter().filter(|(k, _)| keys.contains(&k.as_str())).collect()))
    });
    r.add("omit", "ms*", |_, a| {
        let entries = with_map(&a[0], Val::map_entries).unwrap_or_default();
        let keys: Vec<&str> = a[1..].iter().map(s).collect();
        Ok(Val::map(entries.into_iter().filter(|(k, _)| !keys.contains(&k.as_str())).collect()))
    });
    for (name, overwrite) in
        [("merge", false), ("mustMerge", false), ("mergeOverwrite", true), ("mustMergeOverwrite", true)]
    {
        let f: super::FnImpl = if overwrite { |ex, a| merge(ex, a, true) } else { |ex, a| merge(ex, a, false) };
        r.add(name, "mm*", f);
    }
    r.add("deepCopy", "a", |_, a| Ok(a[0].deep_copy()));
    r.add("mustDeepCopy", "a", |_, a| Ok(a[0].deep_copy()));
    r.add("dig", "a*", dig);
    // Defaults.
    r.add("default", "aa*", |_, a| Ok(if a.len() < 2 || !a[1].truthy() { a[0].clone() } else { a[1].clone() }));
    r.add("empty", "a", |_, a| Ok(Val::Bool(!a[0].truthy())));
    r.add("coalesce", "a*", |_, a| Ok(a.into_iter().find(Val::truthy).unwrap_or(Val::Nil)));
    r.add("all", "a*", |_, a| Ok(Val::Bool(a.iter().all(Val::truthy))));
    r.add("any", "a*", |_, a| Ok(Val::Bool(a.iter().any(Val::truthy))));
    r.add("ternary", "aab", |_, a| Ok(if matches!(a[2], Val::Bool(true)) { a[0].clone() } else { a[1].clone() }));
    // Reflection.
    r.add("typeOf", "a", |_, a| Ok(Val::str(a[0].type_name())));
    r.add("typeIs", "sa", |_, a| Ok(Val::Bool(s(&a[0]) == a[1].type_name())));
    r.add("typeIsLike", "sa", |_, a| {
        let t = a[1].type_name();
        Ok(Val::Bool(s(&a[0]) == t || s(&a[0]) == format!("*{t}")))
    });
    r.add("kindOf", "a", |_, a| Ok(Val::str(a[0].kind_name())));
    r.add("kindIs", "sa", |_, a| Ok(Val::Bool(s(&a[0]) == a[1].kind_name())));
    r.add("deepEqual", "aa", |_, a| Ok(Val::Bool(a[0].deep_equal(&a[1]))));
}

fn with_map<R>(v: &Val, f: impl FnOnce(&MapRef) -> R) -> Option<R> {
    if let Val::Map(m) = v { Some(f(m)) } else { None }
}

fn merge(_: &mut Exec, a: Vec<Val>, overwrite: bool) -> FnResult {
    let Val::Map(dst) = &a[0] else { return Ok(a[0].clone()) };
    for src in &a[1..] {
        if let Val::Map(src) = src
            && !Rc::ptr_eq(dst, src)
        {
            merge_into(dst, src, overwrite, 0);
        }
    }
    Ok(a[0].clone())
}

/// mergo's map merge: fills keys missing or empty (false, 0, "", empty collections) in `dst`,
/// recursing into maps present on both sides; `overwrite` replaces non-empty values too.
fn merge_into(dst: &MapRef, src: &MapRef, overwrite: bool, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        return;
    }
    for (k, sv) in Val::map_entries(src) {
        let dv = dst.borrow().get(&k).cloned();
        if sv.is_nil() {
            if overwrite {
                dst.borrow_mut().insert(k, Val::Nil);
            }
            continue;
        }
        if let (Val::Map(sm), Some(Val::Map(dm))) = (&sv, &dv)
            && !Rc::ptr_eq(sm, dm)
        {
            merge_into(dm, sm, overwrite, depth + 1);
        }
        if let Some(d) = &dv
            && d.truthy()
        {
            if matches!(sv, Val::List(_)) {
                if overwrite {
                    dst.borrow_mut().insert(k, sv);
                }
                continue;
            }
            if matches!((d, &sv), (Val::Map(_), Val::Map(_))) {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(|d| !d.truthy()) {
            dst.borrow_mut().insert(k, sv);
        }
    }
}

fn dig(_: &mut Exec, a: Vec<Val>) -> FnResult {
    if a.len() < 3 {
        return err("dig needs at least three arguments");
    }
    let Val::Map(dict) = &a[a.len() - 1] else {
        return err(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            a[a.len() - 1].type_name()
        ));
    };
    let default = a[a.len() - 2].clone();
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k {
            Val::Str(s) => keys.push(s.clone()),
            v => return err(format!("interface conversion: interface {{}} is {}, not string", v.type_name())),
        }
    }
    let mut cur = dict.clone();
    for (i, k) in keys.iter().enumerate() {
        let step = cur.borrow().get(k.as_ref()).cloned();
        let Some(step) = step else { return Ok(default) };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        match step {
            Val::Map(m) => cur = m,
            v => {
                let t = if v.is_nil() { "nil".to_string() } else { v.type_name() };
                return err(format!("interface conversion: interface {{}} is {t}, not map[string]interface {{}}"));
            }
        }
    }
    Ok(default)
}
