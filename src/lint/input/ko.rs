//! `.ko.yaml` → input: ko builds Go binaries into images without a Dockerfile. Its base images
//! (`defaultBaseImage`, every `baseImageOverrides` value) are `images` like a Dockerfile's
//! FROM, and its `builds` (`id`, `dir`, `main`) are kept for the repository model, where
//! containers whose image is `ko://IMPORT/PATH` run that Go package.

use serde_json::json;

use super::{Built, FileInput, ImageFact, document};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Limits, key_text};

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    let Some(root) = docs.into_iter().next().map(|d| d.root).filter(|r| r.as_map().is_some()) else {
        return Ok(Built::NotApplicable);
    };
    let mut images = Vec::new();
    let default_base = root.get("defaultBaseImage").and_then(|n| n.as_str().map(|s| (s.to_string(), n.pos)));
    if let Some((image, pos)) = &default_base {
        images.push(ImageFact::new(image, "ko defaultBaseImage", *pos));
    }
    let mut overrides = serde_json::Map::new();
    for (k, v) in root.get("baseImageOverrides").and_then(|n| n.as_map()).into_iter().flatten() {
        if let Some(image) = v.as_str() {
            images.push(ImageFact::new(image, "ko baseImageOverrides", v.pos));
            overrides.insert(key_text(k).into_owned(), json!(image));
        }
    }
    let builds: Vec<serde_json::Value> = root
        .get("builds")
        .and_then(|n| n.as_seq())
        .into_iter()
        .flatten()
        .map(|b| {
            let s = |k: &str| b.get(k).and_then(|n| n.as_str()).map(str::to_string);
            json!({"id": s("id"), "dir": s("dir"), "main": s("main"), "line": b.pos.line, "col": b.pos.col})
        })
        .collect();
    let extra = json!({"ko": {
        "default_base_image": default_base.map(|(i, _)| i),
        "base_image_overrides": overrides,
        "builds": builds,
    }});
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "ko", images, Vec::new(), extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_images_and_builds() {
        let text = "defaultBaseImage: cgr.dev/chainguard/static\nbaseImageOverrides:\n  github.com/acme/app/cmd/tool: alpine:3.20\nbuilds:\n- id: app\n  main: ./cmd/app\n";
        let Built::Input(fi) = build(".ko.yaml", text).unwrap() else { panic!("not applicable") };
        let images: Vec<(&str, u64, u64)> = fi.input["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["image"].as_str().unwrap(), i["line"].as_u64().unwrap(), i["col"].as_u64().unwrap()))
            .collect();
        assert_eq!(images, vec![("cgr.dev/chainguard/static", 1, 19), ("alpine:3.20", 3, 33)]);
        assert_eq!(fi.input["ko"]["builds"][0]["main"], "./cmd/app");
        assert!(matches!(build(".ko.yaml", "").unwrap(), Built::NotApplicable));
    }
}
