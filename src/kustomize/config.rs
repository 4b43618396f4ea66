//! Transformer configuration: the field specs each built-in transformer touches, kustomize's
//! defaults (`fieldspecs/*.yaml`, one file per section, in the format of a kustomization's
//! `configurations:` files) merged with the `configurations:` of every kustomization built so
//! far (kustomize merges them upwards, so a base's CRD name references reach its overlays).

use super::fieldspec::FieldSpec;
use super::tree;
use crate::parse::yaml::{self, Node};

/// A referenced kind and the fields of other objects that name it (kustomize's
/// `nameReference`): when the referenced object is renamed, those fields follow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameBackRef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub referrers: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    /// `labels:` of a configuration: fields every `labels:` entry sets, with or without selectors.
    pub labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRef>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    pub var_reference: Vec<FieldSpec>,
}

const DEFAULTS: [(&str, &str); 8] = [
    ("name_prefix.yaml", include_str!("fieldspecs/name_prefix.yaml")),
    ("namespace.yaml", include_str!("fieldspecs/namespace.yaml")),
    ("common_labels.yaml", include_str!("fieldspecs/common_labels.yaml")),
    ("template_labels.yaml", include_str!("fieldspecs/template_labels.yaml")),
    ("common_annotations.yaml", include_str!("fieldspecs/common_annotations.yaml")),
    ("name_reference.yaml", include_str!("fieldspecs/name_reference.yaml")),
    ("images.yaml", include_str!("fieldspecs/images.yaml")),
    ("replicas.yaml", include_str!("fieldspecs/replicas.yaml")),
];

pub fn field_spec(n: &Node) -> Option<FieldSpec> {
    let s = |k: &str| n.get(k).and_then(tree::scalar).unwrap_or_default();
    Some(FieldSpec {
        group: s("group"),
        version: s("version"),
        kind: s("kind"),
        path: n.get("path")?.as_str()?.to_string(),
        create: n.get("create").and_then(Node::as_bool).unwrap_or(false),
    })
}

pub fn specs(n: Option<&Node>) -> Vec<FieldSpec> {
    n.and_then(Node::as_seq).unwrap_or_default().iter().filter_map(field_spec).collect()
}

fn push_unique<T: PartialEq>(to: &mut Vec<T>, from: Vec<T>) {
    for x in from {
        if !to.contains(&x) {
            to.push(x);
        }
    }
}

impl TransformerConfig {
    /// kustomize's built-in configuration (parsed once per process).
    pub fn defaults() -> Self {
        static DEFAULTS_PARSED: std::sync::LazyLock<TransformerConfig> =
            std::sync::LazyLock::new(TransformerConfig::parse_defaults);
        DEFAULTS_PARSED.clone()
    }

    fn parse_defaults() -> Self {
        let mut c = Self::default();
        for (name, text) in DEFAULTS {
            let docs = yaml::parse_stream(text, &yaml::Limits::default())
                .unwrap_or_else(|e| panic!("built-in field specs {name} are not YAML: {e}"));
            if let Some(d) = docs.first() {
                c.merge(Self::from_node(&d.root));
            }
        }
        c
    }

    /// A configuration in kustomize's file format (`nameReference:`, `commonLabels:`, ...).
    pub fn from_node(n: &Node) -> Self {
        let name_reference = n
            .get("nameReference")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let s = |k: &str| r.get(k).and_then(tree::scalar).unwrap_or_default();
                NameBackRef {
                    group: s("group"),
                    version: s("version"),
                    kind: s("kind"),
                    referrers: specs(r.get("fieldSpecs")),
                }
            })
            .collect();
        Self {
            name_prefix: specs(n.get("namePrefix")),
            name_suffix: specs(n.get("nameSuffix")),
            namespace: specs(n.get("namespace")),
            common_labels: specs(n.get("commonLabels")),
            labels: specs(n.get("labels")),
            template_labels: specs(n.get("templateLabels")),
            common_annotations: specs(n.get("commonAnnotations")),
            name_reference,
            images: specs(n.get("images")),
            replicas: specs(n.get("replicas")),
            var_reference: specs(n.get("varReference")),
        }
    }

    /// Adds `other`'s specs (a name reference to the same kind gains the new referrers).
    pub fn merge(&mut self, other: Self) {
        push_unique(&mut self.name_prefix, other.name_prefix);
        push_unique(&mut self.name_suffix, other.name_suffix);
        push_unique(&mut self.namespace, other.namespace);
        push_unique(&mut self.common_labels, other.common_labels);
        push_unique(&mut self.labels, other.labels);
        push_unique(&mut self.template_labels, other.template_labels);
        push_unique(&mut self.common_annotations, other.common_annotations);
        push_unique(&mut self.images, other.images);
        push_unique(&mut self.replicas, other.replicas);
        push_unique(&mut self.var_reference, other.var_reference);
        for r in other.name_reference {
            match self
                .name_reference
                .iter_mut()
                .find(|m| m.kind == r.kind && m.group == r.group && m.version == r.version)
            {
                Some(m) => push_unique(&mut m.referrers, r.referrers),
                None => self.name_reference.push(r),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_merge_into_the_defaults() {
        let text = "nameReference:\n- kind: Issuer\n  group: cert-manager.io\n  fieldSpecs:\n  - kind: Certificate\n    group: cert-manager.io\n    path: spec/issuerRef/name\n";
        let n = yaml::parse_stream(text, &yaml::Limits::default()).unwrap().remove(0).root;
        let mut c = TransformerConfig::defaults();
        let before = c.name_reference.len();
        c.merge(TransformerConfig::from_node(&n));
        c.merge(TransformerConfig::from_node(&n));
        assert_eq!(c.name_reference.len(), before + 1);
        let issuer = c.name_reference.iter().find(|r| r.kind == "Issuer").unwrap();
        assert_eq!(issuer.referrers[0].path, "spec/issuerRef/name");
    }
}
