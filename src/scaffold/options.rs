//! Resolving `paved new`'s flags, prompts and defaults into one validated [`Options`].
//!
//! Every value has a flag. A value the user did not give is asked for only when the session is
//! interactive (a TTY on stdin and no `--yes`); otherwise its default applies, and a value with
//! no default (NAME) is an error naming the flag.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};

use super::go_release::{self, GoTarget, GoVersion};
use super::validate;
use crate::cli::{CiChoice, DeployChoice, NewArgs};

pub const DEFAULT_PORT: u16 = 8080;
/// Helm refuses release names longer than 53 characters, and the chart is installed as NAME.
pub const MAX_HELM_NAME: usize = 53;
/// Used when the module path names no known code host to derive a registry from.
pub const FALLBACK_REGISTRY: &str = "ghcr.io/example";
/// The deploy jobs install into the namespaces NAME-staging and NAME-production, which are
/// DNS-1123 labels of at most 63 characters.
pub const MAX_DEPLOY_NAME: usize = 63 - "-production".len();

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub name: String,
    pub module: String,
    pub dir: PathBuf,
    pub port: u16,
    pub go: GoTarget,
    pub ci_github: bool,
    pub ci_gitlab: bool,
    pub registry: String,
    pub helm: bool,
    /// CI deploys the chart (`--deploy helm`): staging, then production behind approval.
    pub deploy: bool,
}

impl Options {
    pub fn image(&self) -> String {
        format!("{}/{}", self.registry, self.name)
    }
}

/// Asks for a missing value. The terminal implementation uses dialoguer; tests script answers.
pub trait Prompter {
    fn text(&mut self, prompt: &str, default: &str, check: &dyn Fn(&str) -> Result<(), String>) -> Result<String>;
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize>;
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
}

/// The registry a module path suggests: GitHub modules push to ghcr.io/OWNER, GitLab ones to
/// registry.gitlab.com/GROUP.
pub fn default_registry(module: &str) -> String {
    let mut parts = module.split('/');
    let host = parts.next().unwrap_or_default();
    let owner = parts.next().map(str::to_ascii_lowercase);
    let candidate = match (host, owner) {
        ("github.com", Some(owner)) => format!("ghcr.io/{owner}"),
        ("gitlab.com", Some(owner)) => format!("registry.gitlab.com/{owner}"),
        _ => return FALLBACK_REGISTRY.to_string(),
    };
    if validate::registry(&candidate).is_ok() { candidate } else { FALLBACK_REGISTRY.to_string() }
}

const CI_ITEMS: [&str; 4] = ["github", "gitlab", "both", "none"];
const DEPLOY_ITEMS: [&str; 2] = ["helm", "none"];

fn ci_from_index(i: usize) -> CiChoice {
    [CiChoice::Github, CiChoice::Gitlab, CiChoice::Both, CiChoice::None][i.min(3)]
}

/// Resolves the flags into options, asking `prompter` for missing values when given one.
/// `installed_go` is the `go` found on PATH (detected by the caller, so tests can fix it).
pub fn resolve(
    args: &NewArgs,
    mut prompter: Option<&mut dyn Prompter>,
    installed_go: Option<GoVersion>,
) -> Result<Options> {
    let check = |f: fn(&str) -> Result<(), String>| move |s: &str| f(s);

    let name = match (&args.name, prompter.as_deref_mut()) {
        (Some(name), _) => name.clone(),
        (None, Some(p)) => p.text("Service name", "", &check(validate::service_name))?,
        (None, None) => bail!("missing NAME: give the service name as the first argument, e.g. `paved new orders`"),
    };
    validate::service_name(&name).map_err(|e| anyhow!("invalid NAME: {e}"))?;

    let module = match (&args.module, prompter.as_deref_mut()) {
        (Some(m), _) => m.clone(),
        (None, Some(p)) => p.text("Go module path", &name, &check(validate::module_path))?,
        (None, None) => name.clone(),
    };
    validate::module_path(&module).map_err(|e| anyhow!("invalid --module: {e}"))?;

    let port = match (args.port, prompter.as_deref_mut()) {
        (Some(port), _) => port,
        (None, Some(p)) => {
            let check_port = |s: &str| match s.parse::<u16>() {
                Ok(n) => validate::port(n),
                Err(_) => Err(format!("{s:?} is not a port number")),
            };
            p.text("HTTP port", &DEFAULT_PORT.to_string(), &check_port)?.parse()?
        }
        (None, None) => DEFAULT_PORT,
    };
    validate::port(port).map_err(|e| anyhow!("invalid --port: {e}"))?;

    let go = match (&args.go_version, prompter.as_deref_mut()) {
        (Some(flag), _) => go_release::from_flag(flag)?,
        (None, Some(p)) => {
            let default = go_release::default_target(installed_go);
            let check_go = |s: &str| go_release::from_flag(s).map(|_| ()).map_err(|e| e.to_string());
            let answer = p.text("Go version", &default.go_mod.to_string(), &check_go)?;
            if answer == default.go_mod.to_string() {
                default
            } else {
                GoTarget { source: "your answer", ..go_release::from_flag(&answer)? }
            }
        }
        (None, None) => go_release::default_target(installed_go),
    };

    let ci = match (args.ci, prompter.as_deref_mut()) {
        (Some(ci), _) => ci,
        (None, Some(p)) => ci_from_index(p.select("CI configuration", &CI_ITEMS, 0)?),
        (None, None) => CiChoice::Github,
    };

    let registry = match (&args.registry, prompter.as_deref_mut()) {
        (Some(r), _) => r.trim_end_matches('/').to_string(),
        (None, Some(p)) => {
            p.text("Image registry (HOST/ORG)", &default_registry(&module), &check(validate::registry))?
        }
        (None, None) => default_registry(&module),
    };
    validate::registry(&registry).map_err(|e| anyhow!("invalid --registry: {e}"))?;

    let helm = match (args.no_helm, prompter.as_deref_mut()) {
        (true, _) => false,
        (false, Some(p)) => p.confirm("Write a Helm chart?", true)?,
        (false, None) => true,
    };

    // Deploying needs both the chart and a CI system to run the jobs in; without either there
    // is nothing to ask and nothing to write.
    let has_ci = ci != CiChoice::None;
    let deploy = match (args.deploy, prompter) {
        (Some(DeployChoice::Helm), _) if !helm => {
            bail!("--deploy helm deploys the Helm chart, so it cannot be combined with --no-helm")
        }
        (Some(DeployChoice::Helm), _) if !has_ci => {
            bail!("--deploy helm writes deploy jobs into CI: combine it with --ci github, gitlab or both")
        }
        (Some(choice), _) => choice == DeployChoice::Helm,
        (None, Some(p)) if helm && has_ci => {
            p.select("Deploy from CI (staging, then production on approval)", &DEPLOY_ITEMS, 0)? == 0
        }
        (None, _) => helm && has_ci,
    };

    if helm && name.len() > MAX_HELM_NAME {
        bail!(
            "invalid NAME: {name:?} is {} characters; Helm release names have at most {MAX_HELM_NAME}, and the \
             chart is installed under NAME (shorten it, or pass --no-helm)",
            name.len()
        );
    }

    if deploy && name.len() > MAX_DEPLOY_NAME {
        bail!(
            "invalid NAME: {name:?} is {} characters; the deploy jobs install into the namespace \
             NAME-production, a label of at most 63 characters, so NAME has at most {MAX_DEPLOY_NAME} \
             (shorten it, or pass --deploy none)",
            name.len()
        );
    }

    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from(&name));
    Ok(Options {
        name,
        module,
        dir,
        port,
        go,
        ci_github: matches!(ci, CiChoice::Github | CiChoice::Both),
        ci_gitlab: matches!(ci, CiChoice::Gitlab | CiChoice::Both),
        registry,
        helm,
        deploy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> NewArgs {
        let cli = crate::cli::Cli::parse_from(
            std::iter::once("paved").chain(std::iter::once("new")).chain(argv.iter().copied()),
        );
        match cli.command {
            crate::cli::Command::New(a) => a,
            _ => unreachable!(),
        }
    }

    const GO: Option<GoVersion> = Some(GoVersion::new(1, 26, 8));

    #[test]
    fn defaults_without_prompter() {
        let o = resolve(&args(&["orders"]), None, GO).unwrap();
        assert_eq!(o.module, "orders");
        assert_eq!(o.dir, PathBuf::from("orders"));
        assert_eq!(o.port, 8080);
        assert_eq!(o.go.toolchain, GoVersion::new(1, 26, 8));
        assert!(o.ci_github && !o.ci_gitlab && o.helm && o.deploy);
        assert_eq!(o.registry, FALLBACK_REGISTRY);
        assert_eq!(o.image(), "ghcr.io/example/orders");
    }

    #[test]
    fn missing_name_names_the_argument() {
        let err = resolve(&args(&[]), None, GO).unwrap_err().to_string();
        assert!(err.contains("missing NAME"), "{err}");
    }

    #[test]
    fn flags_are_validated() {
        for (argv, needle) in [
            (vec!["Orders"], "invalid NAME"),
            (vec!["x", "--module", "a//b"], "invalid --module"),
            (vec!["x", "--port", "80"], "invalid --port"),
            (vec!["x", "--registry", "acme"], "invalid --registry"),
            (vec!["x", "--go-version", "1.19"], "needs Go 1.22"),
        ] {
            let err = resolve(&args(&argv), None, GO).unwrap_err().to_string();
            assert!(err.contains(needle), "{argv:?}: {err}");
        }
    }

    #[test]
    fn names_longer_than_a_helm_release_need_no_helm() {
        let long = "a".repeat(54);
        let err = resolve(&args(&[&long]), None, GO).unwrap_err().to_string();
        assert!(err.contains("at most 53"), "{err}");
        assert!(resolve(&args(&[&long, "--no-helm"]), None, GO).is_ok());
        assert!(resolve(&args(&[&"a".repeat(53), "--deploy", "none"]), None, GO).is_ok());
    }

    #[test]
    fn deploy_defaults_to_helm_only_with_a_chart_and_ci() {
        let deploy = |argv: &[&str]| resolve(&args(argv), None, GO).map(|o| o.deploy);
        assert!(deploy(&["x"]).unwrap());
        assert!(deploy(&["x", "--ci", "gitlab"]).unwrap());
        assert!(!deploy(&["x", "--no-helm"]).unwrap());
        assert!(!deploy(&["x", "--ci", "none"]).unwrap());
        assert!(!deploy(&["x", "--deploy", "none"]).unwrap());
        assert!(deploy(&["x", "--deploy", "helm", "--ci", "both"]).unwrap());
        assert!(!deploy(&["x", "--deploy", "none", "--no-helm"]).unwrap());
        for (argv, needle) in [
            (&["x", "--deploy", "helm", "--no-helm"][..], "--no-helm"),
            (&["x", "--deploy", "helm", "--ci", "none"][..], "--ci github, gitlab or both"),
        ] {
            let err = deploy(argv).unwrap_err().to_string();
            assert!(err.contains(needle), "{argv:?}: {err}");
        }
    }

    #[test]
    fn deployed_names_leave_room_for_the_production_namespace() {
        let name = "a".repeat(MAX_DEPLOY_NAME + 1);
        let err = resolve(&args(&[&name]), None, GO).unwrap_err().to_string();
        assert!(err.contains("NAME-production"), "{err}");
        assert!(resolve(&args(&[&name, "--deploy", "none"]), None, GO).is_ok());
        let o = resolve(&args(&[&"a".repeat(MAX_DEPLOY_NAME)]), None, GO).unwrap();
        assert!(o.deploy && format!("{}-production", o.name).len() == 63);
    }

    #[test]
    fn registry_follows_the_module_host() {
        assert_eq!(default_registry("github.com/Acme/orders"), "ghcr.io/acme");
        assert_eq!(default_registry("gitlab.com/team/orders"), "registry.gitlab.com/team");
        assert_eq!(default_registry("example.com/x"), FALLBACK_REGISTRY);
        assert_eq!(default_registry("github.com/we_ird/x"), "ghcr.io/we_ird");
        assert_eq!(default_registry("github.com/-x/y"), FALLBACK_REGISTRY);
    }

    #[test]
    fn ci_choices() {
        let o = resolve(&args(&["x", "--ci", "both", "--no-helm"]), None, GO).unwrap();
        assert!(o.ci_github && o.ci_gitlab && !o.helm);
        let o = resolve(&args(&["x", "--ci", "none"]), None, GO).unwrap();
        assert!(!o.ci_github && !o.ci_gitlab);
    }

    /// Answers prompts from a script and records what was asked.
    struct Scripted {
        answers: Vec<&'static str>,
        asked: Vec<String>,
    }

    impl Prompter for Scripted {
        fn text(&mut self, prompt: &str, default: &str, check: &dyn Fn(&str) -> Result<(), String>) -> Result<String> {
            self.asked.push(prompt.to_string());
            let a = self.answers.remove(0);
            let a = if a.is_empty() { default } else { a };
            check(a).map_err(|e| anyhow!(e))?;
            Ok(a.to_string())
        }
        fn select(&mut self, prompt: &str, items: &[&str], _default: usize) -> Result<usize> {
            self.asked.push(prompt.to_string());
            let a = self.answers.remove(0);
            Ok(items.iter().position(|i| *i == a).unwrap())
        }
        fn confirm(&mut self, prompt: &str, _default: bool) -> Result<bool> {
            self.asked.push(prompt.to_string());
            Ok(self.answers.remove(0) == "y")
        }
    }

    #[test]
    fn prompts_only_for_missing_values() {
        let mut p = Scripted { answers: vec!["github.com/acme/pay", "1.25", "gitlab", "", "n"], asked: vec![] };
        let o = resolve(&args(&["pay", "--port", "9090"]), Some(&mut p), GO).unwrap();
        assert_eq!(
            p.asked,
            ["Go module path", "Go version", "CI configuration", "Image registry (HOST/ORG)", "Write a Helm chart?"]
        );
        assert_eq!(o.module, "github.com/acme/pay");
        assert_eq!(o.port, 9090);
        assert_eq!(o.go.toolchain, GoVersion::new(1, 25, 14));
        assert!(!o.ci_github && o.ci_gitlab && !o.helm);
        assert_eq!(o.registry, "ghcr.io/acme");
        assert!(!o.deploy, "no chart, nothing to deploy (and nothing asked)");
    }

    #[test]
    fn deploy_is_asked_with_a_chart_and_ci() {
        let mut p = Scripted { answers: vec!["y", "none"], asked: vec![] };
        let argv = [
            "pay",
            "--module",
            "m",
            "--port",
            "9090",
            "--go-version",
            "1.25",
            "--ci",
            "both",
            "--registry",
            "ghcr.io/a",
        ];
        let o = resolve(&args(&argv), Some(&mut p), GO).unwrap();
        assert_eq!(p.asked, ["Write a Helm chart?", "Deploy from CI (staging, then production on approval)"]);
        assert!(o.helm && !o.deploy);

        let mut p = Scripted { answers: vec!["y"], asked: vec![] };
        let o = resolve(&args(&[&argv[..], &["--deploy", "helm"]].concat()), Some(&mut p), GO).unwrap();
        assert_eq!(p.asked, ["Write a Helm chart?"], "--deploy given: not asked");
        assert!(o.deploy);
    }
}
