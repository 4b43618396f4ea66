//! Helm's own template functions (pkg/engine/funcs.go and engine.go): include, tpl, required,
//! fail, lookup, and the sprig functions Helm keeps but that this engine cannot run (sprig's
//! crypto functions are in crypto.rs).

use super::{FnError, Reg, s};
use crate::helm::template::ErrorKind;
use crate::helm::template::value::Val;

pub(crate) fn register(r: &mut Reg) {
    r.add("include", "sa", |ex, a| {
        let mut a = a.into_iter();
        let name = a.next().unwrap_or(Val::Nil);
        let data = a.next().unwrap_or(Val::Nil);
        ex.include(s(&name), data).map(Val::str)
    });
    r.add("tpl", "sa", |ex, a| {
        let mut a = a.into_iter();
        let src = a.next().unwrap_or(Val::Nil);
        let data = a.next().unwrap_or(Val::Nil);
        ex.tpl(s(&src), data).map(Val::str)
    });
    r.add("required", "sa", |_, a| match &a[1] {
        Val::Nil => Err(FnError::Msg(ErrorKind::Required, s(&a[0]).to_string())),
        Val::Str(v) if v.is_empty() => Err(FnError::Msg(ErrorKind::Required, s(&a[0]).to_string())),
        v => Ok(v.clone()),
    });
    r.add("fail", "s", |_, a| Err(FnError::Msg(ErrorKind::Fail, s(&a[0]).to_string())));
    r.add("lookup", "ssss", |_, _| Ok(Val::empty_map()));
    r.add("getHostByName", "s", |_, _| Ok(Val::str("")));
    macro_rules! unsupported {
        ($($name:literal $sig:literal),* $(,)?) => {
            $(r.add($name, $sig, |_, _| Err(FnError::Msg(
                ErrorKind::UnknownFunction,
                concat!("function \"", $name, "\" is not supported by paved's template engine").to_string(),
            )));)*
        };
    }
    unsupported!("urlParse" "s", "urlJoin" "m", "durationRound" "a");
}
