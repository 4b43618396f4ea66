//! Patch and replacement targets: selectors by group, version, kind, name, namespace,
//! labelSelector and annotationSelector.
//!
//! (Not built yet: a stub so the build compiles.)
