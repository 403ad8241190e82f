//! `when` conditions: a rule applies only to recipients whose profile matches, e.g.
//! `when = 'country in ["CA"]'` or `when = ['language starts-with "fr"', 'status == "subscribed"']`
//! (a list means all must hold).
//!
//! Grammar of one condition: `FIELD OPERATOR [VALUE]`, where FIELD is `email`, `language`,
//! `country`, `status`, `owned_products` (the mapped profile fields) or any field name of
//! the export (quote it with `"..."` if it has spaces), OPERATOR is one of `in`, `not in`,
//! `==`, `!=`, `starts-with`, `ends-with`, `contains`, `exists`, `missing`, and VALUE is a
//! JSON string or array of strings. Comparisons ignore case. A field with several values
//! (languages, owned products, an array) matches when any value does; `not in` and `!=`
//! hold when no value does.

use serde_json::Value;

use crate::profiles::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Eq,
    Ne,
    StartsWith,
    EndsWith,
    Contains,
    Exists,
    Missing,
}

/// One parsed condition.
#[derive(Debug, Clone, PartialEq)]
struct Test {
    field: String,
    op: Op,
    values: Vec<String>,
}

/// All conditions of a rule's `when`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Condition {
    tests: Vec<Test>,
    /// As written, for `campaign-lint rules` and messages.
    pub source: String,
}

impl Condition {
    /// Parses the conditions (all must hold); the error says what is wrong with which one.
    pub fn parse(conditions: &[String]) -> Result<Condition, String> {
        let tests = conditions
            .iter()
            .map(|c| parse_one(c).map_err(|e| format!("in condition {c:?}: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(Condition {
            tests,
            source: conditions.join(" and "),
        })
    }

    /// The fields the conditions test, as written (`country`, `"Loyalty Tier"`).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.tests.iter().map(|t| t.field.as_str())
    }

    /// Every condition as (field, operator as written, values): for the SQL translation.
    pub fn parts(&self) -> impl Iterator<Item = (&str, &'static str, &[String])> {
        self.tests.iter().map(|t| {
            let word = OPERATORS
                .iter()
                .find(|(_, op)| *op == t.op)
                .map_or("", |(w, _)| w);
            (t.field.as_str(), word, t.values.as_slice())
        })
    }

    /// Whether `profile` matches every condition.
    pub fn matches(&self, profile: &Profile) -> bool {
        self.tests.iter().all(|t| t.matches(profile))
    }
}

const OPERATORS: &[(&str, Op)] = &[
    ("not in", Op::NotIn),
    ("in", Op::In),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("starts-with", Op::StartsWith),
    ("ends-with", Op::EndsWith),
    ("contains", Op::Contains),
    ("exists", Op::Exists),
    ("missing", Op::Missing),
];

fn parse_one(text: &str) -> Result<Test, String> {
    let text = text.trim();
    let (field, rest) = if let Some(quoted) = text.strip_prefix('"') {
        let end = quoted
            .find('"')
            .ok_or("the field name's quote is not closed")?;
        (quoted[..end].to_owned(), quoted[end + 1..].trim_start())
    } else {
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        (text[..end].to_owned(), text[end..].trim_start())
    };
    if field.is_empty() {
        return Err("expected a field name".to_owned());
    }
    let lower = rest.to_ascii_lowercase();
    let Some(&(word, op)) = OPERATORS.iter().find(|(word, _)| {
        lower.starts_with(word)
            && lower[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '"' || c == '[')
    }) else {
        let known: Vec<&str> = OPERATORS.iter().map(|(w, _)| *w).collect();
        return Err(format!(
            "expected an operator after {field:?} ({})",
            known.join(", ")
        ));
    };
    let value = rest[word.len()..].trim();
    let values = match op {
        Op::Exists | Op::Missing => {
            if !value.is_empty() {
                return Err(format!("`{word}` takes no value"));
            }
            Vec::new()
        }
        _ => parse_values(value)?,
    };
    if matches!(op, Op::In | Op::NotIn) && values.is_empty() {
        return Err(format!(
            "`{word}` needs a list of values, e.g. [\"CA\", \"US\"]"
        ));
    }
    Ok(Test { field, op, values })
}

fn parse_values(value: &str) -> Result<Vec<String>, String> {
    if value.is_empty() {
        return Err("expected a value: a \"string\" or a [\"list\"]".to_owned());
    }
    match serde_json::from_str::<Value>(value) {
        Ok(Value::String(s)) => Ok(vec![s]),
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(format!("list items must be strings, not {other}")),
            })
            .collect(),
        Ok(Value::Number(n)) => Ok(vec![n.to_string()]),
        _ => Err(format!(
            "expected a \"string\" or a [\"list\"], found {value}"
        )),
    }
}

impl Test {
    /// The profile's values for the field, lowercased (several for lists).
    fn values_of(&self, profile: &Profile) -> Vec<String> {
        let lower = |s: &str| s.trim().to_lowercase();
        match self.field.to_ascii_lowercase().as_str() {
            "email" => profile.email.iter().map(|s| lower(s)).collect(),
            "language" => profile.languages.iter().map(|l| lower(&l.raw)).collect(),
            "country" => profile.country.iter().map(|s| lower(s)).collect(),
            "status" => profile.status.iter().map(|(raw, _)| lower(raw)).collect(),
            "owned_products" => profile.owned_products.iter().map(|s| lower(s)).collect(),
            _ => {
                let value = crate::profiles::lookup(&profile.fields, &self.field).map(|(_, v)| v);
                match value {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(items)) => {
                        items.iter().filter_map(scalar).map(|s| lower(&s)).collect()
                    }
                    Some(v) => scalar(v).map(|s| lower(&s)).into_iter().collect(),
                }
            }
        }
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect()
    }

    fn matches(&self, profile: &Profile) -> bool {
        let have = self.values_of(profile);
        let want: Vec<String> = self
            .values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .collect();
        let any =
            |f: &dyn Fn(&str, &str) -> bool| have.iter().any(|h| want.iter().any(|w| f(h, w)));
        match self.op {
            Op::Exists => !have.is_empty(),
            Op::Missing => have.is_empty(),
            Op::In | Op::Eq => any(&|h, w| h == w),
            Op::NotIn | Op::Ne => !any(&|h, w| h == w),
            Op::StartsWith => any(&|h, w| h.starts_with(w)),
            Op::EndsWith => any(&|h, w| h.ends_with(w)),
            Op::Contains => any(&|h, w| h.contains(w)),
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::{FieldMap, parse_json};

    fn profile(json: &str) -> Profile {
        parse_json("p.json", json, &FieldMap::default()).unwrap()
    }

    fn holds(conditions: &[&str], json: &str) -> bool {
        let c: Vec<String> = conditions.iter().map(|s| (*s).to_owned()).collect();
        Condition::parse(&c).unwrap().matches(&profile(json))
    }

    #[test]
    fn operators() {
        let ca = r#"{"country": "CA", "language": "fr-CA", "owned_products": ["KD-55X85J"], "Consent Date": "", "tier": 3}"#;
        assert!(holds(&[r#"country in ["CA", "US"]"#], ca));
        assert!(!holds(&[r#"country not in ["ca"]"#], ca));
        assert!(holds(&[r#"language starts-with "fr""#], ca));
        assert!(holds(
            &[r#"country in ["CA"]"#, r#"language starts-with "fr""#],
            ca
        ));
        assert!(!holds(
            &[r#"country in ["CA"]"#, r#"language starts-with "en""#],
            ca
        ));
        assert!(holds(&[r#"owned_products contains "kd-55""#], ca));
        assert!(holds(&[r#""Consent Date" missing"#], ca));
        assert!(holds(
            &[r#"tier == "3""#, "email missing", "country exists"],
            ca
        ));
        assert!(holds(&[r#"status != "unsubscribed""#], ca));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |c: &str| Condition::parse(&[c.to_owned()]).unwrap_err();
        assert!(err("country").contains("expected an operator"));
        assert!(err("country is CA").contains("expected an operator"));
        assert!(err("country in").contains("expected a value"));
        assert!(err("country in CA").contains("expected a \"string\""));
        assert!(err("country exists \"x\"").contains("takes no value"));
        assert!(err("\"broken field in [CA]").contains("quote"));
    }
}
