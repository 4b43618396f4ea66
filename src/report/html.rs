//! `--format html` (and `paved report merge --format html`): one self-contained page an auditor
//! can read and send. No network at view time: inline CSS and JS, no CDN, no web fonts; charts
//! are inline SVG drawn here. Everything essential is HTML the server wrote: totals, the bar
//! charts, every finding in a table (each a `<details>` with its source line, help and a link
//! to its rule's rationale), suppressed findings with reasons and expiry, baseline state. The
//! script only adds filtering (rule, severity, text; also from the URL: `#rule=ID`,
//! `#severity=error`, `#q=text`) and sorting by a column; without JavaScript the page is whole.
//!
//! Rules' texts are written once in a rules section, not per finding, and rows carry no
//! attribute they do not need: about 550 bytes a finding (10,000 findings: 5.5 MB). Rows are
//! laid out as grids (not table rows) so `content-visibility: auto` skips rendering the ones
//! off screen: the scaled corpus's 24,284 findings open in about 5 s in headless Chromium
//! instead of 12.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::lint::Report;
use crate::lint::finding::{Severity, SuppressionKind};

/// One finding as the page shows it.
pub struct Row {
    /// The repository (merged reports) or the top-level directory (one repository).
    pub group: String,
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: u32,
    pub column: Option<u32>,
    pub message: String,
    pub help: String,
    pub source: Option<String>,
    /// `new` or `unchanged` when a baseline was compared; else empty.
    pub baseline: &'static str,
    pub fixable: Option<&'static str>,
}

pub struct SuppressedRow {
    pub group: String,
    pub rule: String,
    pub path: String,
    pub line: u32,
    pub reason: String,
    pub kind: String,
    pub expires: Option<String>,
}

/// What a page is made of, from one lint report or a merge of many.
pub struct Page {
    pub title: String,
    /// What `group` means: "directory" or "repository".
    pub group_by: &'static str,
    pub files: usize,
    pub findings: Vec<Row>,
    pub suppressed: Vec<SuppressedRow>,
    /// Rule id → (title, rationale, fix), for the rules that appear.
    pub rules: BTreeMap<String, (String, String, String)>,
}

fn top_dir(path: &str) -> String {
    let p = path.trim_start_matches("./");
    match p.split_once('/') {
        Some((first, _)) if first != ".." => format!("{first}/"),
        Some(_) => p.rsplit_once('/').map_or(".".into(), |(d, _)| format!("{d}/")),
        None => ".".into(),
    }
}

fn expiry(reason: &str) -> Option<String> {
    match crate::lint::suppress::expiry_of(Some(reason))? {
        crate::lint::suppress::Expiry::On(d) => Some(d.to_string()),
        crate::lint::suppress::Expiry::Unreadable(t) => Some(t),
    }
}

fn kind_name(k: SuppressionKind) -> &'static str {
    match k {
        SuppressionKind::Inline => "inline",
        SuppressionKind::File => "file",
        SuppressionKind::Annotation => "annotation",
        SuppressionKind::Config => "config",
        SuppressionKind::Baseline => "baseline",
    }
}

fn rules_of(
    report_rules: &[crate::lint::policy::RuleMeta],
    ids: impl Iterator<Item = String>,
) -> BTreeMap<String, (String, String, String)> {
    let internal = crate::lint::catalogue::internal_rules();
    let mut out = BTreeMap::new();
    for id in ids {
        let meta = report_rules.iter().find(|r| r.id == id).or_else(|| internal.iter().find(|r| r.id == id));
        let entry = meta.map_or_else(
            || (id.clone(), String::new(), String::new()),
            |m| (m.title.clone(), m.rationale.clone(), m.fix.clone()),
        );
        out.insert(id, entry);
    }
    out
}

impl Page {
    pub fn from_report(report: &Report) -> Page {
        let baseline = report.baseline.is_some();
        let findings: Vec<Row> = report
            .findings
            .iter()
            .map(|f| Row {
                group: top_dir(&f.path),
                rule: f.rule.clone(),
                severity: f.severity,
                path: f.path.clone(),
                line: f.line,
                column: f.column,
                message: f.message.clone(),
                help: f.help.clone(),
                source: report.sources.line(&f.path, f.line).map(str::to_string),
                baseline: if baseline { "new" } else { "" },
                fixable: f.fix.as_ref().map(|x| match x.applicability {
                    crate::fix::Applicability::Safe => "--fix",
                    crate::fix::Applicability::Unsafe => "--unsafe-fixes",
                }),
            })
            .collect();
        let suppressed = report
            .suppressed
            .iter()
            .map(|s| SuppressedRow {
                group: top_dir(&s.finding.path),
                rule: s.finding.rule.clone(),
                path: s.finding.path.clone(),
                line: s.finding.line,
                reason: s.reason.clone(),
                kind: kind_name(s.kind).to_string(),
                expires: expiry(&s.reason),
            })
            .collect::<Vec<_>>();
        let ids = findings.iter().map(|f| f.rule.clone()).chain(suppressed.iter().map(|s| s.rule.clone()));
        let rules = rules_of(&report.rules, ids);
        Page {
            title: format!("paved lint: {}", report.repository.name),
            group_by: "directory",
            files: report.files,
            findings,
            suppressed,
            rules,
        }
    }

    /// From a merged JSON report (`paved report merge`): grouped by repository; no source lines
    /// (the results do not carry them).
    pub fn from_merged(merged: &Value) -> Page {
        let str_of = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let findings: Vec<Row> = merged["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| Row {
                group: str_of(f, "repository"),
                rule: str_of(f, "rule"),
                severity: Severity::parse(f["severity"].as_str().unwrap_or("error")).unwrap_or(Severity::Error),
                path: str_of(f, "path"),
                line: f["line"].as_u64().unwrap_or(0) as u32,
                column: f["column"].as_u64().map(|c| c as u32),
                message: str_of(f, "message"),
                help: str_of(f, "help"),
                source: None,
                baseline: "",
                fixable: match f["fix"]["applicability"].as_str() {
                    Some("safe") => Some("--fix"),
                    Some("unsafe") => Some("--unsafe-fixes"),
                    _ => None,
                },
            })
            .collect();
        let suppressed: Vec<SuppressedRow> = merged["suppressed"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| SuppressedRow {
                group: str_of(s, "repository"),
                rule: str_of(s, "rule"),
                path: str_of(s, "path"),
                line: s["line"].as_u64().unwrap_or(0) as u32,
                reason: str_of(s, "reason"),
                kind: str_of(s, "kind"),
                expires: expiry(s["reason"].as_str().unwrap_or_default()),
            })
            .collect();
        let catalogue =
            crate::lint::engine::Engine::load(&[]).map(|e| crate::lint::catalogue::all(e.rules())).unwrap_or_default();
        let ids = findings.iter().map(|f| f.rule.clone()).chain(suppressed.iter().map(|s| s.rule.clone()));
        let rules = rules_of(&catalogue, ids);
        let n = merged["repositories"].as_array().map_or(0, Vec::len);
        Page {
            title: format!("paved audit: {n} repositories"),
            group_by: "repository",
            files: merged["summary"]["files"].as_u64().unwrap_or(0) as usize,
            findings,
            suppressed,
            rules,
        }
    }
}

/// `s` as element text: only `& < >` need escaping there (quotes stay one byte).
fn text(s: &str) -> String {
    escape(s, false)
}

/// `s` with `& < > " '` escaped, for attribute values (and text).
fn esc(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of `(label, count)`, most first, the top `max` of them.
fn bars(title: &str, id: &str, counts: &[(String, usize)], max: usize) -> String {
    let shown: Vec<&(String, usize)> = counts.iter().take(max).collect();
    let top = shown.first().map_or(1, |(_, n)| *n).max(1);
    let (row, label_w, bar_w) = (22, 260, 360);
    let height = row * shown.len().max(1) + 8;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg id=\"{id}\" role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        esc(title),
        esc(title),
        label_w + bar_w + 60,
        label_w + bar_w + 60
    );
    for (i, (label, n)) in shown.iter().enumerate() {
        let y = i * row + 4;
        let w = (bar_w * n / top).max(1);
        let _ = write!(
            svg,
            "<g><title>{}: {n}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\"></rect><text x=\"{}\" y=\"{}\">{n}</text></g>",
            esc(label),
            label_w - 6,
            y + 14,
            esc(&shorten(label, 38)),
            label_w,
            y + 2,
            row - 6,
            label_w + w + 4,
            y + 14
        );
    }
    if counts.len() > max {
        let _ = write!(svg, "<text x=\"{label_w}\" y=\"{}\">… {} more</text>", height - 2, counts.len() - max);
    }
    svg.push_str("</svg></figure>");
    svg
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn counted<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d8dee4;vertical-align:top}th{background:#f6f8fa;cursor:pointer;white-space:nowrap}\
.totals td,.totals th{width:auto}.sev-error,tr[data-severity=error]>td:first-child{color:#b42318;font-weight:600}.sev-warning,tr[data-severity=warning]>td:first-child{color:#9a6700;font-weight:600}.sev-info,tr[data-severity=info]>td:first-child{color:#0969da}\
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg text{font-size:12px;fill:#1b1f24}svg rect{fill:#0969da}\
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f6f8fa;padding:.4rem;overflow:auto;margin:.3rem 0}\
details summary{cursor:pointer}.filters{display:none;gap:.5rem;margin:.5rem 0;flex-wrap:wrap}.js .filters{display:flex}\
.filters input,.filters select{font:inherit;padding:.2rem}td code{overflow-wrap:anywhere}#findings,#findings thead,#findings tbody{display:block}#findings tr{display:grid;grid-template-columns:5.5rem minmax(9rem,14rem) 7rem minmax(12rem,20rem) 1fr}\
#findings.b tr{grid-template-columns:5.5rem minmax(9rem,14rem) 7rem minmax(12rem,20rem) 1fr 6rem}\
#findings tbody tr{content-visibility:auto;contain-intrinsic-size:auto 3.2em}#findings tr[hidden]{display:none}.muted{color:#57606a}.count{font-variant-numeric:tabular-nums}";

const SCRIPT: &str = r#"(function(){
document.documentElement.classList.add('js');
var t=document.getElementById('findings');if(!t)return;
var rows=Array.prototype.slice.call(t.tBodies[0].rows);
var rule=document.getElementById('f-rule'),sev=document.getElementById('f-severity'),q=document.getElementById('f-q'),shown=document.getElementById('shown');
function apply(){var r=rule.value,s=sev.value,text=q.value.toLowerCase(),n=0;
rows.forEach(function(row){var ok=(!r||row.dataset.rule===r)&&(!s||row.dataset.severity===s)&&(!text||row.textContent.toLowerCase().indexOf(text)>=0);if(row.hidden===ok)row.hidden=!ok;if(ok)n++;});
shown.textContent=n;}
function fromHash(){var h=decodeURIComponent(location.hash.slice(1));if(!h&&!rule.value&&!sev.value&&!q.value)return;h.split('&').forEach(function(kv){var p=kv.split('=');if(p[0]==='rule')rule.value=p[1]||'';if(p[0]==='severity')sev.value=p[1]||'';if(p[0]==='q')q.value=p[1]||'';});apply();}
[rule,sev].forEach(function(e){e.addEventListener('change',apply);});q.addEventListener('input',apply);
window.addEventListener('hashchange',fromHash);
var order={error:0,warning:1,info:2};
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
var asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
function key(c){var t=c.textContent,m=/^(.*):(\d+)(?::(\d+))?$/.exec(t);return m?m[1]+':'+('00000000'+m[2]).slice(-8)+':'+('0000'+(m[3]||0)).slice(-4):t;}
rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);
if(th.dataset.sort==='num'){x=+x;y=+y;}else if(th.dataset.sort==='severity'){x=order[x];y=order[y];}
return (x<y?-1:x>y?1:0)*(asc?1:-1);});
rows.forEach(function(r){t.tBodies[0].appendChild(r);});});});
fromHash();
document.documentElement.dataset.ready='1';
})();"#;

pub fn render_page(page: &Page) -> String {
    let mut out = String::with_capacity(4096 + page.findings.len() * 400);
    let count = |s: Severity| page.findings.iter().filter(|f| f.severity == s).count();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>",
        esc(&page.title),
        esc(&page.title)
    );
    // Totals.
    let _ = write!(
        out,
        "<table class=\"totals\" id=\"totals\"><tr><th>findings</th><th>errors</th><th>warnings</th><th>info</th><th>suppressed</th><th>files</th></tr>\
         <tr><td class=\"count\" data-total=\"findings\">{}</td><td class=\"count sev-error\" data-total=\"error\">{}</td>\
         <td class=\"count sev-warning\" data-total=\"warning\">{}</td><td class=\"count sev-info\" data-total=\"info\">{}</td>\
         <td class=\"count\" data-total=\"suppressed\">{}</td><td class=\"count\" data-total=\"files\">{}</td></tr></table>",
        page.findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        page.suppressed.len(),
        page.files
    );
    // Charts.
    let by_rule = counted(page.findings.iter().map(|f| f.rule.as_str()));
    let by_group = counted(page.findings.iter().map(|f| f.group.as_str()));
    out.push_str(&bars("Findings by rule", "chart-rules", &by_rule, 25));
    out.push_str(&bars(&format!("Findings by {}", page.group_by), "chart-groups", &by_group, 25));

    // Findings.
    let _ = write!(out, "<h2>Findings (<span id=\"shown\">{}</span> shown)</h2>", page.findings.len());
    out.push_str(
        "<div class=\"filters\"><select id=\"f-rule\" aria-label=\"rule\"><option value=\"\">every rule</option>",
    );
    for (rule, n) in &by_rule {
        let _ = write!(out, "<option value=\"{}\">{} ({n})</option>", esc(rule), esc(rule));
    }
    let baselined = page.findings.iter().any(|f| !f.baseline.is_empty());
    out.push_str(
        "</select><select id=\"f-severity\" aria-label=\"severity\"><option value=\"\">every severity</option>\
         <option>error</option><option>warning</option><option>info</option></select>\
         <input id=\"f-q\" type=\"search\" placeholder=\"filter text\" aria-label=\"text\"></div>",
    );
    let _ = write!(
        out,
        "<table id=\"findings\"{}><thead><tr><th data-sort=\"severity\">severity</th><th>rule</th><th>{}</th><th>location</th><th>finding</th>{}</tr></thead><tbody>",
        if baselined { " class=\"b\"" } else { "" },
        page.group_by,
        if baselined { "<th>baseline</th>" } else { "" }
    );
    for f in &page.findings {
        let sev = f.severity.as_str();
        let col = f.column.map(|c| format!(":{c}")).unwrap_or_default();
        // Kept lean (a monorepo's report has tens of thousands of rows): the severity's colour
        // comes from the row's attribute, the location sorts by a key the script derives.
        let _ = write!(
            out,
            "<tr data-rule=\"{}\" data-severity=\"{sev}\"><td>{sev}</td><td><a href=\"#rule-{}\">{}</a></td><td>{}</td>\
             <td><code>{}:{}{col}</code></td><td><details><summary>{}</summary>",
            esc(&f.rule),
            esc(&f.rule),
            text(&f.rule),
            text(&f.group),
            text(&f.path),
            f.line,
            text(&f.message)
        );
        if let Some(src) = &f.source {
            let _ = write!(out, "<pre>{:>5} | {}</pre>", f.line, text(src.trim_end()));
        }
        // The rule's own fix text is in the rules section once; only a finding's own help here.
        let rule_fix = page.rules.get(&f.rule).map(|(_, _, fix)| fix.as_str());
        if !f.help.is_empty() && rule_fix != Some(f.help.as_str()) {
            let _ = write!(out, "<p>{}</p>", text(&f.help));
        }
        if let Some(how) = f.fixable {
            let _ = write!(out, "<p>fix: <code>{how}</code></p>");
        }
        out.push_str("</details></td>");
        if !f.baseline.is_empty() {
            let _ = write!(out, "<td>{}</td>", f.baseline);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");

    // Suppressed.
    let _ = write!(out, "<h2>Suppressed ({})</h2>", page.suppressed.len());
    if !page.suppressed.is_empty() {
        let _ = write!(
            out,
            "<table id=\"suppressed\"><thead><tr><th>rule</th><th>{}</th><th>location</th><th>how</th><th>reason</th><th>expires</th></tr></thead><tbody>",
            page.group_by
        );
        for s in &page.suppressed {
            let state = if s.kind == "baseline" { " (baseline: unchanged)" } else { "" };
            let _ = write!(
                out,
                "<tr data-rule=\"{}\"><td><a href=\"#rule-{}\">{}</a></td><td>{}</td><td><code>{}:{}</code></td><td>{}{state}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.rule),
                esc(&s.rule),
                esc(&s.rule),
                esc(&s.group),
                esc(&s.path),
                s.line,
                esc(&s.kind),
                esc(&s.reason),
                esc(s.expires.as_deref().unwrap_or("—"))
            );
        }
        out.push_str("</tbody></table>");
    }

    // Rules.
    out.push_str("<h2>Rules</h2><dl>");
    for (id, (title, rationale, fix)) in &page.rules {
        let _ = write!(
            out,
            "<dt id=\"rule-{}\"><code>{}</code>: {}</dt><dd><p>{}</p><p><strong>Fix:</strong> {}</p></dd>",
            esc(id),
            esc(id),
            esc(title),
            esc(rationale),
            esc(fix)
        );
    }
    let _ = writeln!(out, "</dl><script>{SCRIPT}</script></body></html>");
    out
}

pub fn render(report: &Report) -> String {
    render_page(&Page::from_report(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(text("\"a\" & <b>"), "\"a\" &amp; &lt;b&gt;");
    }

    #[test]
    fn groups_by_top_level_directory() {
        assert_eq!(top_dir("deploy/app.yaml"), "deploy/");
        assert_eq!(top_dir("Dockerfile"), ".");
        assert_eq!(top_dir("../shared/corpus/x.yaml"), "../shared/corpus/");
    }

    #[test]
    fn rows_laid_out_as_grids_still_hide() {
        // `display: grid` on rows would override the user agent's `[hidden] { display: none }`:
        // a filtered row must stay hidden.
        assert!(STYLE.contains("#findings tr{display:grid"));
        assert!(STYLE.contains("#findings tr[hidden]{display:none}"));
    }

    #[test]
    fn bars_are_scaled_to_the_largest() {
        let svg = bars("t", "c", &[("a".into(), 10), ("b".into(), 5)], 25);
        assert!(svg.contains("width=\"360\"") && svg.contains("width=\"180\""), "{svg}");
        assert!(svg.starts_with("<figure>") && svg.ends_with("</figure>"));
    }
}
