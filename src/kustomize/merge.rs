//! Strategic merge patch with the merge keys of the built-in Kubernetes types.
//!
//! (Not built yet: a stub so the build compiles.)
