//! values.schema.json validation of the coalesced values, for the chart and each subchart (with
//! the subchart's part of the values), reported in Helm's shape:
//! `CHART:` then one `- at '/json/pointer': message` line per violation. A schema that
//! references another document by URL or file cannot be used (paved fetches nothing): that is a
//! warning, not an error, and the values are not checked against that schema.

use serde_json::Value as Json;

use super::chart::Chart;
use super::values::Map;

/// Validates `values` against the schemas of `chart` and its subcharts; the error lists every
/// violation, chart by chart. Returns the warnings (schemas that could not be used).
pub(crate) fn validate(chart: &Chart, values: &Map) -> Result<Vec<String>, String> {
    let mut report = String::new();
    let mut warnings = Vec::new();
    collect(chart, values, &mut report, &mut warnings);
    if report.is_empty() { Ok(warnings) } else { Err(report) }
}

fn collect(chart: &Chart, values: &Map, report: &mut String, warnings: &mut Vec<String>) {
    if let Some(schema) = &chart.schema {
        let errors = match check(schema, values) {
            Ok(errors) => errors,
            Err(warning) => {
                warnings.push(format!("{}: values.schema.json {warning}: the values were not validated", chart.name()));
                Vec::new()
            }
        };
        if !errors.is_empty() {
            report.push_str(&format!("{}:\n", chart.name()));
            for e in errors {
                report.push_str(&format!("- {e}\n"));
            }
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Json::Null) => {}
            Some(Json::Object(sub_values)) => collect(sub, sub_values, report, warnings),
            Some(other) => report.push_str(&format!(
                "{}:\ninvalid type for values: expected a mapping, got {}\n",
                sub.name(),
                super::values::json_type(other)
            )),
        }
    }
}

/// The violations of one schema, as `at '/path': message` lines; `Err` when the schema refers
/// to a document paved does not fetch.
fn check(schema: &[u8], values: &Map) -> Result<Vec<String>, String> {
    let schema: Json = match serde_json::from_slice(schema) {
        Ok(s) => s,
        Err(e) => return Ok(vec![format!("values.schema.json is not valid JSON: {e}")]),
    };
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) if matches!(e.kind(), jsonschema::error::ValidationErrorKind::Referencing(_)) => {
            return Err(format!("cannot be used ({e})"));
        }
        Err(e) => return Ok(vec![format!("values.schema.json is not a valid schema: {e}")]),
    };
    let instance = Json::Object(values.clone());
    Ok(validator.iter_errors(&instance).map(|e| format!("at '{}': {e}", e.instance_path())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_paths() {
        let schema =
            br#"{"type":"object","properties":{"image":{"type":"object","properties":{"tag":{"type":"string"}}}}}"#;
        let values = serde_json::json!({"image": {"tag": 5}}).as_object().cloned().expect("map");
        let errors = check(schema, &values).expect("usable");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("at '/image/tag': "), "{errors:?}");
        assert_eq!(check(br#"{"type":"object"}"#, &values), Ok(Vec::new()));
        assert!(check(b"{", &values).expect("reported")[0].contains("not valid JSON"));
        let remote = br#"{"properties": {"image": {"$ref": "https://example.com/image.json"}}}"#;
        assert!(check(remote, &values).is_err(), "a remote $ref is a warning");
    }
}
