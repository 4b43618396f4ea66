//! Interpreting instructions: stages and their FROM, ARG/ENV/LABEL pairs, and the ARG/ENV
//! scoping Docker applies (globals before the first FROM, stage ARGs, ENV inherited by stages
//! built FROM another stage), with snapshots bounded by a budget.

use std::collections::{BTreeMap, HashMap};

use super::expand::expand;
use super::lines::{RawInstr, parse_exec, split_words};
use super::run::run_commands;
use super::{From, Instruction, KeyValue, Stage, User, parse_image_ref};
use crate::parse::pos::ParseError;

/// Entries plus key and value bytes of `maps` (counting stops past `cap`): what a snapshot of
/// them costs, so snapshots of a few huge values are bounded as well as of many small ones.
fn snapshot_cost(maps: &[&BTreeMap<String, String>], cap: usize) -> usize {
    let mut cost = 0;
    for (k, v) in maps.iter().flat_map(|m| m.iter()) {
        cost += 1 + k.len() + v.len();
        if cost > cap {
            break;
        }
    }
    cost
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) esc: char,
    pub(super) globals: BTreeMap<String, String>,
    pub(super) global_args: Vec<KeyValue>,
    pub(super) stages: Vec<Stage>,
    /// Lowercased stage name -> index (the first stage of that name).
    pub(super) names: HashMap<String, usize>,
    /// ENV at the end of each finished stage, for stages built FROM it.
    pub(super) final_env: Vec<BTreeMap<String, String>>,
    /// The current stage's ARG values and ENV.
    pub(super) args: BTreeMap<String, String>,
    pub(super) env: BTreeMap<String, String>,
    /// Map entries plus bytes left to copy into `Instruction::env` and inherited stages: keeps
    /// hostile input linear.
    pub(super) budget: usize,
}

impl Builder {
    pub(super) fn from(&mut self, raw: &RawInstr) -> Result<(), ParseError> {
        let args = raw.args();
        let words = split_words(args, '\0');
        let Some(&(s, e)) = words.first() else {
            return Err(ParseError::new(raw.pos(), "FROM requires an image"));
        };
        let image_raw = &args[s..e];
        let alias = match words.get(1..3) {
            Some(&[(a, b), (c, d)]) if args[a..b].eq_ignore_ascii_case("as") => Some(args[c..d].to_string()),
            _ => None,
        };
        let (image, unresolved) = expand(image_raw, self.esc, &[&self.globals]);
        let by_name = self.names.get(&image.to_lowercase()).copied();
        let base_stage = by_name.or_else(|| image.parse::<usize>().ok().filter(|&i| i < self.stages.len()));
        let scratch = base_stage.is_none() && image.eq_ignore_ascii_case("scratch");
        // No reference when the repository itself is unknown (`FROM ${BASE}` without a default).
        let reference =
            parse_image_ref(&image).filter(|r| !scratch && base_stage.is_none() && !r.repository.contains('$'));
        if !self.stages.is_empty() {
            self.final_env.push(std::mem::take(&mut self.env));
        }
        self.args.clear();
        self.env = match base_stage.map(|i| &self.final_env[i]) {
            Some(env) if snapshot_cost(&[env], self.budget) <= self.budget => {
                self.budget -= snapshot_cost(&[env], self.budget);
                env.clone()
            }
            _ => BTreeMap::new(),
        };
        let platform = raw.flags.iter().find(|f| f.name == "platform").and_then(|f| f.value.clone());
        let from = From {
            pos: raw.pos(),
            image_pos: raw.line.pos(raw.args_start + s),
            raw: image_raw.to_string(),
            image,
            platform,
            alias: alias.clone(),
            base_stage,
            scratch,
            unresolved,
            reference,
        };
        let last_user = base_stage.and_then(|i| self.stages[i].last_user.clone());
        let index = self.stages.len();
        if let Some(a) = &alias {
            self.names.entry(a.to_lowercase()).or_insert(index);
        }
        self.stages.push(Stage { index, name: alias, from, instructions: Vec::new(), last_user });
        Ok(())
    }

    /// ENV/LABEL pairs (`K=V ...` or legacy `K V`) or ARG names (`ARG A B=1`), values substituted.
    pub(super) fn key_values(&self, raw: &RawInstr, legacy_ok: bool) -> Vec<KeyValue> {
        let args = raw.args();
        let words = split_words(args, self.esc);
        let (globals, stage) = ([&self.globals], [&self.env, &self.args]);
        let vars: &[&BTreeMap<String, String>] = if self.stages.is_empty() { &globals } else { &stage };
        // `value`: its byte offset in `args` and its text as written.
        let kv = |off: usize, key: &str, value: Option<(usize, &str)>| KeyValue {
            pos: raw.line.pos(raw.args_start + off),
            key: expand(key, self.esc, vars).0,
            value: value.map(|(_, v)| expand(v, self.esc, vars).0),
            value_pos: value.map(|(at, _)| raw.line.pos(raw.args_start + at)),
            value_refs: value.is_some_and(|(_, v)| expand(v, self.esc, &[]).1),
        };
        if legacy_ok && words.first().is_some_and(|&(s, e)| !args[s..e].contains('=')) {
            let key_end = args.find(char::is_whitespace).unwrap_or(args.len());
            let value = args[key_end..].trim_start();
            let at = args.len() - value.len();
            return vec![kv(0, &args[..key_end], (!value.is_empty()).then_some((at, value)))];
        }
        let pair = |(s, e): (usize, usize)| match args[s..e].split_once('=') {
            Some((k, v)) => kv(s, k, Some((s + k.len() + 1, v))),
            None => kv(s, &args[s..e], None),
        };
        words.into_iter().map(pair).collect()
    }

    pub(super) fn instruction(&mut self, raw: &RawInstr) {
        let kw = raw.keyword.as_str();
        let args = raw.args();
        let cost = snapshot_cost(&[&self.args, &self.env], self.budget);
        let mut env = BTreeMap::new();
        if cost <= self.budget {
            self.budget -= cost;
            env = self.args.clone();
            env.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let exec = match kw {
            "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME" => parse_exec(args),
            _ => None,
        };
        let key_values = match kw {
            "ENV" | "LABEL" | "ARG" => self.key_values(raw, kw != "ARG"),
            _ => Vec::new(),
        };
        for kv in &key_values {
            let global = || self.globals.get(&kv.key).cloned().filter(|_| kw == "ARG");
            let Some(value) = kv.value.clone().or_else(global) else { continue };
            match kw {
                "ENV" => self.env.insert(kv.key.clone(), value),
                "ARG" => self.args.insert(kv.key.clone(), value),
                _ => None,
            };
        }
        let user = (kw == "USER" && !args.is_empty()).then(|| {
            let (value, _) = expand(args, self.esc, &[&self.env, &self.args]);
            let (user, group) = match value.split_once(':') {
                Some((u, g)) => (u.to_string(), Some(g.to_string())),
                None => (value, None),
            };
            User { pos: raw.line.pos(raw.args_start), user, group }
        });
        let Some(stage) = self.stages.last_mut() else { return };
        if user.is_some() {
            stage.last_user = user;
        }
        // CMD and ENTRYPOINT run too (a test-runner image's `CMD ["go", "test", ...]`).
        let commands =
            if matches!(kw, "RUN" | "CMD" | "ENTRYPOINT") { run_commands(raw, exec.as_deref()) } else { Vec::new() };
        stage.instructions.push(Instruction {
            pos: raw.pos(),
            end_line: raw.end_line,
            keyword: raw.keyword.clone(),
            raw: args.to_string(),
            flags: raw.flags.clone(),
            exec,
            heredocs: raw.docs.iter().map(|d| d.public.clone()).collect(),
            commands,
            env,
            key_values,
        });
    }
}
