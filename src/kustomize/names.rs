//! `namePrefix:`/`nameSuffix:` (PrefixSuffixTransformer) and name references: fields that name
//! another object follow it when it is renamed (kustomize's nameReference).
//!
//! (Not built yet: a stub so the build compiles.)

use super::build::{Acc, Ctx, Kust};

pub fn prefix_suffix(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}

/// At the root, after hashes: rewrite references to renamed objects.
pub fn fix_references(_ctx: &mut Ctx, _acc: &mut Acc) {}
