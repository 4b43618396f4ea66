use super::*;

fn argvs(script: &str) -> Vec<Vec<String>> {
    split_script(script).into_iter().map(|c| c.argv).collect()
}

fn one(script: &str) -> SimpleCommand {
    let mut cmds = split_script(script);
    assert_eq!(cmds.len(), 1, "{cmds:#?}");
    cmds.remove(0)
}

fn v(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn echo_of_go_test_is_an_echo() {
    assert_eq!(argvs(r#"echo "go test ./...""#), [v(&["echo", "go test ./..."])]);
    assert_eq!(argvs("echo 'go test' go\\ test"), [v(&["echo", "go test", "go test"])]);
    assert_eq!(argvs("printf '%s\\n' \"a\\\"b\" \"\\x\""), [v(&["printf", "%s\\n", "a\"b", "\\x"])]);
}

#[test]
fn operators_separate_commands() {
    let got = argvs("go vet ./... && go test ./... || echo fail; make a | tee out & wait\ngo build");
    let want = [
        v(&["go", "vet", "./..."]),
        v(&["go", "test", "./..."]),
        v(&["echo", "fail"]),
        v(&["make", "a"]),
        v(&["tee", "out"]),
        v(&["wait"]),
        v(&["go", "build"]),
    ];
    assert_eq!(got, want);
    // Operators inside words are not operators.
    assert_eq!(argvs("echo 'a && b' a\\;b \"x|y\""), [v(&["echo", "a && b", "a;b", "x|y"])]);
}

#[test]
fn comments_are_skipped_but_hash_inside_words_is_not_a_comment() {
    assert_eq!(argvs("# go test\ngo build # go test\necho a#b '#c'"), [v(&["go", "build"]), v(&["echo", "a#b", "#c"])]);
}

#[test]
fn inline_assignments_go_to_env_not_argv() {
    let c = one("CGO_ENABLED=0 GOOS=linux go build -o bin/app .");
    assert_eq!(c.argv, v(&["go", "build", "-o", "bin/app", "."]));
    assert_eq!(c.env, map(&[("CGO_ENABLED", "0"), ("GOOS", "linux")]));
    assert!(c.script_env.is_empty());
    // Catches not: an assignment-looking argument after the command word is an argument.
    let c = one("go build CGO_ENABLED=0");
    assert_eq!(c.argv, v(&["go", "build", "CGO_ENABLED=0"]));
    assert!(c.env.is_empty());
    // A quoted name is not an assignment.
    assert_eq!(one("'A'=1 go build").argv, v(&["A=1", "go", "build"]));
    assert_eq!(one("A=\"x y\" go").env, map(&[("A", "x y")]));
}

#[test]
fn export_and_plain_assignment_reach_later_commands() {
    let cmds = split_script("export CGO_ENABLED=0\nGOFLAGS=-mod=vendor; go test -race ./...");
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[0].argv, v(&["export", "CGO_ENABLED=0"]));
    assert!(cmds[0].script_env.is_empty(), "only variables set earlier");
    assert_eq!(cmds[1].argv, v(&["go", "test", "-race", "./..."]));
    assert_eq!(cmds[1].script_env, map(&[("CGO_ENABLED", "0"), ("GOFLAGS", "-mod=vendor")]));
    assert!(cmds[1].env.is_empty());
    // unset removes; inline assignments do not persist.
    let cmds = split_script("export A=1 B=2; unset A; C=3 true; go test");
    assert_eq!(cmds[2].script_env, map(&[("B", "2")]));
    assert_eq!(cmds[3].script_env, map(&[("B", "2")]));
    // A subshell's exports stay inside it.
    let cmds = split_script("(export A=1; go a); go b");
    assert_eq!(cmds[1].script_env, map(&[("A", "1")]));
    assert!(cmds[2].script_env.is_empty());
}

#[test]
fn env_and_other_wrappers_are_stripped() {
    let c = one("env -u GOFLAGS CGO_ENABLED=0 go build");
    assert_eq!((c.argv, c.env), (v(&["go", "build"]), map(&[("CGO_ENABLED", "0")])));
    let c = one("/usr/bin/env -i PATH=/bin CGO_ENABLED=1 go test -race");
    assert_eq!(c.argv, v(&["go", "test", "-race"]));
    assert_eq!(c.env, map(&[("CGO_ENABLED", "1"), ("PATH", "/bin")]));
    let cmds = split_script("export CGO_ENABLED=0 X=1; env -i go build; env -u X go vet");
    assert!(cmds[1].script_env.is_empty());
    assert_eq!(cmds[2].script_env, map(&[("CGO_ENABLED", "0")]));
    assert_eq!(one("sudo -E -u root A=1 nohup go test").argv, v(&["go", "test"]));
    assert_eq!(one("time -p exec -a x command -p nice -n 5 timeout -s KILL 10m go test").argv, v(&["go", "test"]));
    assert_eq!(one("time CGO_ENABLED=0 go build").env, map(&[("CGO_ENABLED", "0")]));
    // Catches not: lookups and other tools stay as they are.
    assert_eq!(one("command -v go").argv, v(&["command", "-v", "go"]));
    assert_eq!(one("xargs go test").argv, v(&["xargs", "go", "test"]));
    assert_eq!(one("env").argv, v(&["env"]));
    assert_eq!(one("env A=1").argv, v(&["env", "A=1"]));
    assert_eq!(one("env --weird go").argv, v(&["env", "--weird", "go"]));
    assert_eq!(one("/usr/local/go/bin/go test").argv, v(&["/usr/local/go/bin/go", "test"]));
}

#[test]
fn sh_c_scripts_are_split_recursively() {
    let cmds = split_script("echo hi\nCGO_ENABLED=0 bash -euo pipefail -c 'go vet ./... && go test ./...' arg0");
    let got: Vec<_> = cmds.iter().map(|c| (c.argv.clone(), c.pos)).collect();
    assert_eq!(
        got,
        [
            (v(&["echo", "hi"]), Pos::new(1, 1)),
            (v(&["go", "vet", "./..."]), Pos::new(2, 37)),
            (v(&["go", "test", "./..."]), Pos::new(2, 37)),
        ]
    );
    assert_eq!(cmds[2].script_env, map(&[("CGO_ENABLED", "0")]));
    assert_eq!(cmds[2].text, "go test ./...");
    assert_eq!(argvs(r#"/bin/sh -c "go test ./...""#), [v(&["go", "test", "./..."])]);
    assert_eq!(argvs("sh -ec \"sh -c 'go test'\""), [v(&["go", "test"])]);
    assert_eq!(argvs("eval go test ./..."), [v(&["go", "test", "./..."])]);
    // Catches not: `sh script.sh` runs a file, `sh -c` without a script is left alone.
    assert_eq!(
        argvs("sh ./test.sh; bash -x run.sh; sh -c"),
        [v(&["sh", "./test.sh"]), v(&["bash", "-x", "run.sh"]), v(&["sh", "-c"])]
    );
}

#[test]
fn continuations_keep_the_start_line() {
    let cmds = split_script("echo a\ngo test \\\n    -timeout 30s \\\n  ./...\ngo build");
    assert_eq!(cmds[1].argv, v(&["go", "test", "-timeout", "30s", "./..."]));
    assert_eq!(cmds[1].pos, Pos::new(2, 1));
    assert_eq!(cmds[1].text, "go test -timeout 30s ./...");
    assert_eq!(cmds[2].pos, Pos::new(5, 1));
    // Inside a word the continuation disappears.
    assert_eq!(one("go te\\\nst").argv, v(&["go", "test"]));
}

#[test]
fn positions_are_one_based_lines_and_character_columns() {
    let cmds = split_script("  é=1 go test; \tgo vet\n\n   go build");
    let pos: Vec<_> = cmds.iter().map(|c| c.pos).collect();
    assert_eq!(pos, [Pos::new(1, 3), Pos::new(1, 17), Pos::new(3, 4)]);
}

#[test]
fn substitutions_stay_single_literal_words() {
    let c = one(
        r#"go build -ldflags "-X main.v=$(git describe --tags)" -o ${OUT:-bin/x y} `go env GOPATH`/x $(( 1 + 2 ))"#,
    );
    assert_eq!(
        c.argv,
        v(&[
            "go",
            "build",
            "-ldflags",
            "-X main.v=$(git describe --tags)",
            "-o",
            "${OUT:-bin/x y}",
            "`go env GOPATH`/x",
            "$(( 1 + 2 ))"
        ])
    );
    // A substitution is not split into commands (its commands only produce a word).
    assert_eq!(argvs("echo $(go test ./... | tee x)"), [v(&["echo", "$(go test ./... | tee x)"])]);
    assert_eq!(one("echo $'a\\tb' $\"c d\"").argv, v(&["echo", "a\tb", "c d"]));
}

#[test]
fn control_structures_expose_their_commands() {
    let script = "if go test ./...; then echo ok; elif ! go vet; then :; else exit 1; fi\n\
                  while read -r p; do go test \"$p\"; done < pkgs\n\
                  until false; do break; done\n\
                  for p in $(go list ./...); do go test -timeout 1m $p; done\n\
                  for ((i=0; i<3; i++)); do go build; done\n\
                  [[ -n $CI && $X < 3 ]] && go test -race\n\
                  { go a; go b; } > log 2>&1\n\
                  ( cd x && go c )\n\
                  f() { go d; }\n\
                  function g { go e; }";
    let got = argvs(script);
    let want = [
        v(&["go", "test", "./..."]),
        v(&["echo", "ok"]),
        v(&["go", "vet"]),
        v(&[":"]),
        v(&["exit", "1"]),
        v(&["read", "-r", "p"]),
        v(&["go", "test", "$p"]),
        v(&["false"]),
        v(&["break"]),
        v(&["go", "test", "-timeout", "1m", "$p"]),
        v(&["go", "build"]),
        v(&["go", "test", "-race"]),
        v(&["go", "a"]),
        v(&["go", "b"]),
        v(&["cd", "x"]),
        v(&["go", "c"]),
        v(&["go", "d"]),
        v(&["go", "e"]),
    ];
    assert_eq!(got, want);
    // Catches not: reserved words are only reserved in command position or unquoted.
    assert_eq!(argvs("echo if then fi; 'if' x"), [v(&["echo", "if", "then", "fi"]), v(&["if", "x"])]);
}

#[test]
fn case_branches_count_patterns_do_not() {
    let script =
        "case \"$1\" in\n  test|t) go test ./... ;;\n  (build) go build;;\n  *) echo \"go test\"\nesac\ngo vet";
    let want = [v(&["go", "test", "./..."]), v(&["go", "build"]), v(&["echo", "go test"]), v(&["go", "vet"])];
    assert_eq!(argvs(script), want);
}

#[test]
fn heredoc_bodies_are_skipped() {
    let script =
        "cat <<EOF > x.go\ngo test ./...\nEOF\ncat <<-'END' | sh\n\tgo build\n\tEND\ngo vet\ncat <<< \"go test\"";
    assert_eq!(argvs(script), [v(&["cat"]), v(&["cat"]), v(&["sh"]), v(&["go", "vet"]), v(&["cat"])]);
    let cmds = split_script(script);
    assert_eq!(cmds[3].pos, Pos::new(7, 1));
    // Catches not: `<<` inside quotes is no heredoc; an unterminated heredoc eats the rest.
    assert_eq!(argvs("echo '<<EOF'\ngo test"), [v(&["echo", "<<EOF"]), v(&["go", "test"])]);
    assert_eq!(argvs("cat <<EOF\ngo test"), [v(&["cat"])]);
}

#[test]
fn redirections_are_not_argv_words() {
    let c = one("go test ./... >out.txt 2>&1 <in 3>>log &>all >| f");
    assert_eq!(c.argv, v(&["go", "test", "./..."]));
    assert_eq!(c.text, "go test ./... >out.txt 2>&1 <in 3>>log &>all >| f");
    assert_eq!(one(">log go build").argv, v(&["go", "build"]));
    // Catches not: a number not touching `>` is an argument.
    assert_eq!(one("echo 2 > x").argv, v(&["echo", "2"]));
    assert_eq!(one("diff <(go list) >(cat)").argv, v(&["diff", "<(go list)", ">(cat)"]));
}

#[test]
fn tolerant_of_broken_and_templated_scripts() {
    assert_eq!(argvs("echo \"unterminated\ngo test"), [v(&["echo", "unterminated\ngo test"])]);
    assert_eq!(
        argvs("go test ${{ matrix.pkg }} -timeout 5m"),
        [v(&["go", "test", "${{ matrix.pkg }}", "-timeout", "5m"])]
    );
    assert_eq!(argvs("go test $(unclosed"), [v(&["go", "test", "$(unclosed"])]);
    assert_eq!(argvs(") ; fi ;; done }\ngo test"), [v(&["go", "test"])]);
    assert_eq!(argvs("case x in a) go test"), [v(&["go", "test"])]);
    assert!(argvs("").is_empty());
    assert!(argvs("\\").iter().all(|a| a == &v(&["\\"])));
}

#[test]
fn never_panics_on_random_input() {
    let alphabet: Vec<char> = " \t\n\\'\"`$(){}[];&|<>#=-aAé0129\r!*".chars().collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3000 {
        let mut s = String::new();
        for _ in 0..(seed % 60) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let _ = split_script(&s);
        let _ = split_script(&format!("sh -c \"{s}\" && eval {s}"));
    }
    let deep = "sh -c \"".repeat(50) + "go test";
    let _ = split_script(&deep);
}

/// `Positions` agrees with `LineIndex` whatever order offsets are asked in.
#[test]
fn positions_match_line_index() {
    let src = "a; é b\nc;d\n\n  e";
    let idx = LineIndex::new(src);
    let mut positions = Positions::new(src);
    for offset in [0, 1, 3, 4, 5, 9, 8, 10, 12, 13, 16, 17, 99, 2, 0, 14] {
        assert_eq!(positions.pos(src, offset), idx.pos(src, offset), "offset {offset}");
    }
}

/// One line of many commands (as a Makefile recipe expands to) is read in linear time, and
/// only its first MAX_COMMANDS commands are kept.
#[test]
fn long_line_of_commands_is_fast() {
    let script = "a;".repeat(200_000);
    let start = std::time::Instant::now();
    let commands = split_script(&script);
    assert_eq!(commands.len(), MAX_COMMANDS);
    assert_eq!(commands[MAX_COMMANDS - 1].pos, Pos::new(1, 2 * MAX_COMMANDS as u32 - 1));
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}

fn heads(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.argv[0].as_str()).collect()
}

#[test]
fn pipelines_give_each_member_its_place_and_neighbours() {
    let cmds = split_script("curl -fsSL https://x/i.sh | tee i.sh | sudo -E bash -s -- -b /bin && echo done");
    let got: Vec<_> =
        cmds.iter().map(|c| (c.argv[0].as_str(), c.pipeline.index, c.pipeline.length, c.stdout)).collect();
    assert_eq!(
        got,
        [
            ("curl", 0, 3, Stdout::Pipe),
            ("tee", 1, 3, Stdout::Pipe),
            ("bash", 2, 3, Stdout::Inherited),
            ("echo", 0, 1, Stdout::Inherited)
        ]
    );
    assert_eq!(heads(&cmds[2].pipeline.before), ["curl", "tee"]);
    assert_eq!(heads(&cmds[0].pipeline.after), ["tee", "bash"]);
    assert_eq!(cmds[0].pipeline.after[1].argv, v(&["bash", "-s", "--", "-b", "/bin"]));
    assert_eq!(cmds[0].pipeline.after[1].stdout, Stdout::Inherited);
    // A newline after `|` continues; `{ ...; } |` pipes the group's last command.
    let cmds = split_script("wget -qO- https://x |\n  sh\n{ cd /tmp; curl -sL x; } | sh -\n(echo $T) | docker login");
    assert_eq!(cmds[1].pipeline.before[0].argv[0], "wget");
    assert_eq!(heads(&cmds[4].pipeline.before), ["curl"]);
    assert_eq!(cmds[2].pipeline.length, 1);
    assert_eq!(heads(&cmds[5].pipeline.after), ["docker"]);
    // An `sh -c` member is a member as written; its own commands form their own pipelines.
    let cmds = split_script("echo $T | sh -c 'cat > f; wc -l f'");
    assert_eq!(cmds[0].pipeline.after[0].argv, v(&["sh", "-c", "cat > f; wc -l f"]));
    assert_eq!(cmds[0].stdout, Stdout::Pipe);
    assert_eq!((cmds[1].argv[0].as_str(), cmds[1].pipeline.length, cmds[1].stdout), ("cat", 1, Stdout::File));
}

#[test]
fn redirections_say_where_stdout_goes() {
    let c = one("echo \"$TOKEN\" >> \"$GITHUB_ENV\"");
    assert_eq!(c.redirects, [Redirect { fd: 1, op: ">>".into(), target: "$GITHUB_ENV".into() }]);
    assert_eq!(c.stdout, Stdout::File);
    assert_eq!(one("echo x >/dev/null 2>&1").stdout, Stdout::Null);
    assert_eq!(one("echo x 2>/dev/null").stdout, Stdout::Inherited);
    assert_eq!(one("echo x >&2").stdout, Stdout::Stderr);
    assert_eq!(one("go test &> log").stdout, Stdout::File);
    let c = one("cat 3< in 2>&1 <<< \"$X\"");
    let fds: Vec<_> = c.redirects.iter().map(|r| (r.fd, r.op.as_str(), r.target.as_str())).collect();
    assert_eq!(fds, [(3, "<", "in"), (2, ">&", "1"), (0, "<<<", "$X")]);
    // A redirection wins over the pipe.
    assert_eq!(split_script("echo x > f | cat")[0].stdout, Stdout::File);
}

#[test]
fn substitutions_carry_the_commands_they_run() {
    let c = one("bash <(curl -fsSL https://x/install.sh)");
    assert_eq!(c.argv, v(&["bash", "<(curl -fsSL https://x/install.sh)"]));
    let s = &c.substitutions[0];
    assert_eq!((s.kind.as_str(), s.word, s.whole), ("<(", Some(1), true));
    assert_eq!(s.commands[0].argv, v(&["curl", "-fsSL", "https://x/install.sh"]));
    // `sh -c "$(curl ...)"`: the inner script is one command that is a substitution.
    let c = one("sudo sh -c \"$(curl -fsSL https://x/i.sh)\" -- -y");
    assert_eq!(c.argv, v(&["$(curl -fsSL https://x/i.sh)"]));
    assert_eq!((c.substitutions[0].word, c.substitutions[0].whole), (Some(0), true));
    assert_eq!(c.substitutions[0].commands[0].argv[0], "curl");
    // Backticks, a substitution inside a longer word, a pipeline inside, a redirection target.
    let c = one("echo \"v=`git describe`\" $(curl -s x | jq -r .url) < <(wget -qO- y)");
    let got: Vec<_> = c.substitutions.iter().map(|s| (s.kind.as_str(), s.word, s.redirect, s.whole)).collect();
    assert_eq!(got, [("`", Some(1), None, false), ("$(", Some(2), None, true), ("<(", None, Some(0), true)]);
    assert_eq!(c.substitutions[1].commands[0].pipeline.after[0].argv[0], "jq");
    assert_eq!(c.substitutions[2].commands[0].argv[0], "wget");
    // Catches not: single quotes, arithmetic and `${...}` are no substitutions.
    assert!(one("echo '$(curl x)' $((1 + 2)) ${A:-b}").substitutions.is_empty());
    // Assignments keep theirs (word is null); wrappers shift the word index.
    let c = one("A=$(curl x) env B=1 sh <(curl y)");
    assert_eq!(c.substitutions.iter().map(|s| s.word).collect::<Vec<_>>(), [None, Some(1)]);
}

#[test]
fn expansions_name_the_variables_a_command_reads() {
    let c = one("echo \"$TOKEN\" ${API_KEY:+set} ${#PASSWORD} '$SECRET' \\$NOT $1 x=${{ secrets.X }}");
    let got: Vec<_> = c.expansions.iter().map(|e| (e.name.as_str(), e.op.as_str(), e.word)).collect();
    assert_eq!(got, [("TOKEN", "", Some(1)), ("API_KEY", ":+", Some(2)), ("PASSWORD", "length", Some(3))]);
    let c = one("X=$A printf '%s' \"${B}\" > \"$OUT\"");
    let got: Vec<_> = c.expansions.iter().map(|e| (e.name.as_str(), e.word)).collect();
    assert_eq!(got, [("A", None), ("B", Some(2)), ("OUT", None)]);
}

#[test]
fn set_x_traces_the_commands_after_it() {
    let cmds = split_script("echo a\nset -euxo pipefail\necho b\n(set +x; echo c)\necho d\nset +o xtrace\necho e");
    let got: Vec<_> = cmds.iter().map(|c| (c.argv.join(" "), c.xtrace)).collect();
    let want = [
        ("echo a", false),
        ("set -euxo pipefail", false),
        ("echo b", true),
        ("set +x", true),
        ("echo c", false),
        ("echo d", true),
        ("set +o xtrace", true),
        ("echo e", false),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b)));
    assert!(one("bash -xc 'echo $T'").xtrace);
    assert!(!one("bash -c 'echo $T'").xtrace);
    assert!(split_script("set -o xtrace; eval echo x")[1].xtrace);
    assert!(!split_script("set -e; set -- -x; echo")[2].xtrace);
}
