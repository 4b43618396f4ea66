//! The `replacements:` field: kustomize's ReplacementTransformer.
//!
//! (Not built yet: a stub so the build compiles.)

use super::build::{Acc, Ctx, Kust};

pub fn apply(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}
