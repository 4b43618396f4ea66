//! `.Files`: a chart's non-template files (after `.helmignore`), with Helm's methods `Get`,
//! `GetBytes`, `Glob`, `Lines`, `AsConfig` and `AsSecrets`. Like Helm's `map[string][]byte` it
//! can be ranged over (path → content bytes), indexed and measured with `len`.
//! `AsConfig`/`AsSecrets` format their map with the template engine's own `toYaml`, so they
//! print exactly as `toYaml` does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;

use super::glob::{Dialect, compile};
use super::template::{Engine, Entries, HostObject, Value};

/// Renders a value with `toYaml` (one engine shared by every `Files` of a render).
#[derive(Clone)]
pub(crate) struct ToYaml(Arc<Mutex<Engine>>);

const TO_YAML: &str = "paved-files-to-yaml";

impl ToYaml {
    pub(crate) fn new(engine: &Engine) -> Result<Self, String> {
        let mut engine = engine.clone();
        engine.parse(TO_YAML, "{{ toYaml . }}").map_err(|e| e.to_string())?;
        Ok(Self(Arc::new(Mutex::new(engine))))
    }

    fn render(&self, value: &Value) -> Result<String, String> {
        let engine = self.0.lock().map_err(|_| "the toYaml engine is poisoned".to_owned())?;
        engine.render(TO_YAML, value).map_err(|e| e.message.clone())
    }
}

impl std::fmt::Debug for ToYaml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ToYaml")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Files {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
    to_yaml: ToYaml,
}

impl Files {
    pub(crate) fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>, to_yaml: ToYaml) -> Self {
        Self { files: Arc::new(files.into_iter().map(|(k, v)| (k, Arc::from(v))).collect()), to_yaml }
    }

    fn text(&self, name: &str) -> String {
        self.files.get(name).map(|d| String::from_utf8_lossy(d).into_owned()).unwrap_or_default()
    }

    fn glob(&self, pattern: &str) -> Files {
        // Helm falls back to `**` (everything) for a pattern that does not compile.
        let re = compile(pattern, Dialect::Gobwas);
        let files = self
            .files
            .iter()
            .filter(|(name, _)| re.as_ref().is_none_or(|re| re.is_match(name)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Files { files: Arc::new(files), to_yaml: self.to_yaml.clone() }
    }

    fn lines(&self, name: &str) -> Value {
        let text = self.text(name);
        if text.is_empty() {
            return Value::List(Vec::new());
        }
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Value::List(text.split('\n').map(|l| Value::String(l.to_owned())).collect())
    }

    /// `AsConfig`/`AsSecrets`: base name → content (or base64 content), as YAML.
    fn as_map(&self, base64: bool) -> Result<Value, String> {
        let map: BTreeMap<String, Value> = self
            .files
            .iter()
            .map(|(name, data)| {
                let base = name.rsplit('/').next().unwrap_or(name).to_owned();
                let content = if base64 {
                    base64::engine::general_purpose::STANDARD.encode(data)
                } else {
                    String::from_utf8_lossy(data).into_owned()
                };
                (base, Value::String(content))
            })
            .collect();
        self.to_yaml.render(&Value::Map(map)).map(Value::String)
    }
}

impl HostObject for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = match args {
            [Value::String(s)] => Some(s.as_str()),
            _ => None,
        };
        let need_arg = || Err(format!("Files.{method} takes one string argument"));
        Some(match (method, arg) {
            ("Get", Some(name)) => Ok(Value::String(self.text(name))),
            ("GetBytes", Some(name)) => {
                Ok(Value::Bytes(self.files.get(name).cloned().unwrap_or_else(|| Arc::from([]))))
            }
            ("Glob", Some(pattern)) => Ok(Value::Host(Arc::new(self.glob(pattern)))),
            ("Lines", Some(name)) => Ok(self.lines(name)),
            ("Get" | "GetBytes" | "Glob" | "Lines", None) => need_arg(),
            ("AsConfig", _) if args.is_empty() => self.as_map(false),
            ("AsSecrets", _) if args.is_empty() => self.as_map(true),
            ("AsConfig" | "AsSecrets", _) => Err(format!("Files.{method} takes no arguments")),
            // Go marshals a map of []byte as base64 strings.
            ("MarshalJSON", _) => {
                let map: serde_json::Map<String, serde_json::Value> = self
                    .files
                    .iter()
                    .map(|(k, v)| (k.clone(), base64::engine::general_purpose::STANDARD.encode(v).into()))
                    .collect();
                Ok(Value::String(serde_json::Value::Object(map).to_string()))
            }
            _ => return None,
        })
    }

    /// A Go `map[string][]byte`: path → content, in path order.
    fn entries(&self) -> Option<Entries> {
        let entries = self.files.iter().map(|(k, v)| (k.clone(), Value::Bytes(v.clone()))).collect();
        Some(Entries::Map { entries, zero: Value::Bytes(Arc::from([])) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::template::Limits;

    fn files() -> Files {
        let to_yaml = ToYaml::new(&Engine::new(Limits::default())).expect("toYaml template");
        Files::new([("conf/b.yaml".to_owned(), b"b: 2\n".to_vec()), ("a.txt".to_owned(), b"a".to_vec())], to_yaml)
    }

    #[test]
    fn files_are_a_map_of_bytes() {
        let Some(Entries::Map { entries, zero }) = files().entries() else { panic!("a map") };
        assert_eq!(
            entries,
            vec![
                ("a.txt".to_owned(), Value::Bytes(Arc::from(&b"a"[..]))),
                ("conf/b.yaml".to_owned(), Value::Bytes(Arc::from(&b"b: 2\n"[..])))
            ]
        );
        assert_eq!(zero, Value::Bytes(Arc::from([])));
        let Some(Ok(Value::Host(glob))) = files().call("Glob", &[Value::String("conf/*".into())]) else {
            panic!("Glob returns files")
        };
        assert_eq!(glob.entries().map(|e| e.len()), Some(1));
        assert!(
            matches!(files().call("GetBytes", &[Value::String("a.txt".into())]), Some(Ok(Value::Bytes(b))) if &*b == b"a")
        );
        assert!(
            matches!(files().call("GetBytes", &[Value::String("x".into())]), Some(Ok(Value::Bytes(b))) if b.is_empty())
        );
        assert!(
            matches!(files().call("Get", &[Value::String("a.txt".into())]), Some(Ok(Value::String(s))) if s == "a")
        );
    }
}
