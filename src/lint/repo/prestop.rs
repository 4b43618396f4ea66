//! How long a container's `lifecycle.preStop` hook sleeps before the kubelet sends SIGTERM:
//! `sleep.seconds: N` (the sleep action), `exec.command: [sleep, N]`, or a shell script that is
//! a plain sequence of commands (`sh -c "sleep 5 && nginx -s quit"`), whose sleeps add up.
//! Anything else (an HTTP hook, a variable, a loop or a condition around the sleep) is not
//! known: `None`, which the rules take as no delay, so they never overstate the budget.

use serde_json::Value;

use crate::parse::shell::is_shell;

/// The seconds the hook sleeps, when statically known.
pub fn sleep_seconds(pre_stop: &Value) -> Value {
    seconds(pre_stop).map_or(Value::Null, |s| serde_json::json!(s))
}

fn seconds(pre_stop: &Value) -> Option<f64> {
    if let Some(n) = pre_stop["sleep"]["seconds"].as_f64() {
        return (n >= 0.0).then_some(n);
    }
    let argv: Vec<&str> = pre_stop["exec"]["command"].as_array()?.iter().map(Value::as_str).collect::<Option<_>>()?;
    let (prog, rest) = argv.split_first()?;
    if is_sleep(prog) {
        return sleep_args(rest);
    }
    if is_shell(prog) {
        let c = rest.iter().position(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('c'))?;
        return script_seconds(rest.get(c + 1)?);
    }
    None
}

fn is_sleep(prog: &str) -> bool {
    prog.rsplit('/').next() == Some("sleep")
}

/// The arguments of `sleep`: GNU sleep adds them up; each is a number with an optional
/// `s`/`m`/`h`/`d` suffix.
fn sleep_args(args: &[&str]) -> Option<f64> {
    if args.is_empty() {
        return None;
    }
    let mut total = 0.0;
    for a in args {
        let (num, unit) = match a.char_indices().last()? {
            (i, 's') => (&a[..i], 1.0),
            (i, 'm') => (&a[..i], 60.0),
            (i, 'h') => (&a[..i], 3600.0),
            (i, 'd') => (&a[..i], 86400.0),
            _ => (*a, 1.0),
        };
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let n: f64 = num.parse().ok()?;
        total += n * unit;
    }
    total.is_finite().then_some(total)
}

/// The sleeps of a script that is a plain sequence of simple commands (`;`, `&&`, newlines).
fn script_seconds(script: &str) -> Option<f64> {
    let complex = ["||", "|", "&", "$", "`", "(", ")", "{", "}", "<", ">"];
    let normalized = script.replace("&&", ";");
    if complex.iter().any(|c| normalized.contains(c)) {
        return None;
    }
    let mut total = 0.0;
    let mut any = false;
    for cmd in normalized.split([';', '\n']) {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        let Some((first, rest)) = words.split_first() else { continue };
        if matches!(*first, "if" | "then" | "else" | "elif" | "fi" | "while" | "until" | "for" | "do" | "done" | "case")
        {
            return None;
        }
        if is_sleep(first) {
            total += sleep_args(rest)?;
            any = true;
        }
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sleeps_of_every_hook_form() {
        let s = |v: Value| sleep_seconds(&v);
        assert_eq!(s(json!({"sleep": {"seconds": 10}})), json!(10.0));
        assert_eq!(s(json!({"exec": {"command": ["sleep", "15"]}})), json!(15.0));
        assert_eq!(s(json!({"exec": {"command": ["/bin/sleep", "1m"]}})), json!(60.0));
        assert_eq!(s(json!({"exec": {"command": ["sh", "-c", "sleep 5"]}})), json!(5.0));
        assert_eq!(
            s(json!({"exec": {"command": ["/bin/sh", "-ec", "sleep 5 && nginx -s quit; sleep 2s"]}})),
            json!(7.0)
        );
        assert_eq!(s(json!({"exec": {"command": ["bash", "-c", "sleep 5\nkill -TERM 1"]}})), json!(5.0));
    }

    #[test]
    fn unknown_sleeps_are_null() {
        let s = |v: Value| sleep_seconds(&v);
        for hook in [
            json!({"httpGet": {"path": "/drain", "port": 8080}}),
            json!({"exec": {"command": ["sleep", "$DELAY"]}}),
            json!({"exec": {"command": ["sleep"]}}),
            json!({"exec": {"command": ["sh", "-c", "while true; do sleep 1; done"]}}),
            json!({"exec": {"command": ["sh", "-c", "test -f /x || sleep 30"]}}),
            json!({"exec": {"command": ["sh", "-c", "if [ -f /x ]; then sleep 30; fi"]}}),
            json!({"exec": {"command": ["sh", "-c", "nginx -s quit"]}}),
            json!({"exec": {"command": ["/app", "drain"]}}),
            json!({"exec": {"command": "sleep 5"}}),
            json!({"sleep": {"seconds": "5"}}),
            json!(null),
        ] {
            assert_eq!(s(hook.clone()), Value::Null, "{hook}");
        }
    }
}
