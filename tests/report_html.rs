//! `--format html` in a real browser: headless Chromium (Debian's `chromium`, installed by
//! scripts/setup-test-tools.sh) loads the report of the whole corpus with JavaScript on; the
//! page's script must run to its end (it marks `<html data-ready="1">`, and the console shows no
//! error), the totals it shows must equal the JSON's, and filtering by a rule (through the URL,
//! `#rule=ID`, as a reader's link would) must show exactly that rule's rows. A screenshot is
//! saved as a test artifact (its path is printed). The page's structure (not its bytes) is an
//! insta snapshot, and it works offline: no `http`, no external script, style or font.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{lint_json, paved, require_tool, run, snapshot_settings, text};
use regex::Regex;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "{} is missing", dir.display());
    None
}

/// The DOM after the page's scripts ran, and Chromium's log (console messages included).
fn dom(chromium: &Path, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = run(Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(url));
    assert!(out.status.success(), "chromium: {}", text(&out));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn total(dom: &str, what: &str) -> u64 {
    let re = Regex::new(&format!(r#"data-total="{what}">(\d+)<"#)).unwrap();
    re.captures(dom).unwrap_or_else(|| panic!("no {what} total")).get(1).unwrap().as_str().parse().unwrap()
}

#[test]
fn the_corpus_report_in_headless_chromium() {
    let Some(chromium) = require_tool("chromium") else { return };
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.html");
    let out = run(paved()
        .current_dir(&corpus)
        .args(["lint", ".", "--no-config", "--format", "html", "--output"])
        .arg(&report));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let json = lint_json(&corpus, &["."]);
    let html = std::fs::read_to_string(&report).unwrap();
    let size = html.len();
    let findings = json["findings"].as_array().unwrap();
    eprintln!("report of {} findings: {size} bytes", findings.len());
    assert!(size < 3 * 1024 * 1024, "the report is {size} bytes");
    // Nothing is loaded from outside: no external script, stylesheet, image, frame or font.
    let loads = Regex::new(r#"<(script|link|img|iframe|object|embed)\b[^>]*\b(src|href|data)="#).unwrap();
    assert!(!loads.is_match(&html), "the report loads something: {:?}", loads.find(&html));
    let style = html.split("<style>").nth(1).and_then(|s| s.split("</style>").next()).unwrap();
    assert!(!style.contains("url(") && !style.contains("@import") && !style.contains("@font-face"), "{style}");

    // Loaded with JavaScript: the script ran to its end, no console error.
    let url = format!("file://{}", report.display());
    let start = std::time::Instant::now();
    let (page, log) = dom(&chromium, &url);
    eprintln!("loaded and rendered in {:.2}s (headless Chromium, including its start)", start.elapsed().as_secs_f64());
    assert!(page.contains("data-ready=\"1\""), "the page's script did not finish");
    let errors: Vec<&str> =
        log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("SyntaxError")).collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // The totals the page shows are the JSON's.
    assert_eq!(total(&page, "findings"), json["summary"]["findings"].as_u64().unwrap());
    let errors_json = findings.iter().filter(|f| f["severity"] == "error").count() as u64;
    assert_eq!(total(&page, "error"), errors_json);
    assert_eq!(total(&page, "suppressed"), json["summary"]["suppressed"].as_u64().unwrap());
    assert_eq!(total(&page, "files"), json["summary"]["files"].as_u64().unwrap());

    // Filtering by a rule shows only that rule's rows, all of them. A probe appended to a copy
    // of the page counts the rows the browser actually displays (computed style, so a style
    // that overrode `hidden` would be caught) of each rule.
    let rule = "image-latest-tag";
    let expected = findings.iter().filter(|f| f["rule"] == rule).count();
    assert!(expected > 0);
    let probe = "<script>(function(){var rows=document.querySelectorAll('#findings tbody tr'),all=0,mine=0;\
        rows.forEach(function(r){if(getComputedStyle(r).display!=='none'){all++;if(r.dataset.rule==='RULE')mine++;}});\
        document.body.dataset.displayed=all;document.body.dataset.displayedRule=mine;})();</script></body>"
        .replace("RULE", rule);
    let probed = tmp.path().join("probed.html");
    std::fs::write(&probed, html.replacen("</body>", &probe, 1)).unwrap();
    let (displayed, _) = dom(&chromium, &format!("file://{}#rule={rule}", probed.display()));
    assert!(
        displayed.contains(&format!("data-displayed=\"{expected}\" data-displayed-rule=\"{expected}\"")),
        "rows the browser displays for #rule={rule}: {:?}",
        Regex::new(r#"data-displayed="\d+" data-displayed-rule="\d+""#).unwrap().find(&displayed).map(|m| m.as_str())
    );
    let (filtered, _) = dom(&chromium, &format!("{url}#rule={rule}"));
    let row = Regex::new(r#"<tr data-rule="([^"]+)" data-severity="[a-z]+"( hidden="")?>"#).unwrap();
    let rows: Vec<(String, bool)> =
        row.captures_iter(&filtered).map(|c| (c[1].to_string(), c.get(2).is_none())).collect();
    assert_eq!(rows.len(), findings.len(), "every finding is a row");
    let visible: Vec<&(String, bool)> = rows.iter().filter(|(_, shown)| *shown).collect();
    assert_eq!(visible.len(), expected, "rows shown for {rule}");
    assert!(visible.iter().all(|(r, _)| r == rule), "a row of another rule is shown");
    assert!(filtered.contains(&format!("<span id=\"shown\">{expected}</span>")), "the shown count");

    // A screenshot, for people.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("report-corpus.png");
    let profile = tempfile::tempdir().unwrap();
    let out = run(Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url));
    assert!(out.status.success() && shot.is_file(), "{}", text(&out));
    eprintln!("screenshot: {}", shot.display());
    let shot = artifacts.join("report-corpus-filtered.png");
    let profile = tempfile::tempdir().unwrap();
    let out = run(Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("{url}#rule={rule}")));
    assert!(out.status.success() && shot.is_file(), "{}", text(&out));
    eprintln!("screenshot (#rule={rule}): {}", shot.display());
}

/// The page's outline: each element that carries structure, in order, with its id and class;
/// runs of the same element (table rows, chart bars) collapsed with their count.
fn outline(html: &str) -> String {
    let tag = Regex::new(r#"<(h1|h2|table|thead|tbody|tr|th|figure|figcaption|svg|g|details|summary|pre|select|input|dl|dt|dd|script|style)\b([^>]*)>"#).unwrap();
    let attr = Regex::new(r#"\b(id|class)="([^"]*)""#).unwrap();
    let mut lines: Vec<(String, usize)> = Vec::new();
    for c in tag.captures_iter(html) {
        let mut line = c[1].to_string();
        for a in attr.captures_iter(&c[2]) {
            // Rule anchors and per-rule ids are data, not structure.
            if &a[1] == "id" && a[2].starts_with("rule-") {
                continue;
            }
            line.push_str(&format!(" {}={}", &a[1], &a[2]));
        }
        // A row's cells' structure joins the row's line (`tr > details > summary > pre`).
        let joins = match &c[1] {
            "details" | "summary" | "pre" => "tr",
            "dd" => "dt",
            _ => "\0",
        };
        if let Some((last, 1)) = lines.last_mut()
            && last.starts_with(joins)
        {
            last.push_str(&format!(" > {line}"));
            continue;
        }
        match lines.last_mut() {
            Some((last, n)) if *last == line => *n += 1,
            _ => lines.push((line, 1)),
        }
    }
    // Rows of the same shape, collapsed now that they are whole.
    let mut collapsed: Vec<(String, usize)> = Vec::new();
    for (l, n) in lines {
        match collapsed.last_mut() {
            Some((last, m)) if *last == l => *m += n,
            _ => collapsed.push((l, n)),
        }
    }
    let lines = collapsed;
    lines.iter().map(|(l, n)| if *n > 1 { format!("{l} ×{n}") } else { l.clone() }).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_page_structure_snapshot() {
    // The naive repository against a baseline of itself, plus one new finding and one
    // suppressed with an expiry: every section of the page has rows.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("naive");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix/naive");
    assert!(run(Command::new("cp").arg("-a").arg(&src).arg(&d)).status.success());
    run(paved().current_dir(&d).args(["lint", "--no-config", "--write-baseline", "base.json"]));
    let makefile = std::fs::read_to_string(d.join("Makefile")).unwrap();
    std::fs::write(
        d.join("Makefile"),
        format!("{makefile}\nunit:\n\tgo test ./a\n\t# paved:ignore go-test-timeout-missing -- split soon (until 2027-01-31)\n\tgo test ./b\n"),
    )
    .unwrap();
    let out = run(paved().current_dir(&d).env("PAVED_TODAY", "2026-12-02").args([
        "lint",
        "--no-config",
        "--baseline",
        "base.json",
        "--format",
        "html",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    snapshot_settings().bind(|| insta::assert_snapshot!("report@html-outline", outline(&html)));
}
