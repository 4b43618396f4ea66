//! JSON patch (RFC 6902) on source-mapped trees.
//!
//! (Not built yet: a stub so the build compiles.)
