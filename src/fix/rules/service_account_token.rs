//! `service-account-token-automounted`: `automountServiceAccountToken: false` as the first key
//! of the pod spec (the finding points at its first container). Unsafe: a program that calls
//! the Kubernetes API (a controller, an operator, anything with client-go's in-cluster config)
//! loses its credentials; the rule only knows that nothing in the repository binds the account.

use super::Fixer;
use super::k8s;
use crate::fix::yaml_edit::New;
use crate::fix::{Applicability, Ctx, Fix};

pub const FIXER: Fixer = Fixer {
    rule: "service-account-token-automounted",
    applicability: Applicability::Unsafe,
    summary: "adds `automountServiceAccountToken: false` to the pod spec (unsafe: a program that calls the Kubernetes API needs the token)",
    fix,
};

fn fix(ctx: &Ctx) -> Option<Fix> {
    let doc = k8s::doc(ctx)?;
    k8s::container(&doc, ctx)?;
    let spec = doc.pod_spec(ctx.finding.line as usize)?;
    let edits = doc.merge(&spec, &[], vec![("automountServiceAccountToken".to_string(), New::scalar("false"))])?;
    Fix::unsafe_("add `automountServiceAccountToken: false` to the pod spec", edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::{finding, fix_with, fixed};

    #[test]
    fn the_pod_spec_gets_the_key_first() {
        let t = "kind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: api\n      containers:\n      - name: api\n        image: x:1\n";
        let f = finding(FIXER.rule, "k8s/d.yaml", 7, 9, "");
        assert_eq!(
            fixed(fix, &f, t).unwrap(),
            "kind: Deployment\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      serviceAccountName: api\n      containers:\n      - name: api\n        image: x:1\n"
        );
        assert_eq!(fix_with(fix, &f, t, &[]).unwrap().applicability, Applicability::Unsafe);
    }

    #[test]
    fn no_fix_when_the_pod_spec_already_says_or_a_template_may_write_it() {
        let t = "spec:\n  automountServiceAccountToken: true\n  containers:\n  - name: a\n";
        assert_eq!(fixed(fix, &finding(FIXER.rule, "p.yaml", 4, 5, ""), t), None);
        let tpl = "spec:\n  {{- toYaml .Values.podSpec | nindent 2 }}\n  containers:\n  - name: a\n    image: b\n";
        let f = finding(FIXER.rule, "c/templates/p.yaml", 4, 5, "");
        assert_eq!(fix_with(fix, &f, tpl, &[("c/Chart.yaml", "")]), None);
    }
}
