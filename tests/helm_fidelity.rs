//! `paved render` against real Helm (`tests/oracles/helm_oracle.py`, Helm 4 as a library): the
//! parsed YAML documents, keyed by their `# Source:` template and in Helm's order, must be the
//! same for the `helm create` chart, the chart `paved new` writes, every chart of the shared
//! corpus (with each of its `ci/*-values.yaml` files) and the hand-written charts in
//! `tests/fixtures/charts/`. Every known difference is listed in [`KNOWN_GAPS`] with its reason,
//! and must still be a difference (a fixed gap fails the test until it is removed from the list).
//! Error cases must fail in both, and paved's error must name the template and its line.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use paved::helm::{self, RenderErrorKind, RenderOptions, TemplateFailure};
use regex::Regex;
use serde_json::Value as Json;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/charts");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/charts");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/helm_oracle.py");

/// What a known gap looks like.
enum Expect {
    /// paved fails with an error containing this text; Helm renders.
    PavedFails(&'static str),
    /// These sources render differently; every other source is the same.
    Differs(&'static [&'static str]),
}

struct Gap {
    /// The case's label (see [`Case::label`]).
    case: &'static str,
    expect: Expect,
    reason: &'static str,
}

const KNOWN_GAPS: &[Gap] = &[
    Gap {
        case: "fixtures/err-unsupported-function",
        expect: Expect::PavedFails("\"urlParse\" is not supported"),
        reason: "urlParse is not implemented; paved reports a helm-render-error naming the function",
    },
    Gap {
        case: "fixtures/known-gaps",
        expect: Expect::Differs(&["known-gaps/templates/yaml-error-text.yaml"]),
        reason: "fromYaml's error text is our YAML parser's, not go-yaml's (which words and places its \
                 errors differently: an unclosed `[` is \"line 1: did not find expected node content\")",
    },
];

/// Sources whose output is random in Helm too (fresh keys and serials, bcrypt salts): they are
/// compared after [`mask_random`], which keeps the structure and drops the random values.
struct Random {
    case: &'static str,
    sources: &'static [&'static str],
    reason: &'static str,
}

const BCRYPT: &str = "htpasswd hashes with bcrypt and a random salt";

const RANDOM: &[Random] = &[
    Random {
        case: "corpus/prometheus-pushgateway --values ci/basic-auth-values.yaml",
        sources: &["prometheus-pushgateway/templates/secret.yaml"],
        reason: BCRYPT,
    },
    Random {
        case: "corpus/prometheus-pushgateway --values ci/servicemonitor-basicauth-secret-values.yaml",
        sources: &["prometheus-pushgateway/templates/secret.yaml"],
        reason: BCRYPT,
    },
    Random {
        case: "corpus/prometheus-pushgateway --values ci/servicemonitor-basicauth-values.yaml",
        sources: &["prometheus-pushgateway/templates/secret.yaml"],
        reason: BCRYPT,
    },
    Random {
        case: "fixtures/crypto",
        sources: &["crypto/templates/functions.yaml"],
        reason: "keys, certificates, IVs and salts are new on every run",
    },
    Random {
        case: "fixtures/webhook",
        sources: &["webhook/templates/webhook.yaml"],
        reason: "genCA and genSignedCert make a new key pair and certificate on every run",
    },
];

static PEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END [A-Z0-9 ]+-----").expect("valid regex")
});
static BCRYPT_HASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$(2[abxy]\$\d\d)\$[./A-Za-z0-9]{53}").expect("valid regex"));

/// A document with its random values masked: every PEM block becomes the shape of its DER (see
/// [`der_shape`]), every bcrypt hash its version and cost, and base64 text is looked into.
fn mask_random(v: &Json) -> Json {
    match v {
        Json::String(s) => Json::String(mask_text(s)),
        Json::Array(items) => Json::Array(items.iter().map(mask_random).collect()),
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), mask_random(v))).collect()),
        other => other.clone(),
    }
}

fn mask_text(s: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    if s.len() >= 16
        && s.len().is_multiple_of(4)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        && let Ok(text) = b64.decode(s).map(String::from_utf8)
        && let Ok(text) = text
    {
        let masked = mask_text(&text);
        if masked != text {
            return format!("base64({masked})");
        }
    }
    let s = PEM.replace_all(s, |c: &regex::Captures| {
        let body: String = c[2].split_whitespace().collect();
        let shape = b64.decode(body).ok().and_then(|der| der_shape(&der, false)).unwrap_or_else(|| "invalid".into());
        format!("<{} {shape}>", &c[1])
    });
    BCRYPT_HASH.replace_all(&s, "<bcrypt $1>").into_owned()
}

/// One DER element: (tag, content, rest).
fn der_next(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, d) = d.split_first()?;
    let (&len, mut d) = d.split_first()?;
    let len = if len < 0x80 {
        usize::from(len)
    } else {
        let n = usize::from(len & 0x7f);
        if n == 0 || n > 4 || d.len() < n {
            return None;
        }
        let v = d[..n].iter().fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        d = &d[n..];
        v
    };
    (d.len() >= len).then(|| (tag, &d[..len], &d[len..]))
}

/// The structure of DER text with its random parts left out: tags, OIDs, strings, booleans and
/// small integers as they are; large integers (serials, key material, signatures) by their bit
/// length rounded up to 64; times as `time`; octet and bit strings by their length, or by their
/// own shape when they hold DER (an extension's value, a public key, an ECDSA signature);
/// `[0]` key identifiers by their length. `ext_value` is set for the value of an extension.
fn der_shape(mut d: &[u8], ext_value: bool) -> Option<String> {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    // DER inside a string is one element spanning it (random bytes rarely are).
    let inner = |content: &[u8]| match (content.first(), der_next(content)) {
        (Some(0x30 | 0x03 | 0x04), Some((_, _, []))) => der_shape(content, false).map(|s| format!("[{s}]")),
        _ => None,
    };
    let mut parts = Vec::new();
    while !d.is_empty() {
        let (tag, content, rest) = der_next(d)?;
        parts.push(match tag {
            0x02 if content.len() <= 8 => format!("int({})", hex(content)),
            0x02 => {
                let digits = content.iter().skip_while(|&&b| b == 0).count();
                format!("int{}", (digits * 8).div_ceil(64) * 64)
            }
            0x03 => match content.split_first() {
                Some((_, bits)) if bits.len() <= 4 => format!("bits:{}", hex(content)),
                Some((_, bits)) => inner(bits).unwrap_or_else(|| format!("bits({})", bits.len())),
                None => "bits()".to_string(),
            },
            0x04 if ext_value => inner(content).unwrap_or_else(|| format!("octets({})", content.len())),
            0x04 | 0x80 => format!("octets({})", content.len()),
            0x17 | 0x18 => "time".to_string(),
            t if t & 0x20 != 0 => {
                // An extension is a SEQUENCE of its OID, maybe a critical flag, and its value.
                let is_ext = t == 0x30 && content.first() == Some(&0x06) && content.len() > 2 && content[2] == 0x55;
                format!("{t:02x}{{{}}}", der_shape(content, is_ext)?)
            }
            t => format!("{t:02x}:{}", hex(content)),
        });
        d = rest;
    }
    Some(parts.join(" "))
}

/// One `helm template` call.
#[derive(Clone)]
struct Case {
    label: String,
    chart: PathBuf,
    values: Vec<PathBuf>,
    release: Option<&'static str>,
    namespace: Option<&'static str>,
}

impl Case {
    fn new(label: impl Into<String>, chart: impl Into<PathBuf>) -> Self {
        Self { label: label.into(), chart: chart.into(), values: Vec::new(), release: None, namespace: None }
    }

    fn with_values(mut self, file: PathBuf) -> Self {
        self.label = format!("{} --values {}", self.label, rel(&file, &self.chart));
        self.values.push(file);
        self
    }

    fn options(&self) -> RenderOptions {
        let d = RenderOptions::default();
        RenderOptions {
            values_files: self.values.clone(),
            release: self.release.map_or(d.release, str::to_owned),
            namespace: self.namespace.map_or(d.namespace, str::to_owned),
            ..RenderOptions::default()
        }
    }
}

fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// Documents of a `helm template` stream: (source, parsed document) in order.
fn documents(manifest: &str) -> Vec<(String, Json)> {
    let mut chunks: Vec<(String, String)> = Vec::new();
    let lines: Vec<&str> = manifest.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i] == "---"
            && let Some(source) = lines.get(i + 1).and_then(|l| l.strip_prefix("# Source: "))
        {
            chunks.push((source.to_owned(), String::new()));
            i += 2;
            continue;
        }
        if let Some((_, text)) = chunks.last_mut() {
            text.push_str(lines[i]);
            text.push('\n');
        }
        i += 1;
    }
    let limits = paved::parse::yaml::Limits::default();
    chunks
        .into_iter()
        .flat_map(|(source, text)| {
            let docs = paved::parse::yaml::parse_stream(&text, &limits)
                .unwrap_or_else(|e| panic!("{source}: invalid YAML at {e}:\n{text}"));
            docs.into_iter().map(move |d| (source.clone(), d.root.to_json())).collect::<Vec<_>>()
        })
        .collect()
}

fn by_source(docs: &[(String, Json)]) -> BTreeMap<&str, Vec<&Json>> {
    let mut map: BTreeMap<&str, Vec<&Json>> = BTreeMap::new();
    for (s, d) in docs {
        map.entry(s.as_str()).or_default().push(d);
    }
    map
}

fn oracle(python: &Path, case: &Case) -> Result<String, String> {
    let mut cmd = Command::new(python);
    cmd.arg(ORACLE).arg("render").arg(&case.chart);
    for v in &case.values {
        cmd.arg("--values").arg(v);
    }
    cmd.args(["--release", case.release.unwrap_or("release-name")]);
    cmd.args(["--namespace", case.namespace.unwrap_or("default")]);
    let out = common::run(&mut cmd);
    if out.status.success() { Ok(String::from_utf8_lossy(&out.stdout).into_owned()) } else { Err(common::text(&out)) }
}

/// Compares paved with Helm on one case; returns the problems found.
fn check(python: &Path, case: &Case) -> Vec<String> {
    let gap = KNOWN_GAPS.iter().find(|g| g.case == case.label);
    let theirs = oracle(python, case);
    let ours = helm::render(&case.chart, &case.options());
    let label = &case.label;
    match (ours, theirs, gap.map(|g| &g.expect)) {
        (Err(e), Ok(_), Some(Expect::PavedFails(text))) if e.to_string().contains(text) => Vec::new(),
        (Err(e), Err(_), None) if label.contains("/err-") => {
            let located = e.line > 0 || e.file.is_some();
            if located { Vec::new() } else { vec![format!("{label}: paved's error names no place: {e}")] }
        }
        (Err(e), Err(h), _) => vec![format!("{label}: both fail, unexpectedly\n  paved: {e}\n  helm: {h}")],
        (Ok(_), Err(h), _) => vec![format!("{label}: Helm fails, paved renders:\n{h}")],
        (Err(e), Ok(_), _) => vec![format!("{label}: paved fails, Helm renders: {e}")],
        (Ok(rendered), Ok(manifest), expect) => {
            let mut problems = Vec::new();
            if let Some(Expect::PavedFails(_)) = expect {
                problems.push(format!("{label}: listed in KNOWN_GAPS as failing, but renders: remove it"));
            }
            let expected_diffs: &[&str] = match expect {
                Some(Expect::Differs(sources)) => sources,
                _ => &[],
            };
            let ours_only = helm::Rendered { hooks: Vec::new(), ..rendered.clone() };
            let (a, b) = (documents(&manifest), documents(&ours_only.manifest()));
            let order = |d: &[(String, Json)]| d.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>();
            if order(&a) != order(&b) {
                problems.push(format!(
                    "{label}: document order differs\n  helm:  {:?}\n  paved: {:?}",
                    order(&a),
                    order(&b)
                ));
            }
            let (a, b) = (by_source(&a), by_source(&b));
            let random: &[&str] = RANDOM.iter().find(|r| r.case == *label).map_or(&[], |r| r.sources);
            for source in a.keys().chain(b.keys()).collect::<std::collections::BTreeSet<_>>() {
                let same = if random.contains(source) {
                    let masked =
                        |d: Option<&Vec<&Json>>| d.map(|d| d.iter().map(|j| mask_random(j)).collect::<Vec<_>>());
                    if a.get(source) == b.get(source) {
                        problems.push(format!("{label}: {source} is listed in RANDOM but renders the same as Helm"));
                    }
                    masked(a.get(source)) == masked(b.get(source))
                } else {
                    a.get(source) == b.get(source)
                };
                match (same, expected_diffs.contains(source)) {
                    (true, true) => {
                        problems.push(format!("{label}: {source} is listed in KNOWN_GAPS but matches Helm"))
                    }
                    (false, false) => {
                        let show = |d: Option<&Vec<&Json>>| {
                            let d: Option<Vec<Json>> = d.map(|d| {
                                d.iter()
                                    .map(|j| if random.contains(source) { mask_random(j) } else { (*j).clone() })
                                    .collect()
                            });
                            serde_json::to_string(&d).unwrap_or_default()
                        };
                        problems.push(format!(
                            "{label}: {source} differs\n  helm:  {}\n  paved: {}",
                            show(a.get(source)),
                            show(b.get(source))
                        ))
                    }
                    _ => {}
                }
            }
            // The printed stream (hooks included) parses back to the rendered documents.
            let printed = documents(&rendered.manifest());
            if printed.len() != rendered.all().filter(|d| !documents_of(&d.text).is_empty()).count() {
                problems.push(format!("{label}: `manifest()` does not print every document"));
            }
            problems
        }
    }
}

fn documents_of(text: &str) -> Vec<paved::parse::yaml::Document> {
    paved::parse::yaml::parse_stream(text, &paved::parse::yaml::Limits::default()).unwrap_or_default()
}

/// Runs the cases (in parallel: each oracle call starts a Helm) and fails with every problem.
fn check_all(python: &Path, cases: &[Case]) {
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(8).max(1))
            .map(|chunk| s.spawn(move || chunk.iter().flat_map(|c| check(python, c)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("checker thread")).collect()
    });
    for case in cases {
        eprintln!("checked {}", case.label);
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n\n"));
}

fn chart_dirs(root: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{root}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn corpus_charts_match_helm() {
    let Some(python) = common::oracle_python() else { return };
    let mut cases = Vec::new();
    for dir in chart_dirs(CORPUS) {
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        let base = Case::new(format!("corpus/{name}"), &dir);
        cases.push(base.clone());
        let mut ci: Vec<PathBuf> = std::fs::read_dir(dir.join("ci"))
            .map(|entries| entries.map(|e| e.expect("dir entry").path()).collect())
            .unwrap_or_default();
        ci.sort();
        cases.extend(
            ci.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")).map(|v| base.clone().with_values(v)),
        );
    }
    assert!(cases.len() >= 8, "the corpus has charts");
    check_all(&python, &cases);
}

#[test]
fn fixture_charts_match_helm() {
    let Some(python) = common::oracle_python() else { return };
    let mut cases = Vec::new();
    for dir in chart_dirs(FIXTURES) {
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        cases.push(Case::new(format!("fixtures/{name}"), &dir));
    }
    let values = Path::new(FIXTURES).join("values");
    let once = Case::new("fixtures/values", &values).with_values(values.join("test-values/override.yaml"));
    cases.push(once.clone().with_values(values.join("test-values/second.yaml")));
    cases.push(once);
    let mut named = Case::new("fixtures/objects (release, namespace)", Path::new(FIXTURES).join("objects"));
    (named.release, named.namespace) = (Some("prod-1"), Some("payments"));
    cases.push(named);
    check_all(&python, &cases);
}

#[test]
fn helm_create_chart_matches_helm() {
    let Some(python) = common::oracle_python() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let create = "import sys, helm_python; helm_python.chart.Chart.create('mychart', sys.argv[1])";
    let out = common::run(Command::new(&python).args(["-c", create]).arg(tmp.path()));
    assert!(out.status.success(), "helm create: {}", common::text(&out));
    let chart = tmp.path().join("mychart");
    let values = tmp.path().join("everything.yaml");
    std::fs::write(
        &values,
        "ingress:\n  enabled: true\n  className: nginx\n  annotations: {a: b}\n  hosts:\n    - host: example.local\n\
         \x20     paths: [{path: /, pathType: Prefix}]\n  tls: [{secretName: tls, hosts: [example.local]}]\n\
         autoscaling:\n  enabled: true\n  targetMemoryUtilizationPercentage: 70\nhttpRoute:\n  enabled: true\n\
         serviceAccount:\n  create: false\npodAnnotations: {a: b}\npodLabels: {c: d}\nimagePullSecrets: [{name: r}]\n\
         volumes: [{name: foo, secret: {secretName: s}}]\nvolumeMounts: [{name: foo, mountPath: /etc/foo}]\n\
         nodeSelector: {disk: ssd}\ntolerations: [{key: k, operator: Exists}]\nresources: {limits: {cpu: 100m}}\n",
    )
    .expect("write values");
    let mut named = Case::new("helm-create (release, namespace)", &chart);
    (named.release, named.namespace) = (Some("web"), Some("shop"));
    let cases = [Case::new("helm-create", &chart), Case::new("helm-create", &chart).with_values(values), named];
    check_all(&python, &cases);
}

#[test]
fn paved_new_chart_matches_helm() {
    let Some(python) = common::oracle_python() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = common::run(
        Command::new(env!("CARGO_BIN_EXE_paved"))
            .args(["new", "orders", "--yes", "--dir"])
            .arg(tmp.path().join("orders")),
    );
    assert!(out.status.success(), "paved new: {}", common::text(&out));
    let chart = tmp.path().join("orders/deploy/helm/orders");
    let write = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).expect("write values");
        path
    };
    let features = write(
        "features.yaml",
        "autoscaling:\n  enabled: true\n  targetMemoryUtilizationPercentage: 75\nimage:\n  digest: \
         \"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\nnetworkPolicy:\n  enabled: false\n",
    );
    let extras = write(
        "extras.yaml",
        "podAnnotations: {a: \"1\"}\npodLabels: {team: x}\nextraEnv: [{name: FOO, value: bar}]\n\
         imagePullSecrets: [{name: regcred}]\npriorityClassName: high\ngoMemLimit: 400MiB\n\
         networkPolicy:\n  ingressFrom: [{namespaceSelector: {matchLabels: {name: ingress}}}]\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n\
         podDisruptionBudget:\n  minAvailable: 1\ntopologySpread:\n  enabled: false\nresources:\n  limits:\n    memory: 1Gi\n",
    );
    let base = Case::new("paved-new", &chart);
    check_all(&python, &[base.clone(), base.clone().with_values(features), base.with_values(extras)]);
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn render_err(name: &str) -> helm::RenderError {
    match helm::render(&fixture(name), &RenderOptions::default()) {
        Ok(r) => panic!("{name} rendered:\n{}", r.manifest()),
        Err(e) => e,
    }
}

/// Runs without the oracle: each error names its kind, file, template and line.
#[test]
fn errors_name_the_template_and_line() {
    let cases: &[(&str, RenderErrorKind, Option<&str>, u32, &str)] = &[
        (
            "err-required",
            RenderErrorKind::Template(TemplateFailure::Required),
            Some("templates/deployment.yaml"),
            10,
            "image.tag is required: pin a version",
        ),
        (
            "err-fail",
            RenderErrorKind::Template(TemplateFailure::Fail),
            Some("templates/configmap.yaml"),
            1,
            "set acceptLicense=true to install this chart",
        ),
        (
            "err-missing-template",
            RenderErrorKind::Template(TemplateFailure::Exec),
            Some("templates/configmap.yaml"),
            6,
            "no template \"err-missing-template.labels\"",
        ),
        (
            "err-recursion",
            RenderErrorKind::Template(TemplateFailure::Limit),
            Some("templates/configmap.yaml"),
            4,
            "nested reference name: err-recursion.loop",
        ),
        (
            "err-parse",
            RenderErrorKind::Template(TemplateFailure::Parse),
            Some("templates/configmap.yaml"),
            8,
            "unexpected EOF",
        ),
        (
            "err-undefined-function",
            RenderErrorKind::Template(TemplateFailure::UnknownFunction),
            Some("templates/cm.yaml"),
            4,
            "function \"nosuchfunction\" not defined",
        ),
        (
            "err-unsupported-function",
            RenderErrorKind::Template(TemplateFailure::UnknownFunction),
            Some("templates/secret.yaml"),
            1,
            "urlParse",
        ),
        ("err-yaml", RenderErrorKind::Yaml, Some("templates/configmap.yaml"), 6, "mapping values are not allowed"),
        ("err-schema", RenderErrorKind::Schema, Some("values.schema.json"), 0, "- at '/replicas': "),
        (
            "err-kube-version",
            RenderErrorKind::KubeVersion,
            Some("Chart.yaml"),
            0,
            "chart requires kubeVersion: <1.20.0 which is incompatible with Kubernetes v1.36.0",
        ),
        (
            "err-missing-dependency",
            RenderErrorKind::Dependencies,
            Some("Chart.yaml"),
            0,
            "missing in charts/ directory: postgresql",
        ),
    ];
    for (name, kind, file, line, text) in cases {
        let e = render_err(name);
        let shown = e.to_string();
        assert_eq!((e.kind, e.file.as_deref(), e.line), (*kind, *file, *line), "{name}: {shown}");
        assert!(shown.contains(text), "{name}: {shown:?} lacks {text:?}");
        assert_eq!(e.chart, *name);
        if let RenderErrorKind::Template(_) | RenderErrorKind::Yaml = e.kind {
            let template = e.template.clone().unwrap_or_default();
            assert!(template.starts_with(&format!("{name}/templates/")), "{name}: template {template}");
            assert!(shown.contains(template.as_str()), "{name}: {shown}");
            assert!(shown.contains(&format!(":{line}")) || shown.contains(&format!("line {line}")), "{name}: {shown}");
            assert!(e.col > 0, "{name}: no column");
        }
    }
    assert!(render_err("err-fail").to_string().contains("_helpers.tpl:3:"), "the helper's line is in the message");
}

#[test]
fn load_and_option_errors_are_located() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chart = tmp.path().join("bad");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: bad\nversion: 1.0.0\nkeywords: oops\n")
        .expect("write");
    let e = helm::render(&chart, &RenderOptions::default()).expect_err("bad Chart.yaml");
    assert_eq!((e.kind, e.file.as_deref(), e.line, e.col), (RenderErrorKind::Load, Some("Chart.yaml"), 4, 11), "{e}");

    let values = tmp.path().join("values.yaml");
    std::fs::write(&values, "a: [1,\n").expect("write");
    let opts = RenderOptions { values_files: vec![values.clone()], ..RenderOptions::default() };
    let e = helm::render(&fixture("control"), &opts).expect_err("bad values file");
    assert_eq!((e.kind, e.file.clone()), (RenderErrorKind::Values, Some(values.display().to_string())), "{e}");
    assert!(e.line > 0, "{e}");

    let opts = RenderOptions { release: "Not_Valid".into(), ..RenderOptions::default() };
    let e = helm::render(&fixture("control"), &opts).expect_err("bad release name");
    assert_eq!(e.kind, RenderErrorKind::ReleaseName, "{e}");

    let e = helm::render(tmp.path(), &RenderOptions::default()).expect_err("not a chart");
    assert_eq!(e.kind, RenderErrorKind::Load, "{e}");

    let e = helm::render(&fixture("subcharts/charts/common"), &RenderOptions::default()).expect_err("library");
    assert!(e.to_string().contains("library charts are not installable"), "{e}");
}

#[test]
fn hooks_are_apart_and_documents_are_located() {
    let r = helm::render(&fixture("ordering"), &RenderOptions::default()).expect("renders");
    let hooks: Vec<(&str, &str, Option<&str>)> =
        r.hooks.iter().map(|d| (d.kind.as_str(), d.name.as_str(), d.hook.as_deref())).collect();
    assert_eq!(hooks, [("Pod", "test", Some("test")), ("Job", "migrate", Some("pre-install,pre-upgrade"))]);
    assert!(r.all().all(|d| d.name != "unknown-hook-is-dropped" && d.name != "partials-are-not-rendered"));
    assert!(r.warnings.iter().any(|w| w.contains("unknown helm.sh/hook \"not-a-hook\"")), "{:?}", r.warnings);
    let glued = r.documents.iter().find(|d| d.name == "glued-to-separator").expect("split at ---apiVersion");
    assert_eq!((glued.file.as_deref(), glued.index, glued.line), (Some("templates/a-mixed.yaml"), 5, 28));
    let printed = r.manifest();
    assert!(
        printed.starts_with("---\n# Source: ordering/templates/a-mixed.yaml\napiVersion: v1\nkind: Namespace\n"),
        "{printed}"
    );
    assert!(printed.ends_with("  containers: [{name: m, image: \"busybox:1.36\"}]\n\n"), "hooks come last:\n{printed}");

    let r = helm::render(&fixture("subcharts"), &RenderOptions::default()).expect("renders");
    let files: Vec<(&str, Option<&str>)> = r.documents.iter().map(|d| (d.source.as_str(), d.file.as_deref())).collect();
    assert!(
        files.contains(&(
            "subcharts/charts/backend-replica/templates/deployment.yaml",
            Some("charts/backend/templates/deployment.yaml")
        )),
        "{files:?}"
    );
    assert!(files.contains(&("subcharts/charts/packaged/templates/svc.yaml", None)), "archived: {files:?}");
}

#[test]
fn kube_version_option_sets_capabilities_and_checks_kube_version() {
    let opts = RenderOptions { kube_version: Some("v1.29.3-gke.100".into()), ..RenderOptions::default() };
    let r = helm::render(&fixture("objects"), &opts).expect("renders");
    let caps = r.documents.iter().find(|d| d.name == "capabilities").expect("capabilities");
    for line in ["kubeVersion: \"v1.29.3-gke.100\"", "major: \"1\"", "minor: \"29\"", "printed: \"v1.29.3\""] {
        assert!(caps.text.contains(line), "{line} in\n{}", caps.text);
    }
    let opts = RenderOptions { kube_version: Some("1.24".into()), ..RenderOptions::default() };
    let e = helm::render(&fixture("objects"), &opts).expect_err("objects needs >=1.25");
    assert_eq!(e.kind, RenderErrorKind::KubeVersion, "{e}");
    let opts = RenderOptions { kube_version: Some("latest".into()), ..RenderOptions::default() };
    assert_eq!(helm::render(&fixture("objects"), &opts).map_err(|e| e.kind), Err(RenderErrorKind::KubeVersion));
}

#[test]
fn archives_render_like_directories() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let archive = tmp.path().join("control-0.1.0.tgz");
    let file = std::fs::File::create(&archive).expect("create");
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::default()));
    tar.append_dir_all("control", fixture("control")).expect("tar");
    tar.into_inner().expect("tar").finish().expect("gzip");
    let from_dir = helm::render(&fixture("control"), &RenderOptions::default()).expect("directory renders");
    let from_tgz = helm::render(&archive, &RenderOptions::default()).expect("archive renders");
    assert_eq!(from_dir.manifest(), from_tgz.manifest());
    assert!(from_tgz.all().all(|d| d.file.is_none()), "archived templates are not files on disk");
}

#[test]
fn render_command_prints_helm_template_shape() {
    let out =
        common::run(common::paved().args(["render", "--release", "rel", "--namespace", "ns"]).arg(fixture("objects")));
    assert!(out.status.success(), "{}", common::text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("---\n# Source: objects/templates/files.yaml\n"), "{stdout}");
    assert!(stdout.contains("  name: \"rel\"\n  namespace: \"ns\"\n"), "{stdout}");
    let values = fixture("values/test-values/override.yaml");
    let out = common::run(common::paved().arg("render").arg(fixture("values")).arg("--values").arg(values));
    assert!(String::from_utf8_lossy(&out.stdout).contains("image: \"nginx:1.28\""), "{}", common::text(&out));

    let out = common::run(common::paved().arg("render").arg(fixture("err-required")));
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("err-required/templates/deployment.yaml:10:") && stderr.contains("image.tag is required"),
        "{stderr}"
    );
}

#[test]
fn every_fixture_renders_or_fails_as_expected() {
    for dir in chart_dirs(FIXTURES) {
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        let result = helm::render(&dir, &RenderOptions::default());
        let gap = KNOWN_GAPS
            .iter()
            .any(|g| g.case == format!("fixtures/{name}") && matches!(g.expect, Expect::PavedFails(_)));
        match result {
            Ok(r) if !name.starts_with("err-") && !gap => assert!(!r.documents.is_empty(), "{name}: no documents"),
            Err(_) if name.starts_with("err-") || gap => {}
            Ok(_) => panic!("{name} was expected to fail"),
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert!(KNOWN_GAPS.iter().all(|g| !g.reason.is_empty()));
    assert!(RANDOM.iter().all(|r| !r.reason.is_empty()));
}

/// Runs without the oracle: two renders of a chart with random output differ, and are the same
/// once masked, so comparing masked output with Helm's compares structure, not luck.
#[test]
fn masked_random_output_is_stable() {
    for name in ["crypto", "webhook"] {
        let render =
            || documents(&helm::render(&fixture(name), &RenderOptions::default()).expect("renders").manifest());
        let (a, b) = (render(), render());
        assert_ne!(a, b, "{name} renders random output");
        let mask = |d: &[(String, Json)]| d.iter().map(|(s, j)| (s.clone(), mask_random(j))).collect::<Vec<_>>();
        assert_eq!(mask(&a), mask(&b), "{name}");
    }
    let docs = documents(&helm::render(&fixture("webhook"), &RenderOptions::default()).expect("renders").manifest());
    let secret = docs.iter().find(|(_, d)| d["kind"] == "Secret").expect("the Secret");
    let ca = mask_random(&secret.1["data"]["ca.crt"]);
    let ca = ca.as_str().expect("text");
    // The CA's name (PrintableString "x-ca"), critical basic constraints with CA true, an RSA
    // 2048 key, SHA256WithRSA.
    for part in ["13:782d6361", "06:551d13 01:ff [30{01:ff}]", "int2048 int(010001)", "06:2a864886f70d01010b 05:"] {
        assert!(ca.contains(part), "{part} in {ca}");
    }
    assert!(ca.starts_with("base64(<CERTIFICATE 30{30{a0{int(02)} int128 "), "{ca}");
    // A signature that happens to start like DER is still shown by its length alone.
    assert_eq!(der_shape(&[0x03, 0x07, 0x00, 0x30, 0x09, 1, 2, 3, 4], false).as_deref(), Some("bits(6)"));
    assert_eq!(der_shape(&[0x03, 0x07, 0x00, 0x31, 0x09, 1, 2, 3, 4], false).as_deref(), Some("bits(6)"));
}
