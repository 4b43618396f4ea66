//! `images:` (and the deprecated `imageTags:`): kustomize's ImageTagTransformer
//! (`api/filters/imagetag`, `api/internal/image`).
//!
//! An entry's `name` is matched as kustomize does: as a regular expression, anchored, followed
//! by an optional `:tag` and an optional `@sha256:digest` (so `nginx` matches `nginx`,
//! `nginx:1.25` and `nginx@sha256:...`, not `nginx-proxy`). A matching image is split into
//! name, tag and digest (a `:` before the first `/` is a registry port) and rebuilt with
//! `newName`, `newTag`, `digest` or `tagSuffix`. Like kustomize, two passes run: every
//! `containers`/`initContainers` list anywhere in an object (its legacy filter), then the images
//! field specs (`fieldspecs/images.yaml` plus `configurations:`); CustomResourceDefinitions
//! are skipped. An image is never created.
//!
//! Origins: an image an entry matches carries the entry's node for what it sets — `newTag:` (or
//! `tagSuffix:`), else `digest:`, else `newName:` — even when the value stays as it was
//! (kubebuilder's `newTag: latest` over `controller:latest`): a finding about the tag points at
//! the kustomization line that decides it. An image no entry sets anything on keeps its origin.

use regex::Regex;

use super::ProblemKind;
use super::build::{Acc, Ctx, Kust};
use super::fieldspec::FieldSpec;
use super::tree::Origin;
use crate::parse::yaml::{Node, Value, key_text};

/// One `images:` entry, read.
#[derive(Debug, Clone)]
pub struct ImageEntry {
    pub pattern: Regex,
    pub new_name: Option<(String, Origin)>,
    pub new_tag: Option<(String, Origin)>,
    pub digest: Option<(String, Origin)>,
    pub tag_suffix: Option<(String, Origin)>,
    /// The entry itself.
    pub at: Origin,
}

/// Splits an image reference into name, tag and digest as kustomize does (`image.Split`).
pub fn split(image: &str) -> (&str, &str, &str) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    match (at, colon) {
        (None, None) => (image, "", ""),
        (Some(d), None) => (&image[..d], "", &image[d + 1..]),
        (Some(d), Some(c)) if d < c => (&image[..d], "", &image[d + 1..]),
        (Some(d), Some(c)) => (&image[..c], &image[c + 1..d], &image[d + 1..]),
        (None, Some(c)) => (&image[..c], &image[c + 1..], ""),
    }
}

/// A string field of an entry as kustomize reads it (empty and null are unset; a number or bool
/// is an error recorded at the value). `Err` when the entry cannot be used.
fn string_field(ctx: &mut Ctx, entry: &Node, key: &str) -> Result<Option<(String, Origin)>, ()> {
    let Some(v) = entry.get(key) else { return Ok(None) };
    match &v.value {
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some((s.clone(), Origin::of(v)))),
        Value::Null => Ok(None),
        _ => {
            let msg = format!(
                "images `{key}: {}` is a {}: kustomize reads it as a string and refuses to build (quote it)",
                super::tree::scalar(v).unwrap_or_default(),
                v.type_name()
            );
            ctx.problem(ProblemKind::BuildError, v, msg);
            Err(())
        }
    }
}

/// Reads one entry (of `images:` or an ImageTagTransformer's `imageTag:`).
pub fn read_entry(ctx: &mut Ctx, entry: &Node) -> Option<ImageEntry> {
    if !ctx.expect_map(entry, "an images entry") {
        return None;
    }
    let name = string_field(ctx, entry, "name").ok()?;
    let new_name = string_field(ctx, entry, "newName").ok()?;
    let new_tag = string_field(ctx, entry, "newTag").ok()?;
    let digest = string_field(ctx, entry, "digest").ok()?;
    let tag_suffix = string_field(ctx, entry, "tagSuffix").ok()?;
    let name = name.map(|(n, _)| n).unwrap_or_default();
    let source = format!("^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$");
    let pattern = match Regex::new(&source) {
        Ok(p) => p,
        Err(_) => {
            let at = entry.get("name").unwrap_or(entry);
            let msg = format!(
                "images name {name:?} is not a valid regular expression: kustomize matches names as one and fails on it"
            );
            ctx.problem(ProblemKind::BuildError, at, msg);
            return None;
        }
    };
    Some(ImageEntry { pattern, new_name, new_tag, digest, tag_suffix, at: Origin::of(entry) })
}

impl ImageEntry {
    /// The rewritten image and the origin it takes, or `None` when `image` does not match or
    /// stays as it is.
    pub fn rewrite(&self, image: &str) -> Option<(String, Origin)> {
        if !self.pattern.is_match(image) {
            return None;
        }
        let (old_name, old_tag, old_digest) = split(image);
        let mut name = old_name.to_string();
        let mut tag = old_tag.to_string();
        let mut digest = old_digest.to_string();
        if let Some((n, _)) = &self.new_name {
            name = n.clone();
        }
        let mut tag_from = self.new_tag.as_ref();
        match (&self.new_tag, &self.digest, &self.tag_suffix) {
            (Some((t, _)), Some((d, _)), _) => (tag, digest) = (t.clone(), d.clone()),
            (Some((t, _)), None, _) => (tag, digest) = (t.clone(), String::new()),
            (None, Some((d, _)), _) => (tag, digest) = (String::new(), d.clone()),
            (None, None, Some((s, _))) => {
                tag.push_str(s);
                digest.clear();
                tag_from = self.tag_suffix.as_ref();
            }
            (None, None, None) => {}
        }
        let mut out = name.clone();
        if !tag.is_empty() {
            out = format!("{out}:{tag}");
        }
        if !digest.is_empty() {
            out = format!("{out}@{digest}");
        }
        // The entry decides every part it sets, whatever the resource had: a value it leaves
        // as it was (`newTag: latest` over `app:latest`) still comes from the entry, which is
        // where it is changed (editing the resource's would change nothing).
        let origin = if tag_from.is_some() {
            tag_from.map(|(_, o)| *o)
        } else if self.digest.is_some() {
            self.digest.as_ref().map(|(_, o)| *o)
        } else if self.new_name.is_some() {
            self.new_name.as_ref().map(|(_, o)| *o)
        } else {
            None
        };
        if out == image && origin.is_none() {
            return None;
        }
        Some((out, origin.unwrap_or(self.at)))
    }

    /// Rewrites one image node (a string) in place.
    fn update(&self, node: &mut Node) {
        let Some(image) = node.as_str() else { return };
        if let Some((out, at)) = self.rewrite(image) {
            *node = super::tree::string(out, at);
        }
    }

    /// Applies the entry to every object: the legacy pass, then the field specs.
    pub fn apply(&self, acc: &mut Acc, specs: &[FieldSpec]) {
        for r in &mut acc.resources {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            self.legacy(&mut r.node);
            for spec in specs {
                if spec.applies_to(r) {
                    spec.visit(&mut r.node, Origin::default(), None, &mut |n| self.update(n));
                }
            }
        }
    }

    /// kustomize's legacy filter: the `image` of every item of any `containers` or
    /// `initContainers` list, at any depth.
    fn legacy(&self, node: &mut Node) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match &mut n.value {
                Value::Map(entries) => {
                    for (k, v) in entries.iter_mut() {
                        let key = key_text(k);
                        if (key == "containers" || key == "initContainers")
                            && let Value::Seq(items) = &mut v.value
                        {
                            for item in items.iter_mut() {
                                if let Some(image) = super::tree::get_mut(item, "image") {
                                    self.update(image);
                                }
                            }
                        }
                        stack.push(v);
                    }
                }
                Value::Seq(items) => stack.extend(items.iter_mut()),
                _ => {}
            }
        }
    }
}

/// `images:` then `imageTags:` (kustomize appends the deprecated field to `images:`).
pub fn apply(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let entries: Vec<Node> = k.list("images").iter().chain(k.list("imageTags")).cloned().collect();
    for entry in &entries {
        if let Some(e) = read_entry(ctx, entry) {
            let specs = acc.config.images.clone();
            e.apply(acc, &specs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::Resource;
    use crate::kustomize::labels::tests::doc;
    use crate::parse::Pos;

    fn entry(text: &str) -> ImageEntry {
        let n = doc(text, 0);
        let opts = crate::kustomize::Options { roots: &[], display: &|p| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        read_entry(&mut ctx, &n).unwrap()
    }

    #[test]
    fn split_knows_ports_tags_and_digests() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1.25"), ("nginx", "1.25", ""));
        assert_eq!(split("localhost:5000/app:v1"), ("localhost:5000/app", "v1", ""));
        assert_eq!(split("ghcr.io/a/b@sha256:abc"), ("ghcr.io/a/b", "", "sha256:abc"));
        assert_eq!(split("a/b:v1@sha256:abc"), ("a/b", "v1", "sha256:abc"));
    }

    #[test]
    fn names_match_with_tags_and_digests_only() {
        let e = entry("name: nginx\nnewTag: \"1.26\"\n");
        assert_eq!(e.rewrite("nginx:1.25").map(|r| r.0).as_deref(), Some("nginx:1.26"));
        assert_eq!(e.rewrite("nginx@sha256:abc").map(|r| r.0).as_deref(), Some("nginx:1.26"));
        assert_eq!(e.rewrite("nginx-proxy:1"), None);
        assert_eq!(e.rewrite("nginx:1.26").map(|r| r.0).as_deref(), Some("nginx:1.26"), "the same, from the entry");
        let e = entry("name: nginx\ndigest: sha256:def\n");
        assert_eq!(e.rewrite("nginx:1.25").map(|r| r.0).as_deref(), Some("nginx@sha256:def"));
        let e = entry("name: busybox\ntagSuffix: -x\n");
        assert_eq!(e.rewrite("busybox:1").map(|r| r.0).as_deref(), Some("busybox:1-x"));
    }

    #[test]
    fn a_rewritten_image_carries_the_line_that_changed_it() {
        let e = entry("name: app\nnewName: ghcr.io/org/app\nnewTag: latest\n");
        assert_eq!(e.rewrite("app:v1").unwrap().1, Origin::new(0, Pos::new(3, 9)), "newTag");
        assert_eq!(e.rewrite("app:latest").unwrap().1, Origin::new(0, Pos::new(3, 9)), "the tag it sets, unchanged");
        let e = entry("name: app\nnewName: ghcr.io/org/app\n");
        assert_eq!(e.rewrite("app:v1").unwrap().1, Origin::new(0, Pos::new(2, 10)), "only the name");
        let e = entry("name: app\ndigest: sha256:abc\n");
        assert_eq!(e.rewrite("app:v1").unwrap().1, Origin::new(0, Pos::new(2, 9)), "digest");

        let mut acc = Acc::new();
        let pod = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: i\n        image: app:v1\n      containers:\n      - name: c\n        image: other:v1\n";
        acc.resources.push(Resource::new(doc(pod, 1)));
        let e = entry("name: app\nnewTag: v2\n");
        let specs = acc.config.images.clone();
        e.apply(&mut acc, &specs);
        let n = &acc.resources[0].node;
        let i = n.pointer("/spec/template/spec/initContainers/0/image").unwrap();
        assert_eq!((i.as_str(), i.src, i.pos), (Some("app:v2"), 0, Pos::new(2, 9)));
        let c = n.pointer("/spec/template/spec/containers/0/image").unwrap();
        assert_eq!((c.as_str(), c.src), (Some("other:v1"), 1));
    }

    #[test]
    fn a_build_points_the_image_at_the_kustomization_newtag_line() {
        let dir = tempfile::tempdir().unwrap();
        let kust = "resources:\n- pod.yaml\nimages:\n- name: app\n  newTag: latest\n";
        std::fs::write(dir.path().join("kustomization.yaml"), kust).unwrap();
        let pod =
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: app:v1\n";
        std::fs::write(dir.path().join("pod.yaml"), pod).unwrap();
        let roots = vec![std::fs::canonicalize(dir.path()).unwrap()];
        let display = |p: &std::path::Path| p.display().to_string();
        let opts = crate::kustomize::Options { roots: &roots, display: &display };
        let built = crate::kustomize::build(dir.path(), &opts);
        assert_eq!(built.problems, []);
        let image = built.resources[0].node.pointer("/spec/containers/0/image").unwrap();
        assert_eq!(image.as_str(), Some("app:latest"));
        assert_eq!((image.src, image.pos), (built.root, Pos::new(5, 11)));
        let name = built.resources[0].node.pointer("/spec/containers/0/name").unwrap();
        assert_ne!(name.src, built.root, "untouched values keep the resource file's origin");
    }
}
