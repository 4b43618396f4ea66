//! `patchesStrategicMerge:`, `patches:` and `patchesJson6902:`.
//!
//! (Not built yet: a stub so the build compiles.)

use super::build::{Acc, Ctx, Kust};

pub fn strategic_merge_field(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}

pub fn patches_field(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}

pub fn json6902_field(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}
