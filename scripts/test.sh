#!/usr/bin/env bash
# The whole test suite, as CI runs it: install the oracle tools (idempotent), put them on PATH,
# then formatting, lints and every test. Run from anywhere: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-tools.sh
# shellcheck source=/dev/null
. "${PAVED_TOOLS:-$HOME/.cache/paved-tools}/env.sh"

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
# Benchmarks are type-checked by clippy --all-targets and run only by bench/ and `cargo bench`.
cargo test --lib --bins --tests --locked
