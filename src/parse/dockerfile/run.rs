//! The simple commands a RUN (or CMD/ENTRYPOINT) executes: exec form, the shell form with its
//! `<<EOF` words blanked, and heredoc bodies a shell reads as its script.

use super::lines::RawInstr;
use crate::parse::pos::Pos;
use crate::parse::shell::{SimpleCommand, is_shell, split_script};

/// The simple commands a RUN executes, with file positions.
pub(super) fn run_commands(raw: &RawInstr, exec: Option<&[String]>) -> Vec<SimpleCommand> {
    let args_pos = raw.line.pos(raw.args_start);
    if let Some(argv) = exec {
        let is_c = |a: &String| a.starts_with('-') && !a.starts_with("--") && a.contains('c');
        if argv.len() >= 3 && is_shell(&argv[0]) && is_c(&argv[1]) {
            // Positions inside a JSON string are approximated by the start of the array.
            return split_script(&argv[2]).into_iter().map(|c| SimpleCommand { pos: args_pos, ..c }).collect();
        }
        // The command as a shell line (`go test ./...`, not the JSON array), for messages.
        let quote = |a: &String| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\|&;<>()*?".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        };
        let text = argv.iter().map(quote).collect::<Vec<_>>().join(" ");
        return vec![SimpleCommand::plain(argv.to_vec(), args_pos, text)];
    }
    // The command line, with the `<<EOF` words blanked out (columns are kept).
    let args = raw.args();
    let (mut cmdline, mut last) = (String::with_capacity(args.len()), 0);
    for d in &raw.docs {
        let (s, e) = (d.word.0.wrapping_sub(raw.args_start), d.word.1.wrapping_sub(raw.args_start));
        if s < last || e > args.len() || s > e {
            continue;
        }
        cmdline.push_str(&args[last..s]);
        cmdline.extend(args[s..e].chars().map(|_| ' '));
        last = e;
    }
    cmdline.push_str(&args[last..]);
    let base = raw.line.chars_before[raw.args_start];
    let mut cmds: Vec<SimpleCommand> = split_script(&cmdline)
        .into_iter()
        .map(|c| {
            let pos = if c.pos.line == 1 { raw.line.pos_at_char(base + c.pos.col.saturating_sub(1)) } else { args_pos };
            SimpleCommand { pos, ..c }
        })
        .collect();
    let script = if cmdline.trim().is_empty() {
        // `RUN <<EOF`: the body is the script, unless a shebang names another interpreter.
        match raw.docs.as_slice() {
            [d] if shebang_is_shell(&d.public.body) => Some(d),
            _ => None,
        }
    } else if let [c] = cmds.as_slice()
        && shell_reads_stdin(&c.argv)
    {
        raw.docs.iter().rev().find(|d| d.fd.unwrap_or(0) == 0)
    } else {
        None
    };
    if let Some(d) = script {
        cmds.extend(split_script(&d.public.body).into_iter().map(|c| {
            let tabs = d.tabs.get(c.pos.line.saturating_sub(1) as usize).copied().unwrap_or(0);
            SimpleCommand { pos: Pos::new(d.public.pos.line + c.pos.line.saturating_sub(1), c.pos.col + tabs), ..c }
        }));
    }
    cmds
}

fn shebang_is_shell(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else { return true };
    let mut words = line.split_whitespace();
    let prog = words.next().unwrap_or("");
    let prog = if prog.ends_with("/env") { words.find(|w| !w.starts_with('-')).unwrap_or("") } else { prog };
    is_shell(prog)
}

/// `sh`, `bash -e`, `bash -o pipefail`: a shell reading its script from stdin.
fn shell_reads_stdin(argv: &[String]) -> bool {
    let Some((_, rest)) = argv.split_first().filter(|(p, _)| is_shell(p)) else { return false };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "+o" => {
                it.next();
            }
            "-s" | "--" => break,
            a if a.starts_with("--") => {}
            a if a.starts_with(['-', '+']) => {
                if a.contains('c') {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}
