//! `.paved/scaffold.yaml`: what `paved new` generated, written into the project with it — the
//! paved version, the answers (name, module, port, Go versions, CI, registry, chart, deploy) and
//! each generated file's path with the SHA-256 of the content paved wrote. It is the base that
//! `paved update` needs for a three-way merge (re-render the recorded version with the recorded
//! answers, compare with what is there) and tells whether a file was edited since. One small,
//! readable file, written by hand here (a few scalar keys and a list) so its format is exactly
//! the documented one; `paved lint` does not lint it (it is no manifest, workflow or chart).

use sha2::{Digest, Sha256};

use super::options::Options;
use super::render::GeneratedFile;

/// Where the record lives in the project.
pub const PATH: &str = ".paved/scaffold.yaml";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a generated file's content, as the record holds it.
pub fn digest(contents: &[u8]) -> String {
    hex(&Sha256::digest(contents))
}

/// A YAML scalar for a value the answers hold: quoted when YAML would read it as something else
/// (a version like `1.26` is a float to YAML).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !s.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '.')
        && !matches!(s, "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~");
    if plain { s.to_string() } else { format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// The record of `files`, generated with `options`.
pub fn record(options: &Options, files: &[GeneratedFile]) -> GeneratedFile {
    let ci = match (options.ci_github, options.ci_gitlab) {
        (true, true) => "both",
        (true, false) => "github",
        (false, true) => "gitlab",
        (false, false) => "none",
    };
    let mut out = String::from(
        "---\n\
         # Written by paved: what it generated, and from which answers.\n\
         # `paved update` renders these answers with the recorded paved version\n\
         # to merge template changes into your files. Each sha256 is of the\n\
         # content paved wrote: a different one means the file was edited.\n\
         # Keep this file in version control; do not edit it by hand.\n",
    );
    out.push_str(&format!("paved: {}\n", scalar(env!("CARGO_PKG_VERSION"))));
    out.push_str("answers:\n");
    for (k, v) in [
        ("name", options.name.clone()),
        ("module", options.module.clone()),
        ("port", options.port.to_string()),
        ("go", options.go.go_mod.to_string()),
        ("toolchain", options.go.toolchain.to_string()),
        ("ci", ci.to_string()),
        ("registry", options.registry.clone()),
        ("helm", options.helm.to_string()),
        ("deploy", if options.deploy { "helm" } else { "none" }.to_string()),
    ] {
        // Numbers and switches are written as YAML reads them; versions and names as strings.
        let value = if k == "port" || k == "helm" { v } else { scalar(&v) };
        out.push_str(&format!("  {k}: {value}\n"));
    }
    out.push_str("files:\n");
    for f in files {
        out.push_str(&format!("  - path: {}\n    sha256: {}\n", scalar(&f.path), digest(&f.contents)));
    }
    GeneratedFile { path: PATH.to_string(), contents: out.into_bytes(), executable: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn scalars_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("1.26.8"), "\"1.26.8\"");
        assert_eq!(scalar("ghcr.io/acme"), "ghcr.io/acme");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }

    #[test]
    fn the_record_parses_back_to_the_answers_and_hashes() {
        let files = vec![
            GeneratedFile { path: "Dockerfile".into(), contents: b"FROM scratch\n".to_vec(), executable: false },
            GeneratedFile {
                path: ".github/workflows/ci.yml".into(),
                contents: b"on: push\n".to_vec(),
                executable: false,
            },
        ];
        let options = Options {
            name: "orders".into(),
            module: "github.com/acme/orders".into(),
            dir: "orders".into(),
            port: 8080,
            go: {
                let v = crate::scaffold::go_release::GoVersion::new(1, 26, 8);
                crate::scaffold::go_release::GoTarget { go_mod: v, toolchain: v, source: "test" }
            },
            ci_github: true,
            ci_gitlab: false,
            registry: "ghcr.io/acme".into(),
            helm: true,
            deploy: true,
        };
        let r = record(&options, &files);
        assert_eq!(r.path, ".paved/scaffold.yaml");
        let text = String::from_utf8(r.contents).unwrap();
        let doc = yaml::parse_stream(&text, &yaml::Limits::default()).unwrap().remove(0).root.to_json();
        assert_eq!(doc["answers"]["module"], "github.com/acme/orders");
        assert_eq!(doc["answers"]["go"], "1.26.8");
        assert_eq!(doc["answers"]["port"], 8080);
        assert_eq!(doc["answers"]["helm"], true);
        assert_eq!(doc["answers"]["ci"], "github");
        assert_eq!(doc["answers"]["deploy"], "helm");
        assert_eq!(doc["files"][0]["path"], "Dockerfile");
        assert_eq!(doc["files"][0]["sha256"], digest(b"FROM scratch\n"));
        assert_eq!(doc["files"][1]["path"], ".github/workflows/ci.yml");
    }
}
