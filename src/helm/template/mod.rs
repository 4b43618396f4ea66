//! Go `text/template` with Helm's and sprig's functions, for rendering Helm charts in-process.
//!
//! Semantics follow Go 1.26's text/template (lexer, parser, executor and error wording), Helm
//! 3.17's engine (missingkey=zero with `<no value>` removed from the output, strict mode as
//! missingkey=error, `include` with its recursion limit, `tpl` parsed as template "gotpl", `required`,
//! `fail`, `lookup` returning an empty map) and sprig v3.3 for the functions below.
//!
//! Supported functions:
//! - Go builtins: and or not len index slice print printf println html js urlquery eq ne lt le
//!   gt ge (`call` exists but always fails: templates have no function values).
//! - Helm: include tpl required fail toYaml toYamlPretty mustToYaml fromYaml fromYamlArray toJson
//!   mustToJson fromJson fromJsonArray mustFromJson toToml lookup.
//! - Strings: trim trimAll trimall trimPrefix trimSuffix upper lower title untitle repeat substr
//!   nospace trunc abbrev abbrevboth initials wrap wrapWith contains hasPrefix hasSuffix quote
//!   squote cat indent nindent replace plural snakecase camelcase kebabcase swapcase toString
//!   toStrings atoi int int64 float64 toDecimal split splitList splitn join sortAlpha seq
//!   randAlphaNum randAlpha randNumeric randAscii shuffle base dir clean ext isAbs osBase osDir
//!   osClean osExt osIsAbs.
//! - Regex: regexMatch regexFindAll regexFind regexReplaceAll regexReplaceAllLiteral regexSplit
//!   regexQuoteMeta and their must* variants.
//! - Lists: list tuple first rest last initial append push prepend concat reverse uniq without
//!   has compact slice until untilStep chunk and their must* variants.
//! - Dicts: dict get set unset hasKey pluck dig merge mergeOverwrite mustMerge mustMergeOverwrite
//!   keys pick omit values deepCopy mustDeepCopy.
//! - Defaults and types: default empty coalesce ternary all any toPrettyJson toRawJson
//!   mustToPrettyJson mustToRawJson kindOf kindIs typeOf typeIs typeIsLike deepEqual.
//! - Math: add add1 sub div mod mul max min biggest floor ceil round addf add1f subf mulf divf
//!   maxf minf randInt.
//! - Encoding and hashes: b64enc b64dec b32enc b32dec sha1sum sha256sum sha512sum adler32sum
//!   uuidv4.
//! - Semver: semver semverCompare (Masterminds/semver v3 constraint syntax).
//! - Dates (UTC only): now date dateInZone date_in_zone toDate mustToDate unixEpoch duration
//!   htmlDate htmlDateInZone dateModify mustDateModify ago.
//!
//! - Crypto (funcs/crypto.rs, keys and certificates in funcs/certs.rs): genCA genCAWithKey
//!   genPrivateKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey
//!   buildCustomCert derivePassword bcrypt htpasswd encryptAES decryptAES randBytes.
//!
//! Defined but failing at execution with [`ErrorKind::UnknownFunction`]: urlParse urlJoin
//! durationRound.
//! Defined, returning an empty string (no network): getHostByName.
//! Not defined (as in Helm): env expandenv.
//!
//! The crypto functions make real keys and certificates from the operating system's random
//! source, returned as sprig's `certificate` struct (`.Cert`, `.Key`); DSA keys are an error.
//!
//! Numbers: values from JSON/YAML are `float64` (see [`Value::from_json`]); template literals
//! are Go `int`s; sprig's integer functions return int64 (both are [`Value::Int`]). `toJson`
//! prints float64s as Go's encoding/json does (`12345678901234567000`, `1e+21`, `1e-7`).
//!
//! Other Go types: [`Value::Bytes`] is a `[]byte` (`.Files` contents); host objects
//! ([`HostObject`]) are Go structs, pointers, maps or slices, the last two ranged over, indexed
//! and measured through [`HostObject::entries`]. `semver` returns a `*semver.Version` host
//! object (Major, Minor, Patch, Prerelease, Metadata, Original, String, the comparisons and the
//! Inc/Set methods) that prints as its version.

mod ast;
mod exec;
mod exec_helm;
mod fmt;
mod funcs;

/// Go's `encoding/json` string quoting, shared with Kustomize's name hash.
pub(crate) use funcs::yaml::json_string as go_json_string;
mod lex;
mod literal;
mod parse;
mod value;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_funcs;

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

pub use value::{Entries, HostObject, Value};

/// Runs `f` with the template functions' randomness seeded (reproducible renders).
pub fn with_seed<T>(seed: u64, f: impl FnOnce() -> T) -> T {
    funcs::seeded(seed, f)
}

use ast::Tree;
use exec::{Ev, Exec, Scope};
use value::Val;

/// Resource limits of one render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Nested `include`s of one template name (Helm's recursion limit, 1000).
    pub max_include_depth: usize,
    /// Range iterations over the whole render (nested loops multiply).
    pub max_range_iterations: u64,
    /// Bytes written by the whole render, include and tpl output included.
    pub max_output_bytes: usize,
    /// Work of the slow crypto functions over the whole render, in units of about 10 ms: an
    /// RSA-2048 key (genCA, genSignedCert...) costs 5, an RSA-4096 key (genPrivateKey) 70,
    /// derivePassword 30, bcrypt and htpasswd 15, any other key or certificate 1.
    pub max_crypto_work: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_include_depth: 1000,
            max_range_iterations: 1_000_000,
            max_output_bytes: 64 << 20,
            max_crypto_work: 3000,
        }
    }
}

/// A parse or execution error. `line` is 1-based; `col` is Go's column: the 0-based byte
/// offset within the line (what Helm's messages print).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub template: String,
    pub line: u32,
    pub col: u32,
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Parse,
    Exec,
    /// `fail "msg"`.
    Fail,
    /// `required "msg" x` with a nil or empty x.
    Required,
    /// A function that is not defined (at parse time) or not supported (at execution).
    UnknownFunction,
    /// One of [`Limits`] was exceeded.
    Limit,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.template, self.line, self.col, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// A set of parsed templates sharing their `define`s, like Go's `*template.Template`.
#[derive(Clone)]
pub struct Engine {
    templates: Arc<HashMap<String, Arc<Tree>>>,
    strict: bool,
    limits: Limits,
}

/// Stack for parse and render threads: deep template recursion stays far from overflowing.
const STACK_SIZE: usize = 1 << 30;

/// Runs `f` on a thread with a large stack (inline if no thread can be started).
fn with_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let cell = std::sync::Mutex::new(Some(f));
    let take = || cell.lock().ok().and_then(|mut g| g.take());
    // The seeded randomness of this thread goes along, and comes back advanced.
    let seed = funcs::seed_state();
    let spawned = std::thread::scope(|sc| {
        let h = std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(sc, || {
            funcs::set_seed_state(seed);
            take().map(|f| (f(), funcs::seed_state()))
        });
        match h {
            Ok(h) => match h.join() {
                Ok(r) => r,
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(_) => None,
        }
    });
    match spawned {
        Some((r, seed)) => {
            funcs::set_seed_state(seed);
            r
        }
        None => match take() {
            Some(f) => f(),
            None => unreachable_result(),
        },
    }
}

#[allow(clippy::panic)]
fn unreachable_result<R>() -> R {
    panic!("template closure already consumed")
}

/// The error as Go prints it: parse errors carry no column (`template: NAME:LINE: msg`).
pub(crate) fn go_error_string(e: &TemplateError) -> String {
    if matches!(e.kind, ErrorKind::Parse | ErrorKind::UnknownFunction) && !e.message.starts_with("executing") {
        format!("template: {}:{}: {}", e.template, e.line, e.message)
    } else {
        format!("template: {e}")
    }
}

pub(crate) fn parse_error(name: &str, src: &str, pf: parse::ParseFail) -> TemplateError {
    let tree = Tree { name: name.to_string(), parse_name: name.to_string(), src: Arc::from(src), root: Vec::new() };
    let (line, col) = tree.line_col(pf.pos);
    let kind = if pf.unknown_function { ErrorKind::UnknownFunction } else { ErrorKind::Parse };
    TemplateError { template: name.to_string(), line, col, kind, message: pf.message }
}

impl Engine {
    pub fn new(limits: Limits) -> Self {
        Self { templates: Arc::new(HashMap::new()), strict: false, limits }
    }

    /// Strict: missingkey=error (a missing map key is an error) instead of Helm's default.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// Parses `source` as template `name`, registering its `define`s and `block`s. A later
    /// definition of a name replaces an earlier one, except that an empty body never replaces
    /// a non-empty one (Go's rule).
    pub fn parse(&mut self, name: &str, source: &str) -> Result<(), TemplateError> {
        let trees = with_big_stack(|| {
            parse::parse(name, name, source, &|f| funcs::lookup(f).is_some())
                .map_err(|pf| parse_error(name, source, pf))
        })?;
        let map = Arc::make_mut(&mut self.templates);
        for t in trees {
            if parse::is_empty_tree(&t.root) && map.contains_key(&t.name) {
                continue;
            }
            map.insert(t.name.clone(), Arc::new(t));
        }
        Ok(())
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// Executes template `name` with dot and `$` set to `data`; `<no value>` is removed from
    /// the output as Helm does.
    pub fn render(&self, name: &str, data: &Value) -> Result<String, TemplateError> {
        let Some(tree) = self.templates.get(name).cloned() else {
            return Err(TemplateError {
                template: name.to_string(),
                line: 0,
                col: 0,
                kind: ErrorKind::Exec,
                message: format!("no template {} associated with template \"gotpl\"", lex::go_quote(name)),
            });
        };
        let templates = self.templates.clone();
        let (strict, limits) = (self.strict, self.limits.clone());
        with_big_stack(move || {
            let scope = Rc::new(Scope { local: HashMap::new(), parent: None, base: Some(templates) });
            let mut ex = Exec::new(scope, strict, limits, tree.clone());
            let dot = Ev::plain(Val::from_public(data));
            ex.run_tree(tree, dot)?;
            Ok(ex.out.replace("<no value>", ""))
        })
    }
}
