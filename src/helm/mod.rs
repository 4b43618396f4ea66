//! Helm charts rendered in-process, the way `helm template` renders them, so `paved lint` sees the
//! objects a chart really produces (and `paved render` can show them). No `helm` binary is
//! needed: `template` is a Go text/template engine with Helm's and Sprig's functions, and this
//! module adds what Helm adds around it.
//!
//! - `chart`, `metadata`: loading a directory (with `.helmignore`) or `.tgz`, Chart.yaml,
//!   subcharts;
//! - `values`: values files read as Helm reads YAML, merged and coalesced with defaults;
//! - `deps`: subchart conditions, tags, aliases and `import-values`;
//! - `schema`: values.schema.json validation;
//! - `objects`, `files`, `scope`: `.Chart`, `.Release`, `.Capabilities`, `.Files`, `.Template`,
//!   `.Subcharts`;
//! - `render`: the pipeline and its structured errors; `manifest`: splitting and ordering the
//!   output like Helm.

pub mod chart;
mod deps;
mod files;
mod glob;
mod ignore;
pub mod manifest;
pub mod metadata;
mod objects;
pub mod render;
mod schema;
mod scope;
pub mod template;
pub mod values;

pub use chart::{Chart, ChartError};
pub use manifest::Document;
pub use objects::{DEFAULT_KUBE_VERSION, KubeVersion};
pub use render::{RenderError, RenderErrorKind, RenderOptions, Rendered, TemplateFailure, render, render_chart};
