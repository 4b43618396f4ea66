//! The command line as the user types it (raw flags, no resolution). The commands and flags
//! are the contract in `../shared/docs/DESIGN.md`; resolving them into configuration is the
//! job of each command's module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "paved", version, about = "The paved road for Go services: scaffold and lint")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a production-ready Go HTTP service
    New(NewArgs),
    /// Check a repository against the paved policies
    Lint(LintArgs),
    /// List every rule with its severity and title
    Rules(RulesArgs),
    /// Show a rule's rationale, fix and examples
    Explain(ExplainArgs),
    /// Work with Rego policies
    Policy(PolicyArgs),
    /// Render a Helm chart (like `helm template`) or build a kustomization (like `kustomize build`) the way paved lints it
    Render(RenderArgs),
    /// Work with lint results: merge the JSON results of many repositories into one report
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// One report over many `paved lint --format json` results (one per repository)
    Merge {
        /// The JSON results to merge
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// json (the merged results, each finding naming its repository), sarif (one run per repository) or html (one page)
        #[arg(long, default_value = "json")]
        format: String,
        /// Write the report to this file instead of stdout
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiChoice {
    Github,
    Gitlab,
    Both,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeployChoice {
    /// CI deploys the chart to staging, then (after approval) to production
    Helm,
    None,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Service name: a DNS-1123 label (names the binary, image and chart)
    pub name: Option<String>,
    /// Go module path [default: NAME]
    #[arg(long)]
    pub module: Option<String>,
    /// Directory to write into [default: ./NAME]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// HTTP port the service listens on [default: 8080]
    #[arg(long)]
    pub port: Option<u16>,
    /// Go version, X.Y or X.Y.Z [default: the `go` on PATH]
    #[arg(long = "go-version", value_name = "X.Y")]
    pub go_version: Option<String>,
    /// CI configuration to write [default: github]
    #[arg(long, value_enum)]
    pub ci: Option<CiChoice>,
    /// Image registry, HOST/ORG [default: derived from the module path]
    #[arg(long, value_name = "HOST/ORG")]
    pub registry: Option<String>,
    /// Do not write a Helm chart
    #[arg(long)]
    pub no_helm: bool,
    /// Deploy from CI: helm (staging, then production on approval) or none [default: helm with a chart and CI]
    #[arg(long, value_enum)]
    pub deploy: Option<DeployChoice>,
    /// Ask nothing; use defaults for every missing value
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Write into a non-empty directory, overwriting files paved generates
    #[arg(long)]
    pub force: bool,
    /// List the files that would be written and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint [default: .]
    pub paths: Vec<PathBuf>,
    /// human, json, sarif, junit, github, gitlab or html
    #[arg(long, default_value = "human")]
    pub format: String,
    /// Write the report to this file instead of stdout
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) on findings at or above: error, warning, info or never [default: error, or the config's fail-on]
    #[arg(long = "fail-on")]
    pub fail_on: Option<String>,
    /// Configuration file [default: .paved.yaml found from the lint root upwards]
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file
    #[arg(long = "no-config", conflicts_with = "config")]
    pub no_config: bool,
    /// Extra directory of Rego policies (repeatable)
    #[arg(long)]
    pub policy: Vec<PathBuf>,
    /// Helm values file for every chart (repeatable, merged in order)
    #[arg(long)]
    pub values: Vec<PathBuf>,
    /// Report only findings not recorded in this baseline file
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file
    #[arg(long = "write-baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the safe fixes, verified by linting again, then report what is left
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (with --fix or --diff): guessed values such as resource sizes
    #[arg(long = "unsafe-fixes")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when there is something to fix)
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// With --fix: list every finding fixed
    #[arg(long = "show-fixes")]
    pub show_fixes: bool,
    /// Print how many findings each rule has and how many are fixable, instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// The repository's name in JSON results, for `paved report merge` [default: the git work tree's directory name]
    #[arg(long = "repo-name")]
    pub repo_name: Option<String>,
    /// Also lint vendor/, third_party/, node_modules/, testdata/, .devcontainer/, and the
    /// manifests, charts, Dockerfiles and Go code under docs/, examples/, e2e/, test/, tests/
    #[arg(long = "no-default-excludes")]
    pub no_default_excludes: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// human, json, or markdown (the text of docs/rules.md)
    #[arg(long, default_value = "human")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the *_test.rego rules of built-in or custom policies
    Test { dirs: Vec<PathBuf> },
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A chart directory (with Chart.yaml) or a kustomization directory
    pub chart: PathBuf,
    #[arg(long)]
    pub values: Vec<PathBuf>,
    #[arg(long)]
    pub release: Option<String>,
    #[arg(long)]
    pub namespace: Option<String>,
}
