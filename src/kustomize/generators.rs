//! `configMapGenerator:`, `secretGenerator:` (with `generatorOptions:`) and the content hash
//! kustomize appends to generated names.
//!
//! (Not built yet: a stub so the build compiles.)

use super::build::{Acc, Ctx, Kust};

pub fn run(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}

/// At the root, after every transformer: the hash suffix on generated names.
pub fn add_hashes(_ctx: &mut Ctx, _acc: &mut Acc) {}
