//! Micro-benchmarks of the hot paths (filled in by the performance work).

fn main() {
    divan::main();
}

#[divan::bench]
fn parse_small_manifest() -> usize {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    paved::parse::yaml::parse_stream(divan::black_box(text), &Default::default()).map(|d| d.len()).unwrap_or(0)
}
