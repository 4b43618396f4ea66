//! Unit tests of the Go facts, one file per concern; the lexer, helpers and imports here.

mod frameworks;
mod listens;
mod routes;
mod servers;
mod shutdown;

use super::helpers::{default_import_name, join_path, parse_port, portish, tag_lookup, words};
use super::lex::{Kind, lex, parse_int, unescape};
use super::*;

fn routes(src: &str) -> Vec<(String, Option<String>, String, String)> {
    parse(src).routes.into_iter().map(|r| (r.pattern, r.method, r.path, r.framework)).collect()
}

fn paths(src: &str) -> Vec<String> {
    parse(src).routes.into_iter().map(|r| r.path).collect()
}

fn listens(src: &str) -> Vec<(String, Option<u16>, String)> {
    parse(src).listens.into_iter().map(|l| (l.addr, l.port, l.how)).collect()
}

fn r(pattern: &str, method: Option<&str>, path: &str, fw: &str) -> (String, Option<String>, String, String) {
    (pattern.into(), method.map(Into::into), path.into(), fw.into())
}

#[test]
fn lexer_handles_comments_strings_runes_and_positions() {
    let src = "a /* x\n y */ \"s\\\"t\" `raw\nline` 'é' 0x1F 1.5e+3 x.y := <<= ...\n// c\nz";
    let toks = lex(src);
    let texts: Vec<&str> = toks.iter().map(|t| &src[t.start..t.end]).collect();
    assert_eq!(
        texts,
        ["a", "\"s\\\"t\"", "`raw\nline`", "'é'", "0x1F", "1.5e+3", "x", ".", "y", ":=", "<<=", "...", "z"]
    );
    assert!(toks[1].nl_before, "a newline inside /* */ counts");
    assert_eq!(toks[1].pos, Pos::new(2, 7));
    assert_eq!(toks[3].pos, Pos::new(3, 7));
    assert_eq!(toks[4].pos, Pos::new(3, 11), "columns count characters, not bytes");
    assert_eq!(toks[4].kind, Kind::Int);
    assert_eq!(toks[5].kind, Kind::Float);
    assert_eq!(toks.last().map(|t| t.pos), Some(Pos::new(5, 1)));
}

#[test]
fn lexer_survives_unterminated_literals_and_stray_characters() {
    for src in ["\"abc", "`abc", "/* abc", "'", "a := \"x\n b", "#$?\\ @", "\"\\", "0x", "é:=ü", ""] {
        let _ = lex(src);
        let _ = parse(src);
    }
    let toks = lex("\"abc\nx");
    assert_eq!(toks.len(), 2);
    assert_eq!(toks[1].pos, Pos::new(2, 1));
}

#[test]
fn string_escapes_are_decoded() {
    assert_eq!(unescape(r"a\tb\x41\101\u00e9\U0001F600\\\q"), "a\tbAAé😀\\\\q");
    assert_eq!(parse_int("0x_1F"), Some(31));
    assert_eq!(parse_int("0o17"), Some(15));
    assert_eq!(parse_int("017"), Some(15));
    assert_eq!(parse_int("8_080"), Some(8080));
    assert_eq!(parse_int("0b101"), Some(5));
}

#[test]
fn helpers() {
    assert_eq!(words("HTTPPort"), ["http", "port"]);
    assert_eq!(words("listen_addr"), ["listen", "addr"]);
    assert!(portish("DefaultPort") && portish("PORT") && portish("http-addr") && portish("ListenAddress"));
    assert!(!portish("maxReportSize") && !portish("Transport") && !portish("support"));
    assert!(portish("PORT_DEFAULT") && portish("portNumber") && portish("listen-address"));
    assert!(!portish("ERROR_PORT_NOT_SET") && !portish("listenBacklog") && !portish("PortMapping"));
    assert_eq!(parse_port(":8080"), Some(8080));
    assert_eq!(parse_port("8080"), Some(8080));
    assert_eq!(parse_port("[::1]:9090"), Some(9090));
    assert_eq!(parse_port(":http"), None);
    assert_eq!(parse_port(":0"), None);
    assert_eq!(parse_port("PORT"), None);
    assert_eq!(parse_port("99999"), None);
    assert_eq!(join_path("/api", "/users"), "/api/users");
    assert_eq!(join_path("/api/", "/users"), "/api/users");
    assert_eq!(join_path("/api", "users"), "/api/users");
    assert_eq!(default_import_name("github.com/go-chi/chi/v5"), "chi");
    assert_eq!(default_import_name("gopkg.in/yaml.v3"), "yaml");
    assert_eq!(default_import_name("github.com/labstack/echo/v4"), "echo");
    assert_eq!(tag_lookup(r#"json:"port" env:"PORT" envDefault:"8080""#, "envDefault").as_deref(), Some("8080"));
}

#[test]
fn package_and_imports_with_aliases() {
    let f = parse(
        "// Package main.\npackage main\n\nimport (\n\t\"fmt\"\n\tnethttp \"net/http\"\n\t_ \"embed\"\n\t. \"strings\"\n)\nimport \"os\"\n",
    );
    assert_eq!(f.package, "main");
    let got: Vec<(&str, Option<&str>, Pos)> =
        f.imports.iter().map(|i| (i.path.as_str(), i.alias.as_deref(), i.pos)).collect();
    assert_eq!(
        got,
        [
            ("fmt", None, Pos::new(5, 2)),
            ("net/http", Some("nethttp"), Pos::new(6, 2)),
            ("embed", Some("_"), Pos::new(7, 2)),
            ("strings", Some("."), Pos::new(8, 2)),
            ("os", None, Pos::new(10, 8)),
        ]
    );
    assert!(!f.is_test);
}
