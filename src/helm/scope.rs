//! The data each template is rendered with (Helm's `allTemplates`): per chart, `.Values` (the
//! parent's values under the chart's name, all of them for the root chart), `.Chart`,
//! `.Files`, `.Release`, `.Capabilities` and `.Subcharts`; per template, `.Template`.
//! Templates are named as Helm names them: `ROOT/templates/x.yaml`,
//! `ROOT/charts/SUB/templates/x.yaml` (SUB being the subchart's name or alias).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::chart::Chart;
use super::files::{Files, ToYaml};
use super::objects;
use super::template::Value;
use super::values::Map;

/// What every chart shares.
pub(crate) struct Context {
    pub release: Value,
    pub capabilities: Value,
}

/// One template to parse (and render unless it is a partial).
pub(crate) struct Scope {
    /// Helm's template name.
    pub name: String,
    pub source: String,
    /// `ROOT/templates` (or the subchart's), for `.Template.BasePath`.
    pub base_path: String,
    /// The template file relative to the root chart directory, when it is on disk.
    pub file: Option<String>,
    /// The chart's objects, without `.Template`.
    data: Arc<BTreeMap<String, Value>>,
}

impl Scope {
    /// The chart's objects plus `.Template` for this template.
    pub fn data_for_render(&self) -> Value {
        let mut data = (*self.data).clone();
        data.insert("Template".into(), objects::template_object(&self.name, &self.base_path));
        Value::Map(data)
    }
}

/// Collects the templates of `chart` and its subcharts into `out`.
pub(crate) fn collect(chart: &Chart, vals: &Map, ctx: &Context, to_yaml: &ToYaml, out: &mut Vec<Scope>) {
    let root_dir = if chart.archived { None } else { Some(String::new()) };
    collect_chart(chart, vals, chart.name(), true, root_dir, &chart.origin, ctx, to_yaml, out);
}

/// Returns the chart's objects (for the parent's `.Subcharts`).
#[allow(clippy::too_many_arguments)]
fn collect_chart(
    chart: &Chart,
    vals: &Map,
    full_path: &str,
    is_root: bool,
    dir: Option<String>,
    root_origin: &str,
    ctx: &Context,
    to_yaml: &ToYaml,
    out: &mut Vec<Scope>,
) -> Value {
    let mut subcharts = BTreeMap::new();
    for sub in &chart.dependencies {
        let sub_vals = match vals.get(sub.name()) {
            Some(Json::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let sub_path = format!("{full_path}/charts/{}", sub.name());
        // A subchart's files are on disk when it and its parents are directories.
        let sub_dir = dir
            .as_ref()
            .filter(|_| !sub.archived)
            .and_then(|_| sub.origin.strip_prefix(root_origin).map(|rel| format!("{}/", rel.trim_start_matches('/'))));
        let objects = collect_chart(sub, &sub_vals, &sub_path, false, sub_dir, root_origin, ctx, to_yaml, out);
        subcharts.insert(sub.name().to_owned(), objects);
    }
    let files = Files::new(chart.files.iter().map(|f| (f.name.clone(), f.data.clone())), to_yaml.clone());
    let mut data = BTreeMap::new();
    data.insert("Chart".to_owned(), objects::chart_object(&chart.metadata, is_root));
    data.insert("Files".to_owned(), Value::Host(Arc::new(files)));
    data.insert("Release".to_owned(), ctx.release.clone());
    data.insert("Capabilities".to_owned(), ctx.capabilities.clone());
    data.insert("Values".to_owned(), Value::from_json(&Json::Object(vals.clone())));
    data.insert("Subcharts".to_owned(), Value::Map(subcharts));
    let data = Arc::new(data);
    let base_path = format!("{full_path}/templates");
    for t in &chart.templates {
        let partial = t.name.rsplit('/').next().is_some_and(|b| b.starts_with('_'));
        if chart.is_library() && !partial {
            continue;
        }
        out.push(Scope {
            name: format!("{full_path}/{}", t.name),
            source: String::from_utf8_lossy(&t.data).into_owned(),
            base_path: base_path.clone(),
            file: dir.as_ref().map(|d| format!("{d}{}", t.name)),
            data: data.clone(),
        });
    }
    Value::Map((*data).clone())
}
