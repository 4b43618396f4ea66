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
    let err = render(r#"{{ urlParse "https://example.com" }}"#).unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownFunction);
    assert!(err.message.contains("urlParse"));
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

/// A host map from paths to bytes, like Helm's `.Files` and what its `Glob` returns.
#[derive(Debug)]
struct ByteMap(Vec<(&'static str, &'static str)>);

impl HostObject for ByteMap {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, method: &str, _: &[Value]) -> Option<Result<Value, String>> {
        match method {
            "MarshalJSON" => Some(Ok(Value::String(r#"{"x":"eA=="}"#.into()))),
            _ => None,
        }
    }
    fn entries(&self) -> Option<Entries> {
        let entries = self.0.iter().map(|(k, v)| (k.to_string(), Value::Bytes(Arc::from(v.as_bytes())))).collect();
        Some(Entries::Map { entries, zero: Value::Bytes(Arc::from([])) })
    }
}

/// A host slice of strings, like `.Capabilities.APIVersions`.
#[derive(Debug)]
struct Strings(Vec<&'static str>);

impl HostObject for Strings {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, _: &str, _: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn entries(&self) -> Option<Entries> {
        Some(Entries::List(self.0.iter().map(|s| Value::String(s.to_string())).collect()))
    }
}

fn render_with(src: &str, data: &[(&str, Value)]) -> Result<String, TemplateError> {
    let mut e = Engine::new(Limits::default());
    e.parse("t", src)?;
    e.render("t", &Value::Map(data.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()))
}

#[test]
fn host_maps_range_len_index_and_print_like_go_maps() {
    let files = Value::Host(Arc::new(ByteMap(vec![("b/y.txt", "y\n"), ("a/x.txt", "x")])));
    let empty = Value::Host(Arc::new(ByteMap(Vec::new())));
    let data = [("F", files.clone()), ("E", empty), ("G", files)];
    let r = |src: &str| render_with(src, &data).unwrap();
    // Key order; the element is the content (a []byte), with one variable too.
    assert_eq!(
        r(r#"{{ range $p, $c := .F }}{{ $p }}={{ $c | toString | quote }};{{ end }}"#),
        r#"a/x.txt="x";b/y.txt="y\n";"#
    );
    assert_eq!(
        r(r#"{{ range $c := .F }}{{ printf "%s" $c }}{{ end }}|{{ range .F }}{{ . }}{{ end }}"#),
        "xy\n|[120][121 10]"
    );
    assert_eq!(r(r#"{{ range $p, $_ := .E }}x{{ else }}none{{ end }}"#), "none");
    assert_eq!(r("{{ len .F }} {{ len .E }}"), "2 0");
    assert_eq!(
        r(r#"{{ index .F "a/x.txt" | toString }}|{{ index .F "nope" }}|{{ index .F "nope" | printf "%T" }}"#),
        "x|[]|[]uint8"
    );
    assert_eq!(r("{{ if .F }}y{{ end }}{{ if .E }}n{{ end }} {{ empty .E }} {{ empty .F }}"), "y true false");
    assert_eq!(r("{{ kindOf .F }} {{ typeOf .F }}"), "map engine.files");
    assert_eq!(r("{{ .F }}"), "map[a/x.txt:[120] b/y.txt:[121 10]]");
    assert_eq!(r("{{ deepEqual .F .G }} {{ deepEqual .F .E }}"), "true false");
    assert_eq!(r("{{ toYaml .F }}"), "x: eA==");
    let err = render_with("{{ index .F 1 }}", &data).unwrap_err();
    assert!(err.message.ends_with("error calling index: value has type int; should be string"), "{err}");
}

#[test]
fn host_slices_range_len_index_and_slice_like_go_slices() {
    let data = [("V", Value::Host(Arc::new(Strings(vec!["v1", "apps/v1", "batch/v1"]))))];
    let r = |src: &str| render_with(src, &data).unwrap();
    assert_eq!(r("{{ range $i, $v := .V }}{{ $i }}={{ $v }} {{ end }}"), "0=v1 1=apps/v1 2=batch/v1 ");
    assert_eq!(
        r("{{ len .V }} {{ index .V 1 }} {{ slice .V 1 }} {{ first .V }} {{ last .V }}"),
        "3 apps/v1 [apps/v1 batch/v1] v1 batch/v1"
    );
    assert_eq!(
        r(r#"{{ join "," .V }} {{ has "apps/v1" .V }} {{ .V }} {{ printf "%q" .V }}"#),
        r#"v1,apps/v1,batch/v1 true [v1 apps/v1 batch/v1] ["v1" "apps/v1" "batch/v1"]"#
    );
    assert_eq!(
        r("{{ kindOf .V }} {{ toJson .V }}|{{ toYaml .V }}"),
        r#"slice ["v1","apps/v1","batch/v1"]|- v1"#.to_owned() + "\n- apps/v1\n- batch/v1"
    );
    let err = render_with("{{ index .V 3 }}", &data).unwrap_err();
    assert!(err.message.ends_with("error calling index: reflect: slice index out of range: 3"), "{err}");
    // A host object that is neither still cannot be ranged over.
    let err = render_with("{{ range .C }}{{ end }}", &[("C", Value::Host(Arc::new(Caps)))]).unwrap_err();
    assert!(err.message.ends_with("range can't iterate over {*chartutil.Capabilities}"), "{err}");
    let err = render_with("{{ len .C }}", &[("C", Value::Host(Arc::new(Caps)))]).unwrap_err();
    assert!(err.message.ends_with("error calling len: len of type *chartutil.Capabilities"), "{err}");
}

#[test]
fn bytes_print_as_numbers_and_convert_as_text() {
    let data = [("B", Value::Bytes(Arc::from(&b"c\n"[..])))];
    let r = |src: &str| render_with(src, &data).unwrap();
    assert_eq!(
        r("{{ .B }}|{{ print .B \"z\" }}|{{ cat .B \"z\" }}|{{ squote .B }}"),
        "[99 10]|[99 10]z|[99 10] z|'[99 10]'"
    );
    assert_eq!(
        r("{{ .B | toString | quote }}|{{ quote .B }}|{{ default \"d\" .B | toString }}"),
        "\"c\\n\"|\"c\\n\"|c\n"
    );
    assert_eq!(
        r(r#"{{ printf "%s|%q|%x|%X|%v|%d|%T|%-4v|%#v|%5s" .B .B .B .B .B .B .B .B .B .B }}"#),
        "c\n|\"c\\n\"|630a|630A|[99 10]|[99 10]|[]uint8|[99   10  ]|[]byte{0x63, 0xa}|   c\n"
    );
    assert_eq!(
        r("{{ len .B }} {{ index .B 0 }} {{ kindOf .B }} {{ typeOf .B }} {{ empty .B }}"),
        "2 99 slice []uint8 false"
    );
    assert_eq!(r("{{ range $i, $b := .B }}{{ $i }}={{ $b }} {{ end }}"), "0=99 1=10 ");
    assert_eq!(r("{{ toJson .B }}|{{ toYaml .B }}|{{ toJson (list .B) }}"), "\"Ywo=\"|Ywo=|[\"Ywo=\"]");
    assert_eq!(
        r("{{ slice .B 0 1 | printf \"%T %s\" (slice .B 0 1) }}|{{ first .B }}|{{ join \",\" .B }}"),
        "[]uint8 c|99|99,10"
    );
    // A []byte is not a string parameter, as in Go.
    let err = render_with("{{ b64enc .B }}", &data).unwrap_err();
    assert!(err.message.ends_with("wrong type for value; expected string; got []uint8"), "{err}");
    let err = render_with("{{ eq .B .B }}", &data).unwrap_err();
    assert!(err.message.contains("non-comparable type"), "{err}");
}

#[test]
fn to_json_prints_floats_like_go_encoding_json() {
    let cases: &[(&str, &str)] = &[
        ("12345678901234567890.0", "12345678901234567000"),
        ("1e21", "1e+21"),
        ("1.5e21", "1.5e+21"),
        ("1e20", "100000000000000000000"),
        ("123456789012345678901234.0", "1.2345678901234569e+23"),
        ("0.000001", "0.000001"),
        ("0.0000001", "1e-7"),
        ("1.25e-7", "1.25e-7"),
        ("-1e-10", "-1e-10"),
        ("0.000001234", "0.000001234"),
        ("2.0", "2"),
        ("-0.0", "-0"),
        ("0.5", "0.5"),
        ("1e100", "1e+100"),
        ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("-123.456", "-123.456"),
    ];
    for (literal, want) in cases {
        assert_eq!(render(&format!("{{{{ toJson {literal} }}}}")).unwrap(), *want, "toJson {literal}");
    }
    // toYaml reads JSON integers back as int64 or uint64, everything else as float64 ('g').
    assert_eq!(
        render("{{ toYaml (list 12345678901234567890.0 18446744073709551616.0 1e21 1e-7 2.0 (mulf -1.0 0.0)) }}")
            .unwrap(),
        "- 12345678901234567000\n- 1.8446744073709552e+19\n- 1e+21\n- 1e-07\n- 2\n- 0"
    );
    assert_eq!(render("{{ toPrettyJson (dict \"a\" 1e21) }}").unwrap(), "{\n  \"a\": 1e+21\n}");
}

#[test]
fn semver_returns_a_version_object() {
    let r = |src: &str| render(src).unwrap();
    let v = r#"{{ $v := semver "v1.2.3-rc.1+build.5" }}"#;
    assert_eq!(
        r(&format!("{v}{{{{ $v }}}}|{{{{ $v | toString }}}}|{{{{ printf \"%s %q\" $v $v }}}}")),
        r#"1.2.3-rc.1+build.5|1.2.3-rc.1+build.5|1.2.3-rc.1+build.5 "1.2.3-rc.1+build.5""#
    );
    assert_eq!(
        r(&format!(
            "{v}{{{{ list $v.Major $v.Minor $v.Patch $v.Prerelease $v.Metadata $v.Original $v.String | toJson }}}}"
        )),
        r#"[1,2,3,"rc.1","build.5","v1.2.3-rc.1+build.5","1.2.3-rc.1+build.5"]"#
    );
    assert_eq!(
        r(&format!("{v}{{{{ typeOf $v }}}} {{{{ kindOf $v }}}} {{{{ toJson $v }}}} {{{{ toYaml (dict \"v\" $v) }}}}")),
        r#"*semver.Version ptr "1.2.3-rc.1+build.5" v: 1.2.3-rc.1+build.5"#
    );
    assert_eq!(
        r(r#"{{ semver "1.2" }} {{ semver "v2" }} {{ semver "01.2.3" }} {{ (semver "v2").Original }}"#),
        "1.2.0 2.0.0 1.2.3 v2"
    );
    assert_eq!(
        r(
            r#"{{ (semver "1.2.3").GreaterThan (semver "1.0.0") }} {{ (semver "1.2.3").LessThan (semver "1.0.0") }} {{ (semver "1.2.3").Equal (semver "v1.2.3+m") }} {{ (semver "1.2.3-a").Compare (semver "1.2.3") }} {{ (semver "1.2.3").GreaterThanEqual (semver "1.2.3") }} {{ (semver "1.2.4").LessThanEqual (semver "1.2.3") }}"#
        ),
        "true false true -1 true false"
    );
    // Inc*/Set* return a semver.Version value: a struct without the pointer's methods.
    assert_eq!(
        r(
            r#"{{ (semver "1.2.3-rc1").IncPatch }} {{ (semver "1.2.3").IncPatch }} {{ (semver "1.2.3+m").IncMinor }} {{ (semver "1.2.3").IncMajor }} {{ (semver "1.2.3").SetPrerelease "b.1" }} {{ (semver "1.2.3").SetMetadata "m" }} {{ typeOf (semver "1.0.0").IncPatch }} {{ kindOf (semver "1.0.0").IncPatch }}"#
        ),
        "1.2.3 1.2.4 1.3.0 2.0.0 1.2.3-b.1 1.2.3+m semver.Version struct"
    );
    let e = |src: &str| render(src).unwrap_err().message;
    assert!(
        e(r#"{{ (semver "1.2.3").IncPatch.Original }}"#)
            .ends_with("can't evaluate field Original in type semver.Version")
    );
    assert!(e(r#"{{ semver "1.2.3.4" }}"#).ends_with("error calling semver: invalid semantic version"));
    assert!(e(r#"{{ semver "1.2.3-01" }}"#).ends_with("error calling semver: version segment starts with 0"));
    assert!(e(r#"{{ semver "99999999999999999999" }}"#).ends_with(
        r#"error calling semver: error parsing version segment: strconv.ParseUint: parsing "99999999999999999999": value out of range"#
    ));
    assert!(
        e(r#"{{ (semver "1.2.3").SetPrerelease "a..b" }}"#)
            .ends_with("error calling SetPrerelease: invalid prerelease string")
    );
    assert!(
        e(r#"{{ (semver "1.2.3").SetMetadata "a_b" }}"#)
            .ends_with("error calling SetMetadata: invalid metadata string")
    );
    assert!(
        e(r#"{{ (semver "18446744073709551615.0.0").IncMajor }}"#)
            .ends_with("major version increment would overflow uint64")
    );
    assert!(
        e(r#"{{ semverCompare "foo" "1.0.0" }}"#)
            .ends_with(r#"error calling semverCompare: improper constraint: "foo""#)
    );
    // semverCompare is unchanged by the object, and a prerelease in a group admits prereleases.
    assert_eq!(
        r(
            r#"{{ semverCompare ">=1.21-0, <1.30.0" "1.27.3-gke.1" }} {{ semverCompare "<1.30.0" "1.27.3-gke.1" }} {{ semverCompare "!=1.2.3" "1.2.4-rc1" }} {{ semverCompare ">=1.19-0" "v1.20.3" }}"#
        ),
        "true false false true"
    );
}

/// A plain Go struct value (`struct{ Name string; Count int }`).
#[derive(Debug)]
struct Pair;

impl HostObject for Pair {
    fn type_name(&self) -> &str {
        "main.pair"
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.struct_fields()?.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
    fn call(&self, _: &str, _: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn struct_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![("Name".into(), Value::String("a b".into())), ("Count".into(), Value::Int(2))])
    }
}

#[test]
fn host_structs_print_and_marshal_by_their_fields() {
    let data = [("P", Value::Host(Arc::new(Pair)))];
    let r = |src: &str| render_with(src, &data).unwrap();
    // Go: {a b 2} {Name:a b Count:2} main.pair{Name:"a b", Count:2}; encoding/json keeps the
    // field order, toYaml (through a map) sorts.
    assert_eq!(
        r(r#"{{ .P }} {{ printf "%+v" .P }} {{ printf "%#v" .P }}"#),
        r#"{a b 2} {Name:a b Count:2} main.pair{Name:"a b", Count:2}"#
    );
    assert_eq!(r("{{ toJson .P }} {{ .P.Name }} {{ kindOf .P }}"), r#"{"Name":"a b","Count":2} a b struct"#);
    assert_eq!(r("{{ toYaml .P }}|{{ toYaml (list .P) }}"), "Count: 2\nName: a b|- Count: 2\n  Name: a b");
    // %+v signs no number and %#v quotes strings, as in Go.
    assert_eq!(r(r#"{{ printf "%#v|%+v|%+v|%+d" "x" 2 (list 1 "a") 3 }}"#), r#""x"|2|[1 a]|+3"#);
}
