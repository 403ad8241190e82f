//! What a rule's parameters mean. The shipped rule files are the one place a parameter's
//! default and meaning are written: the comment above a key in `[params]` is its meaning.
//! A pack rule of a shipped kind borrows the meanings of the shipped rules of that kind.

use super::Rule;
use super::loader::shipped_texts;

/// One parameter of a rule, as `explain` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    /// The value the rule runs with (its file's, or the config's override).
    pub value: toml::Value,
    /// The comment written above it in a shipped rule file of the kind.
    pub meaning: Option<String>,
    /// False for a parameter the rule leaves to its kind's default (shown with the value a
    /// shipped rule file of the kind states for it).
    pub set: bool,
}

/// The rule's parameters: those of its shipped file in that file's order, then any other
/// it sets in name order, then those it leaves to the kind's defaults; each with its
/// meaning.
pub fn parameters(rule: &Rule) -> Vec<Parameter> {
    let own = shipped_texts()
        .iter()
        .find(|(name, text)| *name == rule.name && kind_of(text) == Some(rule.kind))
        .map(|(_, text)| meanings(text))
        .unwrap_or_default();
    let kin: Vec<(String, String)> = shipped_texts()
        .iter()
        .filter(|(_, text)| kind_of(text) == Some(rule.kind))
        .flat_map(|(_, text)| meanings(text))
        .collect();
    let mut names: Vec<&String> = own
        .iter()
        .map(|(k, _)| k)
        .filter(|k| rule.params.contains_key(*k))
        .collect();
    let mut rest: Vec<&String> = rule.params.keys().filter(|k| !names.contains(k)).collect();
    rest.sort();
    names.extend(rest);
    let meaning = |name: &str| {
        own.iter()
            .chain(&kin)
            .find(|(k, m)| k == name && !m.is_empty())
            .map(|(_, m)| m.clone())
    };
    let mut out: Vec<Parameter> = names
        .into_iter()
        .map(|name| Parameter {
            name: name.clone(),
            value: rule.params[name].clone(),
            meaning: meaning(name),
            set: true,
        })
        .collect();
    for (name, value) in defaults_left(rule) {
        out.push(Parameter {
            meaning: meaning(&name),
            name,
            value,
            set: false,
        });
    }
    out
}

/// The parameters of the rule's kind it does not set, each with the value a shipped rule
/// file of the kind states for it, where that value is the kind's default (parameters
/// whose default is "not set" have none).
fn defaults_left(rule: &Rule) -> Vec<(String, toml::Value)> {
    let Some(kind) = super::kinds::KINDS.iter().find(|k| k.name == rule.kind) else {
        return Vec::new();
    };
    let defaults = (kind.defaults)();
    let shipped: Vec<toml::Table> = shipped_texts()
        .iter()
        .filter(|(_, text)| kind_of(text) == Some(rule.kind))
        .filter_map(
            |(_, text)| match toml::from_str::<toml::Table>(text).ok()?.remove("params") {
                Some(toml::Value::Table(t)) => Some(t),
                _ => None,
            },
        )
        .collect();
    (kind.fields)()
        .iter()
        .filter(|field| !rule.params.contains_key(**field))
        .filter_map(|field| {
            shipped.iter().find_map(|params| {
                let value = params.get(*field)?;
                let one = toml::Table::from_iter([(field.to_string(), value.clone())]);
                ((kind.describe)(&one).ok()? == defaults)
                    .then(|| (field.to_string(), value.clone()))
            })
        })
        .collect()
}

/// The `kind = "..."` of a rule file.
fn kind_of(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.strip_prefix("kind = \""))
        .and_then(|rest| rest.split('"').next())
}

/// The keys of a rule file's `[params]` (and its `[params.KEY]` tables) in order, each
/// with the comment above it (empty when there is none).
pub fn meanings(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut in_params = false;
    let mut comment: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.starts_with('[') && line.trim_end().ends_with(']') && !line.contains('=') {
            let header = line
                .trim_end()
                .trim_matches(|c| c == '[' || c == ']')
                .trim();
            in_params = header == "params";
            if let Some(key) = header.strip_prefix("params.") {
                out.push((key.trim().to_owned(), comment.join("\n")));
            }
            comment.clear();
            continue;
        }
        if !in_params {
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            comment.push(c.strip_prefix(' ').unwrap_or(c));
        } else if line.trim().is_empty() {
            comment.clear();
        } else if let Some((key, _)) = line.split_once('=').filter(|_| !line.starts_with(' ')) {
            let key = key.trim().trim_matches('"').to_owned();
            out.push((key, comment.join("\n")));
            comment.clear();
        }
    }
    out
}

/// A value as a rule file would write it: inline, a long array one item a line.
pub fn to_toml(value: &toml::Value, indent: &str) -> String {
    match value {
        toml::Value::Array(items) if items.len() > 3 => {
            let inner = format!("{indent}    ");
            let lines: Vec<String> = items
                .iter()
                .map(|v| format!("{inner}{},", to_toml(v, &inner)))
                .collect();
            format!("[\n{}\n{indent}]", lines.join("\n"))
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| to_toml(v, indent)).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(table) if table.is_empty() => "{}".to_owned(),
        toml::Value::Table(table) => {
            let items: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{k} = {}", to_toml(v, indent)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings_are_the_comments_above_keys() {
        let text = "kind = \"x\"\n[params]\n# One.\n# Two.\na = 1\nb = 2\n\n# Lone.\n\nc = [\n  # not a meaning\n  \"x\",\n]\n# Table.\n[params.d]\ne = 1\n[docs]\n# no\nwhat = 1\n";
        let m = meanings(text);
        let pairs: Vec<(&str, &str)> = m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [("a", "One.\nTwo."), ("b", ""), ("c", ""), ("d", "Table.")]
        );
        assert_eq!(kind_of(text), Some("x"));
    }

    #[test]
    fn values_print_as_toml() {
        let v: toml::Table = toml::from_str(
            "a = [\"x\", \"y\"]\nb = [1, 2, 3, 4]\nc = { k = 1.5 }\nd = 'r\\d'\ne = {}",
        )
        .unwrap();
        assert_eq!(to_toml(&v["a"], ""), "[\"x\", \"y\"]");
        assert_eq!(to_toml(&v["b"], ""), "[\n    1,\n    2,\n    3,\n    4,\n]");
        assert_eq!(to_toml(&v["c"], ""), "{ k = 1.5 }");
        assert_eq!(to_toml(&v["d"], ""), "'r\\d'");
        assert_eq!(to_toml(&v["e"], ""), "{}");
    }
}
