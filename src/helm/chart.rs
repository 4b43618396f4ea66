//! Loading a chart the way Helm's loader does: a directory (filtered by `.helmignore`) or a
//! `.tgz` archive, split into Chart.yaml metadata, values.yaml, values.schema.json, templates,
//! other files (`.Files`) and subcharts under `charts/` (directories and archives).
//! Chart.yaml errors carry the file and the line and column of the offending key.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::ignore::Rules;
pub use super::metadata::{Dependency, Maintainer, Metadata};
use super::metadata::{go_string, parse_dependencies, parse_metadata, parse_yaml_root, validate_metadata};
use super::values::{self, Map};
use crate::parse::Pos;

/// Helm's per-file limit (`MaxDecompressedFileSize`).
const MAX_FILE_SIZE: u64 = 5 << 20;
/// Helm's whole-chart limit (`MaxDecompressedChartSize`).
const MAX_CHART_SIZE: u64 = 100 << 20;
/// Directory nesting we follow (symlinks are followed, as Helm does; this stops loops).
const MAX_DIR_DEPTH: usize = 64;

/// One file of a chart, named by its `/`-separated path inside the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub name: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub metadata: Metadata,
    /// values.yaml, read as Helm reads it.
    pub values: Map,
    /// values.schema.json, as bytes.
    pub schema: Option<Vec<u8>>,
    /// Every file under `templates/` (partials and NOTES.txt included).
    pub templates: Vec<ChartFile>,
    /// The other files, as `.Files` sees them.
    pub files: Vec<ChartFile>,
    /// Subcharts; after dependency processing, only the enabled ones, renamed by alias.
    pub dependencies: Vec<Chart>,
    /// Where the chart comes from, for messages: its directory or archive, or
    /// `PARENT/charts/NAME` for a subchart.
    pub origin: String,
    /// Whether the chart was read from an archive (its files are not on disk).
    pub archived: bool,
}

/// A chart that cannot be loaded: the file, the position when known, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    pub file: String,
    pub pos: Option<Pos>,
    pub message: String,
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.col, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ChartError {}

pub(crate) fn err(file: impl Into<String>, pos: Option<Pos>, message: impl Into<String>) -> ChartError {
    ChartError { file: file.into(), pos, message: message.into() }
}

impl Chart {
    /// The chart's name (its alias, once dependencies are processed).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Loads a chart directory or `.tgz` archive.
    pub fn load(path: &Path) -> Result<Chart, ChartError> {
        let origin = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| err(&origin, None, e.to_string()))?;
        if meta.is_dir() {
            let files = read_dir_files(path, &origin)?;
            if let Some(chart_yaml) = files.iter().find(|f| f.name == "Chart.yaml") {
                check_api_version(chart_yaml, &origin)?;
            } else {
                return Err(err(format!("{origin}/Chart.yaml"), None, "no Chart.yaml: this is not a Helm chart"));
            }
            Chart::from_files(files, origin)
        } else {
            let bytes = crate::vfs::read(path).map_err(|e| err(&origin, None, e.to_string()))?;
            let mut chart = Chart::from_files(read_archive(&bytes, &origin)?, origin)?;
            chart.mark_archived();
            Ok(chart)
        }
    }

    /// Builds a chart from its files (Helm's `LoadFiles`).
    pub fn from_files(files: Vec<ChartFile>, origin: String) -> Result<Chart, ChartError> {
        let path = |name: &str| format!("{origin}/{name}");
        let (mut metadata, chart_yaml) = match files.iter().find(|f| f.name == "Chart.yaml") {
            Some(f) => (parse_metadata(&f.data, &path("Chart.yaml"))?, f.data.clone()),
            None => return Err(err(path("Chart.yaml"), None, "Chart.yaml file is missing")),
        };
        let mut chart = Chart {
            metadata: Metadata::default(),
            values: Map::new(),
            schema: None,
            templates: Vec::new(),
            files: Vec::new(),
            dependencies: Vec::new(),
            origin: origin.clone(),
            archived: false,
        };
        let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
        for file in files {
            match file.name.as_str() {
                "Chart.yaml" | "Chart.lock" => {}
                "values.yaml" => {
                    let text = String::from_utf8_lossy(&file.data);
                    chart.values = values::parse_values(&text, &path("values.yaml"))
                        .map_err(|e| err(e.file, e.pos, format!("cannot load values.yaml: {}", e.message)))?;
                }
                "values.schema.json" => chart.schema = Some(file.data),
                "requirements.yaml" | "requirements.lock" => {
                    if file.name == "requirements.yaml" {
                        let (deps, _) = parse_yaml_root(&file.data, &path(&file.name))?;
                        if let Some(node) = deps.as_ref().and_then(|r| r.get("dependencies")) {
                            metadata.dependencies = parse_dependencies(node, &path(&file.name))?;
                        }
                    }
                    if metadata.api_version == "v1" {
                        chart.files.push(file);
                    }
                }
                name if name.starts_with("templates/") => chart.templates.push(file),
                name if name.starts_with("charts/") && !name.ends_with(".prov") => {
                    let rest = &name["charts/".len()..];
                    let cname = rest.split('/').next().unwrap_or(rest).to_owned();
                    subcharts.entry(cname).or_default().push(ChartFile { name: rest.to_owned(), data: file.data });
                }
                _ => chart.files.push(file),
            }
        }
        validate_metadata(&mut metadata, &path("Chart.yaml"), &chart_yaml)?;
        chart.metadata = metadata;
        for (cname, files) in subcharts {
            if cname.starts_with(['_', '.']) {
                continue;
            }
            let sub_origin = format!("{origin}/charts/{cname}");
            let sub = if cname.ends_with(".tgz") {
                match files.into_iter().find(|f| f.name == cname) {
                    Some(f) => Chart::from_files(read_archive(&f.data, &sub_origin)?, sub_origin).map(|mut c| {
                        c.mark_archived();
                        c
                    }),
                    None => Err(err(&sub_origin, None, "expected a chart archive")),
                }
            } else {
                let files = files
                    .into_iter()
                    .filter_map(|f| {
                        let (_, rest) = f.name.split_once('/')?;
                        Some(ChartFile { name: rest.to_owned(), data: f.data })
                    })
                    .collect();
                Chart::from_files(files, sub_origin)
            };
            chart.dependencies.push(sub.map_err(|mut e| {
                e.message = format!("error unpacking subchart {cname} in {}: {}", chart.metadata.name, e.message);
                e
            })?);
        }
        Ok(chart)
    }

    fn mark_archived(&mut self) {
        self.archived = true;
        self.dependencies.iter_mut().for_each(Chart::mark_archived);
    }

    /// Whether the chart is a library chart (`type: library`): only its partials are used.
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }
}

/// Rejects chart API versions Helm's v2 loader does not handle.
fn check_api_version(chart_yaml: &ChartFile, origin: &str) -> Result<(), ChartError> {
    let file = format!("{origin}/Chart.yaml");
    let (root, _) = parse_yaml_root(&chart_yaml.data, &file)?;
    let Some(node) = root.as_ref().and_then(|r| r.get("apiVersion")) else { return Ok(()) };
    match go_string(node, &file, "apiVersion")?.as_str() {
        "" | "v1" | "v2" => Ok(()),
        "v3" => Err(err(file, Some(node.pos), "chart apiVersion v3 is not supported yet (Helm 4 only)")),
        other => Err(err(file, Some(node.pos), format!("unsupported chart apiVersion {other:?}"))),
    }
}

/// The files of a chart directory that `.helmignore` keeps, in lexical walk order.
fn read_dir_files(dir: &Path, origin: &str) -> Result<Vec<ChartFile>, ChartError> {
    let mut rules = match crate::vfs::read(&dir.join(".helmignore")) {
        Ok(data) => Rules::parse(&String::from_utf8_lossy(&data))
            .map_err(|(line, m)| err(format!("{origin}/.helmignore"), Some(Pos::new(line as u32, 1)), m))?,
        Err(_) => Rules::default(),
    };
    rules.add_defaults();
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(dir, "", &rules, origin, 0, &mut total, &mut files)?;
    Ok(files)
}

fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    origin: &str,
    depth: usize,
    total: &mut u64,
    out: &mut Vec<ChartFile>,
) -> Result<(), ChartError> {
    if depth > MAX_DIR_DEPTH {
        return Err(err(format!("{origin}/{rel}"), None, "directories nested too deeply (a symlink loop?)"));
    }
    let io = |e: std::io::Error| err(format!("{origin}/{rel}"), None, e.to_string());
    let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let meta = std::fs::metadata(entry.path()).map_err(|e| err(format!("{origin}/{path}"), None, e.to_string()))?;
        if meta.is_dir() {
            if !rules.ignore(&path, true) {
                walk(&entry.path(), &path, rules, origin, depth + 1, total, out)?;
            }
            continue;
        }
        if rules.ignore(&path, false) {
            continue;
        }
        let file = format!("{origin}/{path}");
        if !meta.is_file() {
            return Err(err(file, None, "cannot load an irregular file"));
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(err(file, None, format!("chart file is larger than the maximum file size {MAX_FILE_SIZE}")));
        }
        *total += meta.len();
        if *total > MAX_CHART_SIZE {
            return Err(err(origin, None, format!("chart is larger than the maximum size {MAX_CHART_SIZE}")));
        }
        let data = crate::vfs::read(&entry.path()).map_err(|e| err(&file, None, e.to_string()))?;
        out.push(ChartFile { name: path, data: strip_bom(data) });
    }
    Ok(())
}

fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        data.drain(..3);
    }
    data
}

/// The files of a gzipped chart archive, without their top directory (Helm's `LoadArchiveFiles`).
fn read_archive(bytes: &[u8], origin: &str) -> Result<Vec<ChartFile>, ChartError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(err(origin, None, "not a chart directory or a gzipped chart archive"));
    }
    let fail = |m: String| err(origin, None, m);
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files = Vec::new();
    let mut remaining = MAX_CHART_SIZE;
    for entry in archive.entries().map_err(|e| fail(e.to_string()))? {
        let entry = entry.map_err(|e| fail(format!("cannot read the archive: {e}")))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delimiter = if raw.contains('\\') { '\\' } else { '/' };
        let mut parts = raw.split(delimiter);
        let top = parts.next().unwrap_or_default();
        let name = clean_path(&parts.collect::<Vec<_>>().join("/"));
        if name.starts_with('/') {
            return Err(fail("chart illegally contains absolute paths".into()));
        }
        if name == "." || name.is_empty() {
            return Err(fail(format!("chart illegally contains content outside the base directory: {raw:?}")));
        }
        if name.starts_with("..") {
            return Err(fail("chart illegally references parent directory".into()));
        }
        if top == "Chart.yaml" {
            return Err(fail("chart yaml not in base directory".into()));
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > MAX_FILE_SIZE {
            return Err(fail(format!("decompressed chart file {raw:?} is larger than the maximum file size")));
        }
        if size > remaining {
            return Err(fail(format!("decompressed chart is larger than the maximum size {MAX_CHART_SIZE}")));
        }
        let mut data = Vec::new();
        entry.take(remaining).read_to_end(&mut data).map_err(|e| fail(e.to_string()))?;
        remaining = remaining.saturating_sub(data.len() as u64);
        files.push(ChartFile { name, data: strip_bom(data) });
    }
    if files.is_empty() {
        return Err(fail("no files in chart archive".into()));
    }
    Ok(files)
}

/// Go's `path.Clean` for relative paths.
fn clean_path(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            part => out.push(part),
        }
    }
    if out.is_empty() { ".".into() } else { out.join("/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, data: &str) -> ChartFile {
        ChartFile { name: name.into(), data: data.as_bytes().to_vec() }
    }

    #[test]
    fn loads_files_into_parts() {
        let c = Chart::from_files(
            vec![
                file("Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0\n"),
                file("values.yaml", "x: 1\n"),
                file("templates/a.yaml", "kind: A\n"),
                file("README.md", "hi"),
                file("charts/b/Chart.yaml", "name: b\nversion: 0.1.0\n"),
                file("charts/b/templates/b.yaml", "kind: B\n"),
            ],
            "a".into(),
        )
        .expect("loads");
        assert_eq!(c.metadata.version, "1");
        assert_eq!(c.templates.len(), 1);
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.dependencies[0].metadata.api_version, "v1");
        assert_eq!(c.dependencies[0].origin, "a/charts/b");
    }
}
