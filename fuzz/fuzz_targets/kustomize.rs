#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paved_fuzz::kustomize(data));
