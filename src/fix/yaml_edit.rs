//! Text edits of YAML blocks (plain manifests, values files and Helm templates alike).
