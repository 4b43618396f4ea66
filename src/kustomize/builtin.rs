//! The `transformers:` field: configuration files of kustomize's built-in transformers.
//!
//! (Not built yet: a stub so the build compiles.)

use super::build::{Acc, Ctx, Kust};

pub fn transformers_field(_ctx: &mut Ctx, _k: &Kust, _acc: &mut Acc) {}
