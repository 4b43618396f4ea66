//! `bench/peer-agreement.py` runs and prints its tables: on a small corpus (a manifest, a
//! Dockerfile, and a Dockerfile under `docs/` that paved skips by design), with the paved of
//! this build. hadolint is a test tool (required under CI); kube-linter is a benchmark peer
//! (bench/setup-peers.sh builds it, which takes minutes), so its rows are checked when it is on
//! PATH and otherwise the script must say it skipped them.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn the_peer_agreement_script_prints_its_tables() {
    let Some(hadolint) = common::require_tool("hadolint") else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::run(
        Command::new("python3")
            .arg(root.join("bench/peer-agreement.py"))
            .arg("--corpus")
            .arg(root.join("tests/fixtures/peer-agreement"))
            .arg("--paved")
            .arg(env!("CARGO_BIN_EXE_paved"))
            .arg("--hadolint")
            .arg(hadolint)
            .arg("--details"),
    );
    let text = common::text(&out);
    assert!(out.status.success(), "{text}");
    for header in [
        "## Mapped checks",
        "| peer | peer check | paved rule | both | only paved | only peer | peer only, by design | note |",
        "## Peer checks with no paved rule",
        "## paved rules with no peer check (same surfaces)",
    ] {
        assert!(text.contains(header), "no {header:?} in:\n{text}");
    }
    // FROM alpine:latest: both; FROM ubuntu under docs/: hadolint only, which paved skips.
    assert!(text.contains("| hadolint | DL3006, DL3007 | image-latest-tag | 1 | 0 | 0 | 1 |"), "{text}");
    assert!(text.contains("  - docs/Dockerfile (documentation)"), "{text}");
    assert!(text.contains("| hadolint | DL3009, DL3019 | package-cache-kept | 1 | 0 | 0 | 0 |"), "{text}");
    if !text.contains("kube-linter not found") {
        assert!(text.contains("| kube-linter | latest-tag | image-latest-tag | 1 | 0 | 0 | 0 |"), "{text}");
    }
}
