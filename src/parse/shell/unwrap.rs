//! Wrappers (`env`, `sudo`, `time`, `sh -c`, ...) a command runs through, stripped so argv[0]
//! is the program that really runs.

use super::lexer::assignment;
use super::parser::Arg;
use super::*;

/// Strips wrappers (`env`, `sudo`, `time`, ...) off `argv`, moving their assignments into `env`
/// and applying `env -i`/`-u` to `script_env`. Returns the inner script and its offset when the
/// real command is `sh -c SCRIPT` or `eval ...`. A wrapper with an option it does not know, or
/// with nothing after it, is left in place.
pub(super) fn unwrap(
    argv: &mut Vec<Arg>,
    env: &mut BTreeMap<String, String>,
    script_env: &mut BTreeMap<String, String>,
) -> Option<(String, usize)> {
    loop {
        let args: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
        let base = args.first()?.rsplit('/').next().unwrap_or("");
        let (skip, assigns) = match base {
            "env" => (strip_env(&args, env, script_env), true),
            "sudo" => (strip_sudo(&args), true),
            "time" => (skip_opts(&args, &["-p", "-v", "-q", "-a", "--verbose", "--portability"], &["-o", "-f"]), true),
            "exec" => (skip_opts(&args, &["-c", "-l", "-cl", "-lc"], &["-a"]), false),
            "nohup" => (skip_opts(&args, &[], &[]), false),
            "command" if !matches!(args.get(1), Some(&("-v" | "-V"))) => (skip_opts(&args, &["-p"], &[]), false),
            "nice" => (skip_opts(&args, &[], &["-n", "--adjustment"]), false),
            "timeout" => {
                let flags = ["--foreground", "--preserve-status", "-v", "--verbose"];
                (skip_opts(&args, &flags, &["-s", "-k", "--signal", "--kill-after"]).map(|i| i + 1), false)
            }
            "eval" if args.len() > 1 => return Some((args[1..].join(" "), argv[1].start)),
            b if SHELLS.contains(&b) => {
                let i = shell_script(&args)?;
                return Some((argv[i].text.clone(), argv[i].start));
            }
            _ => return None,
        };
        let mut i = skip?;
        let mut found = Vec::new();
        while assigns && let Some((name, value, _)) = args.get(i).and_then(|a| assignment(a, a)) {
            found.push((name, value.to_string()));
            i += 1;
        }
        if i >= argv.len() {
            return None;
        }
        env.extend(found);
        argv.drain(..i);
    }
}

/// Skips a wrapper's options: `flags` take no argument, `with_arg` take one (`-o x`, `--opt=x`).
/// Returns the index of the first non-option word, or `None` for an unknown option.
pub(super) fn skip_opts(args: &[&str], flags: &[&str], with_arg: &[&str]) -> Option<usize> {
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        let long_eq = |w: &&str| w.starts_with("--") && a.strip_prefix(*w).is_some_and(|r| r.starts_with('='));
        if a == "--" {
            return Some(i + 1);
        } else if flags.contains(&a) || with_arg.iter().any(long_eq) || is_number_opt(a) {
            i += 1;
        } else if with_arg.contains(&a) {
            i += 2;
        } else if a.starts_with('-') && a.len() > 1 {
            return None;
        } else {
            break;
        }
    }
    Some(i)
}

/// `-5` (as in `nice -5`).
pub(super) fn is_number_opt(a: &str) -> bool {
    a.strip_prefix('-').is_some_and(|r| !r.is_empty() && r.bytes().all(|c| c.is_ascii_digit()))
}

pub(super) fn strip_env(
    args: &[&str],
    env: &mut BTreeMap<String, String>,
    script: &mut BTreeMap<String, String>,
) -> Option<usize> {
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        let unset = match a {
            "-u" | "--unset" => args.get(i + 1).copied(),
            _ => a.strip_prefix("--unset=").or_else(|| a.strip_prefix("-u").filter(|s| !s.is_empty())),
        };
        if let Some(name) = unset {
            env.remove(name);
            script.remove(name);
            i += if a.contains('=') || a.len() > 2 && !a.starts_with("--") { 1 } else { 2 };
            continue;
        }
        match a {
            "-i" | "-" | "--ignore-environment" => {
                env.clear();
                script.clear();
                i += 1;
            }
            "-0" | "--null" | "-v" | "--debug" => i += 1,
            "-C" | "--chdir" => i += 2,
            "--" => return Some(i + 1),
            _ if a.starts_with("--chdir=") => i += 1,
            _ if a.starts_with('-') => return None,
            _ => break,
        }
    }
    Some(i)
}

pub(super) fn strip_sudo(args: &[&str]) -> Option<usize> {
    const WITH_ARG: &str = "ughprtCDRTU";
    const LONG_WITH_ARG: &str =
        " --user --group --host --prompt --role --type --close-from --chdir --chroot --other-user ";
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        if a == "--" {
            return Some(i + 1);
        } else if a.starts_with("--") && LONG_WITH_ARG.contains(&format!(" {a} ")) {
            i += 2;
        } else if a.starts_with("--") {
            i += 1;
        } else if a.len() == 2 && a.starts_with('-') && WITH_ARG.contains(&a[1..]) {
            i += 2;
        } else if a.starts_with('-') && a.len() > 1 {
            i += 1;
        } else {
            break;
        }
    }
    Some(i)
}

/// For `sh [options] -c SCRIPT ...`: the index of SCRIPT. Understands option clusters
/// (`-euxc`), `-o name`/`+o name` (also inside clusters: `-euo pipefail`) and long options.
pub(super) fn shell_script(args: &[&str]) -> Option<usize> {
    let (mut i, mut c) = (1, false);
    while let Some(&a) = args.get(i) {
        if a == "--" || a == "-" {
            i += 1;
            break;
        } else if a.starts_with("--") {
            i += if a == "--rcfile" || a == "--init-file" { 2 } else { 1 };
        } else if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            c |= a[1..].contains('c');
            i += 1 + a[1..].matches(['o', 'O']).count();
        } else {
            break;
        }
    }
    (c && i < args.len()).then_some(i)
}
