//! GitHub Actions surfaces end to end: `allow-unpinned` in `.paved.yaml` trusts owners and
//! repositories at a tag for action-not-pinned, in workflows and in the repository's own
//! composite actions, and a trusted owner does not hide the others.

use std::fs;
use std::path::Path;

use paved::lint;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn unpinned(root: &Path) -> Vec<(String, u32, u32)> {
    let report = lint::run(&lint::Options::new(vec![root.to_path_buf()])).expect("lint runs");
    let base = root.display().to_string();
    report
        .findings
        .iter()
        .filter(|f| f.rule == "action-not-pinned")
        .map(|f| (f.path.trim_start_matches(&base).trim_start_matches('/').to_string(), f.line, f.column.unwrap_or(0)))
        .collect()
}

const WORKFLOW: &str = "name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup\n      - uses: Docker/login-action@v3\n      - uses: docker/build-push-action@v6\n";
const ACTION: &str = "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-go@v5\n    - uses: golangci/golangci-lint-action@v8\n";

#[test]
fn allow_unpinned_trusts_owners_and_repositories_at_a_tag() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, ".github/workflows/ci.yml", WORKFLOW);
    write(root, ".github/actions/setup/action.yml", ACTION);
    let all = unpinned(root);
    assert_eq!(
        all,
        [
            (".github/actions/setup/action.yml".to_string(), 5, 13),
            (".github/actions/setup/action.yml".to_string(), 6, 13),
            (".github/workflows/ci.yml".to_string(), 9, 15),
            (".github/workflows/ci.yml".to_string(), 11, 15),
            (".github/workflows/ci.yml".to_string(), 12, 15),
        ]
    );
    write(root, ".paved.yaml", "allow-unpinned: [actions, docker/login-action]\n");
    assert_eq!(
        unpinned(root),
        [(".github/actions/setup/action.yml".to_string(), 6, 13), (".github/workflows/ci.yml".to_string(), 12, 15),]
    );
}
