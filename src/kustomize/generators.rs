//! `configMapGenerator:`, `secretGenerator:` (with `generatorOptions:`) and the content hash
//! kustomize appends to generated names (`api/internal/generators`, `api/kv`,
//! `api/resmap/reswrangler.go`, `api/hasher`).
//!
//! A generator's pairs come from its `envs:` (and deprecated `env:`) files, then `literals:`,
//! then `files:` (`key=path` or a path whose base name is the key); a repeated key fails the
//! build. A ConfigMap keeps UTF-8 values in `data` and base64s the rest into `binaryData`; a
//! Secret base64s everything into `data` (lines of 70) with `type` (default `Opaque`).
//! `options` (merged with `generatorOptions:`, local keys winning) add labels, annotations and
//! `immutable: true`, and `disableNameSuffixHash` turns the hash off. `behavior: merge` or
//! `replace` folds the new object into the accumulated one with the same id — by any name it
//! has had, so an overlay reaches a base's prefixed ConfigMap — as kustomize's
//! `appendReplaceOrMerge` does: the old labels, annotations, name, namespace and name history
//! stay under the new ones; `merge` also keeps old `data`/`binaryData` keys.
//!
//! At the root, [`add_hashes`] appends kustomize's hash to each object that still needs one:
//! the first 10 hex digits of the SHA-256 of a Go-`json.Marshal`ed summary (kind, data,
//! binaryData, and for Secrets type; kustomize looks the name up as a single `metadata/name`
//! key, so it is always empty), with 0, 1, 3, a, e mapped to g, h, k, m, t.
//!
//! Origins: the object's structure carries the generator entry (its `- name:` line), each data
//! value its source — the literal's list item, the `files:` item, or the line of the env
//! file — and option labels/annotations their nodes in the kustomization.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::build::{Acc, Ctx, Kust};
use super::labels::string_map;
use super::tree::{self, Origin};
use super::{ProblemKind, Resource};
use crate::parse::Pos;
use crate::parse::yaml::{Node, Value, key_text};

/// Generator options, read (`generatorOptions:` or an entry's `options:`).
#[derive(Debug, Clone, Default)]
struct Options {
    labels: Option<Vec<(Node, Node)>>,
    annotations: Option<Vec<(Node, Node)>>,
    disable_hash: bool,
    /// Where `immutable: true` is set.
    immutable: Option<Origin>,
}

fn read_bool(ctx: &mut Ctx, n: &Node, key: &str) -> Option<Option<Origin>> {
    match n.get(key).map(|v| (v, &v.value)) {
        None | Some((_, Value::Null)) => Some(None),
        Some((v, Value::Bool(b))) => Some(b.then(|| Origin::of(v))),
        Some((v, _)) => {
            ctx.problem(
                ProblemKind::BuildError,
                v,
                format!("generator option `{key}` is not a bool: kustomize refuses to build"),
            );
            None
        }
    }
}

fn read_options(ctx: &mut Ctx, n: Option<&Node>) -> Option<Options> {
    let Some(n) = n.filter(|n| !n.is_null()) else { return Some(Options::default()) };
    if !matches!(n.value, Value::Map(_)) {
        ctx.problem(ProblemKind::BuildError, n, "generator options are a mapping");
        return None;
    }
    let labels = match n.get("labels") {
        Some(l) => Some(string_map(ctx, l, "generator option labels")?),
        None => None,
    };
    let annotations = match n.get("annotations") {
        Some(a) => Some(string_map(ctx, a, "generator option annotations")?),
        None => None,
    };
    let disable_hash = read_bool(ctx, n, "disableNameSuffixHash")?.is_some();
    let immutable = read_bool(ctx, n, "immutable")?;
    Some(Options { labels, annotations, disable_hash, immutable })
}

/// kustomize's `MergeGlobalOptionsIntoLocal`.
fn merge_options(mut local: Options, global: &Options) -> Options {
    let over = |l: &mut Option<Vec<(Node, Node)>>, g: &Option<Vec<(Node, Node)>>| match (l.as_mut(), g) {
        (None, Some(g)) => *l = Some(g.clone()),
        (Some(l), Some(g)) => {
            for (k, v) in g {
                if !l.iter().any(|(lk, _)| lk.as_str() == k.as_str()) {
                    l.push((k.clone(), v.clone()));
                }
            }
            l.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
        }
        _ => {}
    };
    over(&mut local.labels, &global.labels);
    over(&mut local.annotations, &global.annotations);
    local.disable_hash |= global.disable_hash;
    local.immutable = local.immutable.or(global.immutable);
    local
}

/// One key/value pair of a generator, with where each comes from.
struct Pair {
    key: String,
    value: Vec<u8>,
    at: Origin,
}

/// The string items of a list field of a generator entry.
fn str_items(ctx: &mut Ctx, entry: &Node, key: &str) -> Option<Vec<(String, Node)>> {
    let Some(n) = entry.get(key).filter(|n| !n.is_null()) else { return Some(Vec::new()) };
    let items: Vec<Node> = match &n.value {
        Value::Seq(items) => items.clone(),
        // `env:` is one path.
        Value::String(_) if key == "env" => vec![n.clone()],
        _ => {
            ctx.problem(ProblemKind::BuildError, n, format!("generator `{key}` is a list of strings"));
            return None;
        }
    };
    let mut out = Vec::new();
    for i in items {
        match &i.value {
            Value::String(s) => out.push((s.clone(), i.clone())),
            _ => {
                let msg =
                    format!("generator `{key}` item is a {}, not a string: kustomize refuses to build", i.type_name());
                ctx.problem(ProblemKind::BuildError, &i, msg);
                return None;
            }
        }
    }
    Some(out)
}

/// Reads the file a generator names (checked like every kustomization path): its id and bytes.
fn read_file(ctx: &mut Ctx, k: &Kust, path: &str, at: &Node, what: &str) -> Option<(u32, Vec<u8>)> {
    let node = tree::string(path, Origin::of(at));
    let id = ctx.read_entry(k, &node, what)?;
    let path = ctx.files.get(id)?.path.clone();
    match crate::vfs::read(&path) {
        Ok(b) => Some((id, b)),
        Err(e) => {
            ctx.problem(ProblemKind::BuildError, at, format!("{what} cannot be read: {e}"));
            None
        }
    }
}

/// The pairs of an env file (`KEY=value` lines; blank lines and `#` comments skipped).
fn env_pairs(ctx: &mut Ctx, at: &Node, src: u32, bytes: &[u8]) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let mut line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if i == 0 {
            line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        }
        let Ok(text) = std::str::from_utf8(line) else {
            ctx.problem(
                ProblemKind::BuildError,
                at,
                format!("env file line {} is not valid UTF-8: kustomize refuses it", i + 1),
            );
            return None;
        };
        let text = text.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, value) = text.split_once('=').unwrap_or((text, ""));
        let col = (line.len() - text.len()) as u32 + 1;
        let at = Origin::new(src, Pos::new(i as u32 + 1, col.max(1)));
        out.push(Pair { key: key.to_string(), value: value.as_bytes().to_vec(), at });
    }
    Some(out)
}

/// kustomize's `removeQuotes`: one pair of matching surrounding quotes.
fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') { &s[1..s.len() - 1] } else { s }
}

/// All pairs of a generator entry: envs, literals, files, in kustomize's order.
fn pairs(ctx: &mut Ctx, k: &Kust, entry: &Node) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    let mut envs = str_items(ctx, entry, "envs")?;
    envs.extend(str_items(ctx, entry, "env")?);
    for (path, node) in envs {
        let (src, bytes) = read_file(ctx, k, &path, &node, "env file")?;
        out.extend(env_pairs(ctx, &node, src, &bytes)?);
    }
    for (lit, node) in str_items(ctx, entry, "literals")? {
        match lit.split_once('=') {
            Some((key, value)) if !key.is_empty() => out.push(Pair {
                key: key.into(),
                value: remove_quotes(value).as_bytes().to_vec(),
                at: Origin::of(&node),
            }),
            _ => {
                ctx.problem(
                    ProblemKind::BuildError,
                    &node,
                    format!("invalid literal source {lit:?}, expected key=value"),
                );
                return None;
            }
        }
    }
    for (source, node) in str_items(ctx, entry, "files")? {
        let (key, path) = match source.matches('=').count() {
            0 => (source.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&source).to_string(), source.clone()),
            1 if !source.starts_with('=') && !source.ends_with('=') => {
                let (k, p) = source.split_once('=').unwrap_or_default();
                (k.to_string(), p.to_string())
            }
            _ => {
                let msg = format!("file source {source:?} must be a path or key=path (one `=`, a key and a path)");
                ctx.problem(ProblemKind::BuildError, &node, msg);
                return None;
            }
        };
        let (_, bytes) = read_file(ctx, k, &path, &node, "generator file")?;
        out.push(Pair { key, value: bytes, at: Origin::of(&node) });
    }
    Some(out)
}

/// kustomize's base64 for generated values: lines of 70 characters, each ended by a newline,
/// once there is more than one line's worth.
pub fn encode_base64(bytes: &[u8]) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
    if enc.len() / 70 < 1 {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / 70 + 1);
    for chunk in enc.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn str_field(ctx: &mut Ctx, entry: &Node, key: &str) -> Option<Option<(String, Origin)>> {
    match entry.get(key).map(|v| (v, &v.value)) {
        None | Some((_, Value::Null)) => Some(None),
        Some((_, Value::String(s))) if s.is_empty() => Some(None),
        Some((v, Value::String(s))) => Some(Some((s.clone(), Origin::of(v)))),
        Some((v, _)) => {
            ctx.problem(
                ProblemKind::BuildError,
                v,
                format!("generator `{key}` is not a string: kustomize refuses to build"),
            );
            None
        }
    }
}

/// Builds the object of one generator entry.
fn generate(ctx: &mut Ctx, k: &Kust, entry: &Node, kind: &str, global: &Options) -> Option<Resource> {
    if !ctx.expect_map(entry, &format!("a {kind} generator")) {
        return None;
    }
    let at = Origin::of(entry);
    let Some((name, name_at)) = str_field(ctx, entry, "name")? else {
        ctx.problem(ProblemKind::BuildError, entry, format!("a {kind} generator must have a name"));
        return None;
    };
    let namespace = str_field(ctx, entry, "namespace")?;
    let behavior = str_field(ctx, entry, "behavior")?.map(|(b, _)| b).unwrap_or_else(|| "create".into());
    let local = read_options(ctx, entry.get("options"))?;
    let opts = merge_options(local, global);
    let secret_type = if kind == "Secret" { str_field(ctx, entry, "type")? } else { None };
    let pairs = pairs(ctx, k, entry)?;
    let mut data: Vec<(String, Vec<u8>, Origin)> = Vec::new();
    for p in pairs {
        if data.iter().any(|(k, _, _)| *k == p.key) {
            let msg = format!("{kind} {name} illegally repeats the key `{}`: kustomize refuses to build", p.key);
            ctx.problem(ProblemKind::BuildError, entry, msg);
            return None;
        }
        data.push((p.key, p.value, p.at));
    }
    data.sort_by(|a, b| a.0.cmp(&b.0));

    let s = |v: &str, o: Origin| tree::string(v, o);
    let mut meta = vec![(s("name", at), s(&name, name_at))];
    if let Some((ns, ns_at)) = &namespace {
        meta.push((s("namespace", at), s(ns, *ns_at)));
    }
    for (field, pairs) in [("labels", &opts.labels), ("annotations", &opts.annotations)] {
        if let Some(p) = pairs.as_ref().filter(|p| !p.is_empty()) {
            meta.push((s(field, at), tree::map(p.clone(), at)));
        }
    }
    let mut obj = vec![
        (s("apiVersion", at), s("v1", at)),
        (s("kind", at), s(kind, at)),
        (s("metadata", at), tree::map(meta, at)),
    ];
    let entries = |items: Vec<(String, String, Origin)>| {
        tree::map(items.into_iter().map(|(k, v, o)| (s(&k, o), s(&v, o))).collect(), at)
    };
    if kind == "Secret" {
        let (t, t_at) = secret_type.unwrap_or_else(|| ("Opaque".into(), at));
        obj.push((s("type", at), s(&t, t_at)));
        let items = data.into_iter().map(|(k, v, o)| (k, encode_base64(&v), o)).collect();
        obj.push((s("data", at), entries(items)));
    } else {
        let (mut text, mut binary) = (Vec::new(), Vec::new());
        for (k, v, o) in data {
            match String::from_utf8(v) {
                Ok(t) => text.push((k, t, o)),
                Err(e) => binary.push((k, encode_base64(e.as_bytes()), o)),
            }
        }
        if !text.is_empty() {
            obj.push((s("data", at), entries(text)));
        }
        if !binary.is_empty() {
            obj.push((s("binaryData", at), entries(binary)));
        }
    }
    if let Some(o) = opts.immutable {
        obj.push((s("immutable", at), tree::node(Value::Bool(true), o)));
    }
    let mut r = Resource::new(tree::map(obj, at));
    r.needs_hash = !opts.disable_hash;
    r.behavior = Some(behavior);
    Some(r)
}

/// `a`'s map at `key` (of `metadata` when `meta`) with `b`'s entries over it, or `None` if
/// both are empty.
fn merged_map(old: &Node, new: &Node, key: &str, meta: bool) -> Option<Node> {
    let get = |n: &Node| {
        let n = if meta { n.get("metadata")? } else { n };
        n.get(key).filter(|m| matches!(m.value, Value::Map(_))).cloned()
    };
    let (o, n) = (get(old), get(new));
    let base = n.clone().or(o.clone())?;
    let mut out = o.unwrap_or_else(|| tree::map(Vec::new(), Origin::of(&base)));
    for (k, v) in n.as_ref().and_then(|n| n.as_map()).unwrap_or_default() {
        tree::set(&mut out, &key_text(k), v.clone());
    }
    out.as_map().is_some_and(|m| !m.is_empty()).then_some(out)
}

fn put(node: &mut Node, key: &str, value: Option<Node>) {
    match value {
        Some(v) => tree::set(node, key, v),
        None => {
            tree::remove(node, key);
        }
    }
}

/// kustomize's `appendReplaceOrMerge` of a generated object into the accumulation.
fn absorb(ctx: &mut Ctx, entry: &Node, mut r: Resource, acc: &mut Acc) {
    let ns = |n: Option<&str>| n.filter(|n| !n.is_empty() && *n != "default").map(str::to_string);
    let (my_ns, my_name) = (ns(r.namespace()), r.name().to_string());
    let matches: Vec<usize> = (0..acc.resources.len())
        .filter(|&i| {
            let o = &acc.resources[i];
            o.kind() == r.kind()
                && o.api_version() == r.api_version()
                && o.history
                    .iter()
                    .map(|(n, m)| (ns(n.as_deref()), m.as_str()))
                    .chain(std::iter::once((ns(o.namespace()), o.name())))
                    .any(|(n, m)| n == my_ns && m == my_name)
        })
        .collect();
    let behavior = r.behavior.clone().unwrap_or_default();
    let id = r.id();
    match matches[..] {
        [] if behavior == "merge" || behavior == "replace" => {
            let msg = format!(
                "{id} does not exist: behavior {behavior} cannot merge or replace it (kustomize refuses to build)"
            );
            ctx.problem(ProblemKind::BuildError, entry, msg);
        }
        [] => ctx.append(entry, r, acc),
        [i] if behavior == "merge" || behavior == "replace" => {
            let old = acc.resources[i].clone();
            for field in ["labels", "annotations"] {
                let v = merged_map(&old.node, &r.node, field, true);
                if let Some(meta) = tree::get_mut(&mut r.node, "metadata") {
                    put(meta, field, v);
                }
            }
            if behavior == "merge" {
                for field in ["data", "binaryData"] {
                    let v = merged_map(&old.node, &r.node, field, false);
                    put(&mut r.node, field, v);
                }
            }
            if let Some(meta) = tree::get_mut(&mut r.node, "metadata") {
                let old_meta = old.node.get("metadata");
                put(meta, "name", old_meta.and_then(|m| m.get("name")).cloned());
                put(meta, "namespace", old_meta.and_then(|m| m.get("namespace")).cloned());
            }
            // kustomize keeps the old object's build annotations: its name history, and the
            // hash only when both want it.
            r.history = old.history;
            r.needs_hash &= old.needs_hash;
            r.behavior = old.behavior;
            acc.resources[i] = r;
        }
        [_] => {
            let msg = format!(
                "{id} exists already: a generator for it needs `behavior: merge` or `replace` (kustomize refuses to build)"
            );
            ctx.problem(ProblemKind::BuildError, entry, msg);
        }
        _ => ctx.problem(ProblemKind::BuildError, entry, format!("several objects could take the merge of {id}")),
    }
}

pub fn run(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let Some(global) = read_options(ctx, k.get("generatorOptions")) else { return };
    for (field, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
        for entry in k.list(field) {
            if let Some(r) = generate(ctx, k, entry, kind, &global) {
                absorb(ctx, entry, r, acc);
            }
        }
    }
}

/// Go's `json.Marshal` of a string: `<`, `>`, `&`, U+2028 and U+2029 escaped too.
fn go_json_string(s: &str, out: &mut String) {
    crate::helm::template::go_json_string(s, true, out);
}

/// Go's `json.Marshal` of a node read back as JSON (maps by sorted key).
fn go_json(n: &Node, out: &mut String) {
    match &n.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&serde_json::Number::from_f64(*f).map_or("null".into(), |x| x.to_string())),
        Value::String(s) => go_json_string(s, out),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut sorted: Vec<(String, &Node)> = entries.iter().map(|(k, v)| (key_text(k).into_owned(), v)).collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            sorted.dedup_by(|a, b| a.0 == b.0);
            out.push('{');
            for (i, (k, v)) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                go_json(v, out);
            }
            out.push('}');
        }
    }
}

/// kustomize's content hash of a ConfigMap or Secret (the name part it looks up is always empty).
pub fn hash(node: &Node) -> String {
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or("");
    let o = Origin::default();
    // kustomize's getNodeValues: a collection as JSON, a scalar as its text, absent as "".
    let value = |key: &str| -> Node {
        match node.get(key) {
            Some(v) if matches!(v.value, Value::Map(_) | Value::Seq(_)) => v.clone(),
            Some(v) => tree::string(tree::scalar(v).unwrap_or_default(), o),
            None => tree::string("", o),
        }
    };
    let mut fields = vec![
        (tree::string("kind", o), tree::string(kind, o)),
        (tree::string("name", o), tree::string("", o)),
        (tree::string("data", o), value("data")),
    ];
    let extra = if kind == "Secret" { "stringData" } else { "binaryData" };
    if node.get(extra).is_some_and(|v| matches!(v.value, Value::Map(_))) {
        fields.push((tree::string(extra, o), value(extra)));
    }
    if kind == "Secret" {
        fields.push((tree::string("type", o), value("type")));
    }
    let mut json = String::new();
    go_json(&tree::map(fields, o), &mut json);
    let hex: String = Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// At the root, after every transformer: the hash suffix on generated names.
pub fn add_hashes(_ctx: &mut Ctx, acc: &mut Acc) {
    for r in acc.resources.iter_mut().filter(|r| r.needs_hash) {
        let h = hash(&r.node);
        r.remember_name();
        let at = r.node.get("metadata").and_then(|m| m.get("name")).map(Origin::of).unwrap_or(Origin::of(&r.node));
        let name = format!("{}-{h}", r.name());
        if let Some(meta) = tree::get_mut(&mut r.node, "metadata") {
            tree::set(meta, "name", tree::string(name, at));
        }
        r.needs_hash = false;
    }
}

#[cfg(test)]
#[path = "generators_tests.rs"]
mod tests;
