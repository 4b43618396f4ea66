//! Helm-level behaviour, host objects, limits and robustness.

use std::sync::Arc;

use super::tests::{VALUES, go_error, run};
use super::*;

fn render(src: &str) -> Result<String, TemplateError> {
    let mut e = Engine::new(Limits::default());
    e.parse("t", src)?;
    e.render("t", &Value::from_json(&serde_json::from_str(VALUES).unwrap()))
}

#[derive(Debug)]
struct Files;

impl HostObject for Files {
    fn type_name(&self) -> &str {
        "chartutil.Files"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (method, args) {
            ("Get", [Value::String(n)]) => Some(Ok(Value::String(format!("content of {n}")))),
            ("Get", _) => Some(Err("wrong number of args for Get: want 1".into())),
            ("Glob", [Value::String(_)]) => Some(Ok(Value::Host(Arc::new(Files)))),
            ("AsConfig", []) => Some(Ok(Value::String("a.txt: x".into()))),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Caps;

impl HostObject for Caps {
    fn type_name(&self) -> &str {
        "*chartutil.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Map([("Version".to_string(), Value::String("v1.29.0".into()))].into())),
            "APIVersions" => Some(Value::Host(Arc::new(Caps))),
            _ => None,
        }
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (method, args) {
            ("Has", [Value::String(v)]) => Some(Ok(Value::Bool(v == "apps/v1"))),
            _ => None,
        }
    }
}

#[test]
fn host_objects_fields_and_methods() {
    let mut e = Engine::new(Limits::default());
    let src = r#"{{ .Files.Get "a.txt" }}|{{ "b.txt" | .Files.Get }}|{{ (.Files.Glob "x/*").AsConfig }}|{{ .Capabilities.APIVersions.Has "apps/v1" }}|{{ .Capabilities.APIVersions.Has "x/v9" }}|{{ .Capabilities.KubeVersion.Version }}|{{ semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version }}"#;
    e.parse("t", src).unwrap();
    let data = Value::Map(
        [
            ("Files".to_string(), Value::Host(Arc::new(Files))),
            ("Capabilities".to_string(), Value::Host(Arc::new(Caps))),
        ]
        .into(),
    );
    assert_eq!(e.render("t", &data).unwrap(), "content of a.txt|content of b.txt|a.txt: x|true|false|v1.29.0|true");
    // As in Go, a piped value goes to the field's receiver chain, not to the piped object.
    e.parse("p", r#"{{ .Files.Glob "x/*" | .AsConfig }}"#).unwrap();
    assert!(e.render("p", &data).unwrap_err().message.ends_with("AsConfig is not a method but has arguments"));
    e.parse("u", "{{ .Files.Nope }}").unwrap();
    let err = e.render("u", &data).unwrap_err();
    assert!(err.message.ends_with("can't evaluate field Nope in type interface {}"), "{err}");
    e.parse("v", "{{ .Files.Get }}").unwrap();
    assert!(e.render("v", &data).unwrap_err().message.contains("error calling Get: wrong number of args"));
}

#[test]
fn include_recursion_limit_is_an_error_not_a_crash() {
    let mut e = Engine::new(Limits::default());
    e.parse("_r.tpl", r#"{{ define "r" }}{{ include "r" . }}{{ end }}"#).unwrap();
    e.parse("t", r#"{{ include "r" . }}"#).unwrap();
    let err = e.render("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(
        err.message.ends_with("rendering template has a nested reference name: r: unable to execute template"),
        "{err}"
    );
    // 1000 legitimate levels render.
    e.parse("_d.tpl", r#"{{ define "d" }}{{ if gt . 0 }}{{ include "d" (sub . 1) }}{{ end }}x{{ end }}"#).unwrap();
    e.parse("deep", r#"{{ include "d" 999 | len }}"#).unwrap();
    assert_eq!(e.render("deep", &Value::Nil).unwrap(), "1000");
    // `template` recursion is bounded too.
    e.parse("tr.yaml", r#"{{ define "tr" }}{{ template "tr" . }}{{ end }}{{ template "tr" . }}"#).unwrap();
    assert_eq!(e.render("tr.yaml", &Value::Nil).unwrap_err().kind, ErrorKind::Limit);
}

#[test]
fn required_fail_and_kinds() {
    let err = render(r#"{{ required "image.tag is required" .image.nope }}"#).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Required);
    assert_eq!(
        err.to_string(),
        r#"t:1:3: executing "t" at <required "image.tag is required" .image.nope>: error calling required: image.tag is required"#
    );
    let err = render(r#"{{ fail "bad config" }}"#).unwrap_err();
    assert_eq!((err.kind, err.line, err.col), (ErrorKind::Fail, 1, 3));
    // A fail inside an include keeps its kind.
    let mut e = Engine::new(Limits::default());
    e.parse("h", r#"{{ define "f" }}{{ fail "inner" }}{{ end }}"#).unwrap();
    e.parse("t", r#"{{ include "f" . }}"#).unwrap();
    assert_eq!(e.render("t", &Value::Nil).unwrap_err().kind, ErrorKind::Fail);
    let err = render("\n  {{ nope 1 }}").unwrap_err();
    assert_eq!((err.kind, err.line, err.col), (ErrorKind::UnknownFunction, 2, 5));
    assert_eq!(err.message, r#"function "nope" not defined"#);
    let err = render(r#"{{ genCA "x" 365 }}"#).unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownFunction);
    assert!(err.message.contains("genCA"));
    assert_eq!(render("{{ if .t }}").unwrap_err().kind, ErrorKind::Parse);
}

#[test]
fn engine_set_semantics() {
    let mut e = Engine::new(Limits::default());
    e.parse("a.tpl", r#"{{ define "x" }}one{{ end }}"#).unwrap();
    e.parse("b.tpl", r#"{{ define "x" }}two{{ end }}"#).unwrap();
    e.parse("c.tpl", r#"{{ define "x" }}  {{ end }}"#).unwrap(); // empty: does not replace
    e.parse("t", r#"{{ template "x" }}"#).unwrap();
    assert!(e.has_template("x") && e.has_template("a.tpl") && !e.has_template("nope"));
    assert_eq!(e.render("t", &Value::Nil).unwrap(), "two");
    let clone = e.clone();
    e.parse("t", "changed").unwrap();
    assert_eq!(clone.render("t", &Value::Nil).unwrap(), "two");
    assert!(e.render("nope", &Value::Nil).is_err());
}

#[test]
fn dict_mutation_is_shared_like_go_maps() {
    let out = render(
        r#"{{ $d := dict }}{{ range .list }}{{ $_ := set $d . true }}{{ end }}{{ keys $d | sortAlpha }}|{{ $_ := set .image "tag" "2" }}{{ .image.tag }}"#,
    );
    assert_eq!(out.unwrap(), "[a b c]|2");
}

#[test]
fn limits() {
    let mut e = Engine::new(Limits { max_range_iterations: 100, ..Limits::default() });
    e.parse("t", "{{ range 10 }}{{ range 11 }}x{{ end }}{{ end }}").unwrap();
    assert_eq!(e.render("t", &Value::Nil).unwrap_err().kind, ErrorKind::Limit);
    let mut e = Engine::new(Limits { max_output_bytes: 1000, ..Limits::default() });
    e.parse("t", r#"{{ range 200 }}xxxxxxx{{ end }}"#).unwrap();
    assert_eq!(e.render("t", &Value::Nil).unwrap_err().kind, ErrorKind::Limit);
    e.parse("r", r#"{{ repeat 100000000 "x" }}"#).unwrap();
    assert_eq!(e.render("r", &Value::Nil).unwrap_err().kind, ErrorKind::Limit);
    e.parse("u", r#"{{ until 100000000 | len }}"#).unwrap();
    assert_eq!(e.render("u", &Value::Nil).unwrap_err().kind, ErrorKind::Limit);
}

#[test]
fn strict_mode_and_no_value() {
    assert_eq!(run(&[("t", "a{{ .missing }}b")], VALUES, false).unwrap(), "ab");
    let err = run(&[("t", "{{ .missing }}")], VALUES, true).unwrap_err();
    assert!(err.ends_with(r#"map has no entry for key "missing""#), "{err}");
}

#[test]
fn misc_functions() {
    let out = render(
        r#"{{ now | date "2006" | len }}|{{ uuidv4 | len }}|{{ randAlphaNum 12 | len }}|{{ toToml (dict "a" 1 "b" (dict "c" "x")) }}|{{ date "2006-01-02" 0 }}|{{ unixEpoch (toDate "2006-01-02" "2023-11-14") }}"#,
    );
    assert_eq!(out.unwrap(), "4|36|12|a = 1\n\n[b]\nc = \"x\"\n|1970-01-01|1699920000");
    let err = go_error(&render("{{ template \"t\" }}").unwrap_err());
    assert!(err.contains("exceeded maximum template depth"), "{err}");
    assert_eq!(render(r#"{{ printf "%x %v" 8080.0 (addf 1 2) }}"#).unwrap(), "0x1.f9p+12 3");
}

/// Mangled templates must produce output or an error, never a panic.
#[test]
fn never_panics_on_mangled_templates() {
    let seeds = [
        r#"{{- range $i, $v := .list }}{{ if and $v (gt $i 0) }}{{ $v | quote | indent 2 }}{{ else }}{{ toYaml $.map | nindent 4 }}{{ end }}{{ end -}}"#,
        r#"{{ define "x" }}{{ printf "%5.2f %d %s" .ratio 3 (include "x" .) }}{{ end }}{{ template "x" . }}"#,
        r#"{{ with .image }}{{ .tag | default "latest" | trunc -3 }}{{ else with .name }}{{ tpl "{{ . }}" . }}{{ end }}"#,
        r#"{{ $d := dict "a" (list 1 2 (dict "b" nil)) }}{{ toJson (merge $d (fromYaml "a: [x]")) }}{{ index $d "a" 2 "b" }}"#,
        "{{/* c */}}{{ `raw` }}{{ 'x' }}{{ 0x1_F }}{{ (1) }}{{ .a.b.c }}{{ block \"b\" . }}{{ break }}{{ end }}",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let alphabet: Vec<char> = "{}()|$.-\"`'/* \n:=,abc01".chars().collect();
    let values = Value::from_json(&serde_json::from_str(VALUES).unwrap());
    for i in 0..1500 {
        let mut chars: Vec<char> = seeds[i % seeds.len()].chars().collect();
        for _ in 0..1 + rnd(6) {
            let at = rnd(chars.len() + 1);
            match rnd(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => chars.insert(at, alphabet[rnd(alphabet.len())]),
                _ if at < chars.len() => chars[at] = alphabet[rnd(alphabet.len())],
                _ => {}
            }
        }
        let src: String = chars.into_iter().collect();
        let mut e =
            Engine::new(Limits { max_range_iterations: 10_000, max_output_bytes: 1 << 20, ..Limits::default() });
        if e.parse("t", &src).is_ok() {
            let _ = e.render("t", &values);
        }
    }
}

#[test]
fn documented_functions_exist_and_engine_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Value>();
    assert_send_sync::<TemplateError>();
    let doc = include_str!("mod.rs");
    let start = doc.find("//! Supported functions:").unwrap();
    let end = doc.find("//! Not defined (as in Helm)").unwrap();
    for line in doc[start..end].lines() {
        let text = line.trim_start_matches("//!").trim();
        let text = text
            .split_once(':')
            .map_or(text, |(head, rest)| if head.contains(' ') && !head.starts_with('(') { rest } else { text });
        for word in text.split_whitespace() {
            let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
            if w.is_empty()
                || !w.chars().next().unwrap().is_ascii_lowercase()
                || [
                    "and",
                    "v3",
                    "constraint",
                    "syntax",
                    "their",
                    "must",
                    "variants",
                    "exists",
                    "but",
                    "always",
                    "fails",
                    "templates",
                    "have",
                    "no",
                    "function",
                    "values",
                    "it",
                    "they",
                    "need",
                    "crypto",
                    "or",
                    "the",
                    "network",
                    "defined",
                    "failing",
                    "at",
                    "execution",
                    "with",
                    "only",
                ]
                .contains(&w)
            {
                continue;
            }
            assert!(funcs::lookup(w).is_some(), "documented function {w} is not registered");
        }
    }
}
