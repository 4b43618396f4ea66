//! Output order: `kustomize build`'s default (legacy) order, or `sortOptions:`.
//!
//! (Not built yet: a stub so the build compiles.)

use super::Resource;
use super::build::{Ctx, Kust};

pub fn sort(_ctx: &mut Ctx, _k: &Kust, _resources: &mut [Resource]) {}
