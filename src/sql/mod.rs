//! `campaign-lint sql`: the per-recipient half of the rules as one SQL query, to run where
//! the audience lives (a warehouse table) instead of streaming it through one machine.
//!
//! The campaign is analysed once, as for `check`; what a rule decides from the campaign is
//! decided here, in Rust, and handed to the query as constant tables: which languages read
//! the campaign (the language rule is asked about every language the parser knows), which
//! owned products it offers (the owned-products rule is asked about every catalog
//! product), and every spelling of a language and of a product the parsers accept, taken
//! from their own tables. The query does only what depends on the row: splitting lists,
//! normalising spellings, looking them up, and counting. A rule or parameter the query
//! cannot express is an error that names it, never a check left out.

mod dialect;
pub mod duckdb;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use dialect::Dialect;
use dialect::{Type, Value};

use crate::catalog::Kind;
use crate::diagnostic::Severity;
use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::profiles::{
    FLAG_UNSET, FieldMap, Language, LanguageValue, Profile, STATUS_VALUES, Status,
};
use crate::rules::{Env, Rule, RuleSet};

/// What to emit, and how the table is laid out.
#[derive(Debug, Clone)]
pub struct SqlOptions {
    pub dialect: Dialect,
    /// The audience table, as the warehouse names it (`crm.customers`).
    pub table: String,
    /// One row per recipient with an error-level finding (the `--suppress-out` list)
    /// instead of counts per rule.
    pub rows: bool,
    /// The table's columns, when known: mapped fields whose column is absent read as
    /// empty, as in an export without that column. Without it every mapped column is
    /// assumed to exist.
    pub columns: Option<Vec<String>>,
    /// The owned-products column is an array (JSON exports) rather than a delimited string.
    pub owned_array: bool,
    /// Example recipients per rule (`[limits] examples`).
    pub examples: usize,
    /// Examples in full rather than masked (`--show-emails`).
    pub show_emails: bool,
}

/// The characters Rust's `str::trim` removes (Unicode White_Space).
const SPACE: &str = "\t\n\u{b}\u{c}\r \u{85}\u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// RFC 5322 atext, as a regex class (the dot-atom addresses the engine checks quickly).
const ATEXT: &str = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";

/// Phase of a finding, for the order of rules in a suppression list's cell: recipient
/// findings come before profile findings, as the engine reports them.
#[derive(Clone, Copy)]
enum Phase {
    Recipient = 0,
    Profile = 1,
}

/// One translated rule: when it fires for a row of `joined`, and when at error level.
struct Translated {
    name: String,
    order: usize,
    fires: String,
    error: String,
    /// A constant table joined to the row as `m` (merge tags: the answer per pattern of
    /// blank fields).
    join: Option<String>,
}

/// What `campaign-lint sql` is asked for (its options, less the rule options).
#[derive(Debug, Clone)]
pub struct Request {
    pub campaign: std::path::PathBuf,
    pub dialect: Dialect,
    pub table: String,
    pub rows: bool,
    pub preset: Option<String>,
    pub columns: Option<Vec<String>>,
    pub owned_array: bool,
    pub catalog: Option<std::path::PathBuf>,
}

/// `campaign-lint sql`: the query for a campaign file, under the config and rules in force.
pub fn for_campaign(
    args: &Request,
    config: &crate::config::Config,
    rules: &RuleSet,
) -> Result<String> {
    let catalog = match args.catalog.as_ref().or(config.catalog.as_ref()) {
        Some(path) => Some(crate::catalog::CatalogIndex::load(path)?),
        None => None,
    };
    let fields = match &args.preset {
        Some(name) => match crate::audience::presets::find(name) {
            Some(p) => p.fields(),
            None => {
                let names: Vec<&str> = crate::audience::presets::PRESETS
                    .iter()
                    .map(|p| p.name)
                    .collect();
                return Err(Error::new(
                    "",
                    format!(
                        "--preset: no preset named {name:?} (presets: {})",
                        names.join(", ")
                    ),
                ));
            }
        },
        None => config.fields.clone(),
    };
    let mut analysis = rules.analysis_options();
    analysis.max_html_depth = config.limits.max_html_depth;
    let campaign = crate::campaign::Campaign::load(&args.campaign, &config.limits)?;
    let mut facts = Facts::analyze(&campaign, catalog.as_ref(), &analysis);
    if !config.transactional.matches(&args.campaign).is_empty() {
        facts.kind = crate::facts::CampaignKind::Transactional;
    }
    let options = SqlOptions {
        dialect: args.dialect,
        table: args.table.clone(),
        rows: args.rows,
        columns: args.columns.clone(),
        owned_array: args.owned_array,
        examples: config.limits.examples,
        show_emails: false,
    };
    let env = Env {
        catalog: catalog.as_ref(),
    };
    query(rules, env, &facts, &fields, &options)
}

/// The query for one campaign.
pub fn query(
    rules: &RuleSet,
    env: Env,
    facts: &Facts,
    fields: &FieldMap,
    options: &SqlOptions,
) -> Result<String> {
    Builder {
        d: options.dialect,
        env,
        facts,
        fields,
        options,
        tables: Vec::new(),
        extra: BTreeMap::new(),
    }
    .build(rules)
}

struct Builder<'a> {
    d: Dialect,
    env: Env<'a>,
    facts: &'a Facts,
    fields: &'a FieldMap,
    options: &'a SqlOptions,
    /// Constant tables, written as common table expressions.
    tables: Vec<String>,
    /// Export columns read by `when` conditions and required fields: name -> alias.
    extra: BTreeMap<String, String>,
}

fn untranslatable(rule: &Rule, why: &str) -> Error {
    Error::new(
        format!("rule {}", rule.name),
        format!("cannot be translated to SQL: {why}"),
    )
}

impl Builder<'_> {
    /// The table's column for an export field, found as `profiles::lookup` finds it; None
    /// when the table is known not to have it.
    fn column(&self, name: &str) -> Option<String> {
        match &self.options.columns {
            None => Some(name.to_owned()),
            Some(columns) => columns
                .iter()
                .find(|c| *c == name)
                .or_else(|| {
                    columns
                        .iter()
                        .find(|c| c.trim().eq_ignore_ascii_case(name.trim()))
                })
                .cloned(),
        }
    }

    fn trim(&self, expr: &str) -> String {
        self.d.trim(expr, SPACE)
    }

    /// A column as the engine reads a scalar: text, trimmed, NULL when empty.
    fn scalar(&self, column: Option<String>) -> String {
        match column {
            None => self.null(),
            Some(c) => format!(
                "NULLIF({}, '')",
                self.trim(&self.d.text(&format!("s.{}", self.d.ident(&c))))
            ),
        }
    }

    fn null(&self) -> String {
        self.d.text("NULL")
    }

    fn build(mut self, rules: &RuleSet) -> Result<String> {
        let mut translated = Vec::new();
        for (order, rule) in rules.rules.iter().enumerate() {
            if rule.severity == Severity::Off || !rule.checks(self.facts.kind) {
                continue;
            }
            let found = match rule.kind {
                "language" => Some(self.language(rule, order)),
                "subscription-status" => Some(self.status(rule, order)),
                "owned-products" => Some(self.owned(rule, order)?),
                "unknown-owned-product" if self.env.catalog.is_some() => {
                    Some(self.unknown_owned(rule, order))
                }
                "required-field" => Some(self.required(rule, order)),
                "merge-tags" => self.merge_tags(rule, order)?,
                // Rules about the campaign alone (and variants, which need several
                // campaigns) have nothing to say per recipient here.
                _ => None,
            };
            let Some(mut t) = found else { continue };
            if let Some(when) = &rule.when {
                let condition = self.when(rule, when)?;
                t.fires = format!("({}) AND {condition}", t.fires);
            }
            translated.push(t);
        }
        if translated.is_empty() {
            return Err(Error::new(
                "",
                "no enabled rule checks recipients of this campaign: there is nothing to query",
            ));
        }
        Ok(self.assemble(&translated))
    }

    /// `language-mismatch`: the rule is asked about each language once; the query resolves
    /// each of a row's values to a language and combines the answers as the rule does.
    fn language(&mut self, rule: &Rule, order: usize) -> Translated {
        let d = self.d;
        let codes: Vec<Vec<Value>> = Language::code_spellings()
            .into_iter()
            .map(|(k, l)| vec![Value::Text(k.to_owned()), Value::Text(l.code().to_owned())])
            .collect();
        let names: Vec<Vec<Value>> = Language::name_spellings()
            .into_iter()
            .map(|(k, l)| vec![Value::Text(k), Value::Text(l.code().to_owned())])
            .collect();
        // 0: reads the campaign; 1: an error-level finding; 2: a finding below error
        // (the campaign's language could not be determined for this reader, or the rule
        // is configured below error).
        let verdicts: Vec<Vec<Value>> = Language::all()
            .map(|l| {
                let profile = Profile {
                    languages: vec![LanguageValue {
                        raw: l.code().to_owned(),
                        language: Some(l),
                    }],
                    ..Profile::default()
                };
                let found = rule.probe(self.env, self.facts, &profile);
                let verdict = if found.is_empty() {
                    0
                } else if found.iter().all(|f| f.severity == Severity::Error) {
                    1
                } else {
                    2
                };
                vec![Value::Text(l.code().to_owned()), Value::Int(verdict)]
            })
            .collect();
        let key = [("key", Type::Text), ("code", Type::Text)];
        self.tables.push(d.table("lang_codes", &key, &codes));
        self.tables.push(d.table("lang_names", &key, &names));
        self.tables.push(d.table(
            "lang_verdicts",
            &[("code", Type::Text), ("verdict", Type::Int)],
            &verdicts,
        ));
        // A profile without a language, or with one the parser does not know, is a
        // warning; readers of no language the campaign is in get the verdict's finding.
        let fires =
            "(j.lang_values = 0 OR j.lang_unknown > 0 OR (j.lang_known > 0 AND j.lang_reads = 0))"
                .to_owned();
        let error = "(j.lang_known > 0 AND j.lang_reads = 0 AND j.lang_below = 0)".to_owned();
        Translated {
            name: rule.name.clone(),
            join: None,
            order: order * 2 + Phase::Recipient as usize,
            fires,
            error,
        }
    }

    /// `suppressed-recipient`: the status as `Status::parse` reads it, the opted-out and
    /// bounced flag columns first; the rule's `also` values compare with the raw status.
    fn status(&mut self, rule: &Rule, order: usize) -> Translated {
        let mut fires =
            "j.status_kind IN ('unsubscribed', 'cleaned', 'complained', 'pending')".to_owned();
        if let Some(toml::Value::Array(also)) = rule.params.get("also") {
            let values: Vec<String> = also
                .iter()
                .filter_map(toml::Value::as_str)
                .map(|s| self.d.literal(&s.trim().to_lowercase()))
                .collect();
            if !values.is_empty() {
                // eq_ignore_ascii_case on trimmed values: `lower` folds more than ASCII,
                // which no status value needs.
                let _ = write!(fires, " OR lower(j.status_raw) IN ({})", values.join(", "));
            }
        }
        let error = if rule.severity == Severity::Error {
            "1 = 1"
        } else {
            "1 = 0"
        };
        Translated {
            name: rule.name.clone(),
            join: None,
            order: order * 2 + Phase::Profile as usize,
            fires: format!("({fires})"),
            error: error.to_owned(),
        }
    }

    /// `owned-product-offer`: the rule is asked about owning each catalog product once;
    /// the products it answers for are looked up by every spelling the catalog resolves.
    fn owned(&mut self, rule: &Rule, order: usize) -> Result<Translated> {
        let Some(catalog) = self.env.catalog else {
            return Err(untranslatable(
                rule,
                "without a catalog the owned products are searched for in the campaign's text; give --catalog (or `catalog` in the config)",
            ));
        };
        // One spelling of each product the catalog resolves (a duplicate SKU's key
        // belongs to the first product of that SKU; the second is reached by its names).
        let mut spelling: BTreeMap<usize, &str> = BTreeMap::new();
        for (key, i) in catalog.keys() {
            if catalog.products[i].kind == Kind::Product {
                spelling.entry(i).or_insert(key);
            }
        }
        let mut level: BTreeMap<usize, i64> = BTreeMap::new();
        for (i, key) in spelling {
            let profile = Profile {
                owned_products: vec![key.to_owned()],
                ..Profile::default()
            };
            let found = rule.probe(self.env, self.facts, &profile);
            if !found.is_empty() {
                let error = found.iter().any(|f| f.severity == Severity::Error);
                level.insert(i, if error { 1 } else { 2 });
            }
        }
        let mut offered: Vec<(&str, i64)> = catalog
            .keys()
            .filter_map(|(k, i)| level.get(&i).map(|&l| (k, l)))
            .collect();
        offered.sort_unstable();
        let rows: Vec<Vec<Value>> = offered
            .into_iter()
            .map(|(k, l)| vec![Value::Text(k.to_owned()), Value::Int(l)])
            .collect();
        self.tables.push(self.d.table(
            "offered",
            &[("key", Type::Text), ("level", Type::Int)],
            &rows,
        ));
        Ok(Translated {
            name: rule.name.clone(),
            join: None,
            order: order * 2 + Phase::Recipient as usize,
            fires: "(j.owned_offered > 0)".to_owned(),
            error: "(j.owned_error > 0)".to_owned(),
        })
    }

    /// `unresolved-merge-tag` / `empty-merge-field`: what they find depends only on which
    /// of the table's columns the merge tags print are blank. The rule is asked about
    /// every pattern of blank and filled columns (the table's columns as a profile), and
    /// the query looks the row's pattern up. A column the table lacks is missing in every
    /// pattern, as in an export without it.
    fn merge_tags(&mut self, rule: &Rule, order: usize) -> Result<Option<Translated>> {
        const MAX_FIELDS: usize = 12;
        let reads = rule.reads(self.facts);
        if reads.filled.is_empty() && reads.matching.is_empty() && !reads.everything {
            return Ok(None); // No merge tag prints a field of the profile.
        }
        if reads.everything || !reads.matching.is_empty() {
            return Err(untranslatable(
                rule,
                "it reads fields the query cannot name",
            ));
        }
        let Some(columns) = self.options.columns.clone() else {
            return Err(untranslatable(
                rule,
                "the merge tags' fields are looked up among the table's columns: give them with --columns",
            ));
        };
        let wanted: Vec<String> = columns
            .iter()
            .filter(|c| reads.filled.iter().any(|test| test(c.trim())))
            .cloned()
            .collect();
        if wanted.len() > MAX_FIELDS {
            return Err(untranslatable(
                rule,
                &format!(
                    "its merge tags print {} columns (at most {MAX_FIELDS} are translated)",
                    wanted.len()
                ),
            ));
        }
        let mut rows = Vec::new();
        for pattern in 0..1_i64 << wanted.len() {
            let fields = columns
                .iter()
                .map(|c| {
                    let blank = wanted
                        .iter()
                        .position(|w| w == c)
                        .is_some_and(|i| pattern & (1 << i) != 0);
                    let value = if blank { "" } else { "x" };
                    (c.clone(), serde_json::Value::String(value.to_owned()))
                })
                .collect();
            let profile = Profile {
                fields,
                ..Profile::default()
            };
            let found = rule.probe(self.env, self.facts, &profile);
            if found.is_empty() {
                continue;
            }
            let verdict = if found.iter().any(|f| f.severity == Severity::Error) {
                1
            } else {
                2
            };
            rows.push(vec![Value::Int(pattern), Value::Int(verdict)]);
        }
        let table = format!("merge_{order}");
        self.tables.push(self.d.table(
            &table,
            &[("pattern", Type::Int), ("verdict", Type::Int)],
            &rows,
        ));
        let mut pattern: Vec<String> = Vec::new();
        for (i, column) in wanted.iter().enumerate() {
            if let Some(alias) = self.extra_column(column) {
                pattern.push(format!(
                    "CASE WHEN j.{alias} IS NULL THEN {} ELSE 0 END",
                    1_i64 << i
                ));
            }
        }
        if pattern.is_empty() {
            pattern.push("0".to_owned());
        }
        Ok(Some(Translated {
            name: rule.name.clone(),
            join: Some(format!(
                "JOIN {table} m ON m.pattern = {}",
                pattern.join(" + ")
            )),
            order: order * 2 + Phase::Recipient as usize,
            fires: "1 = 1".to_owned(),
            error: "m.verdict = 1".to_owned(),
        }))
    }

    /// `unknown-owned-product`: an owned item no catalog spelling resolves.
    fn unknown_owned(&mut self, rule: &Rule, order: usize) -> Translated {
        if let Some(catalog) = self.env.catalog {
            let mut keys: Vec<&str> = catalog.keys().map(|(k, _)| k).collect();
            keys.sort_unstable();
            let rows: Vec<Vec<Value>> = keys
                .into_iter()
                .map(|k| vec![Value::Text(k.to_owned())])
                .collect();
            self.tables
                .push(self.d.table("catalog_keys", &[("key", Type::Text)], &rows));
        }
        Translated {
            name: rule.name.clone(),
            join: None,
            order: order * 2 + Phase::Profile as usize,
            fires: "(j.owned_unknown > 0)".to_owned(),
            error: if rule.severity == Severity::Error {
                "(j.owned_unknown > 0)".to_owned()
            } else {
                "1 = 0".to_owned()
            },
        }
    }

    /// An export column read by a condition or a required field, by its alias in `prof`.
    fn extra_column(&mut self, name: &str) -> Option<String> {
        let column = self.column(name)?;
        let next = format!("x{}", self.extra.len());
        Some(self.extra.entry(column).or_insert(next).clone())
    }

    /// `required-field`: the export field of that name (blank is missing), else the mapped
    /// field, else missing.
    fn required(&mut self, rule: &Rule, order: usize) -> Translated {
        let field = rule
            .params
            .get("field")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned();
        let mapped = match field.to_ascii_lowercase().as_str() {
            "email" => Some("1 = 0".to_owned()),
            "language" => Some("(j.lang_values = 0)".to_owned()),
            "country" => Some("(j.country IS NULL)".to_owned()),
            "owned_products" => Some("(j.owned_values = 0)".to_owned()),
            "status" => Some("(j.status_raw IS NULL)".to_owned()),
            _ => None,
        };
        let known_column = self
            .options
            .columns
            .as_ref()
            .is_some_and(|_| self.column(&field).is_some());
        let fires = if known_column || (mapped.is_none() && self.options.columns.is_none()) {
            match self.extra_column(&field) {
                Some(alias) => format!("(j.{alias} IS NULL)"),
                None => "1 = 1".to_owned(),
            }
        } else {
            mapped.unwrap_or_else(|| "1 = 1".to_owned())
        };
        let error = if rule.severity == Severity::Error {
            fires.clone()
        } else {
            "1 = 0".to_owned()
        };
        Translated {
            name: rule.name.clone(),
            join: None,
            order: order * 2 + Phase::Profile as usize,
            fires,
            error,
        }
    }

    /// A rule's `when`: every condition, as `Condition::matches` reads it.
    fn when(&mut self, rule: &Rule, when: &crate::rules::Condition) -> Result<String> {
        let mut all = Vec::new();
        for (field, op, values) in when.parts() {
            let wanted: Vec<String> = values.iter().map(|v| v.trim().to_lowercase()).collect();
            let value = |x: &str, d: Dialect| -> Vec<String> {
                wanted
                    .iter()
                    .map(|w| match op {
                        "starts-with" => {
                            format!("substr({x}, 1, {}) = {}", w.chars().count(), d.literal(w))
                        }
                        "ends-with" => format!(
                            "(length({x}) >= {n} AND substr({x}, length({x}) - {n} + 1) = {})",
                            d.literal(w),
                            n = w.chars().count()
                        ),
                        "contains" => d.contains(x, w),
                        _ => format!("{x} = {}", d.literal(w)),
                    })
                    .collect()
            };
            // Whether any of the field's (non-empty, lowercased) values satisfies `test`.
            let any = |this: &mut Self, test: &dyn Fn(&str) -> String| -> Result<String> {
                let list = |table: &str| {
                    format!(
                        "EXISTS (SELECT 1 FROM {table} i WHERE i.rid = j.rid AND {})",
                        test("lower(i.item)")
                    )
                };
                Ok(match field.to_ascii_lowercase().as_str() {
                    "email" => format!("({})", test("lower(j.email)")),
                    "country" => {
                        format!("(j.country IS NOT NULL AND {})", test("lower(j.country)"))
                    }
                    "status" => format!(
                        "(j.status_raw IS NOT NULL AND {})",
                        test("lower(j.status_raw)")
                    ),
                    "language" => list("lang_items"),
                    "owned_products" => list("owned_items"),
                    _ => match this.extra_column(field) {
                        Some(alias) => {
                            let x = format!("lower(j.{alias})");
                            format!("(j.{alias} IS NOT NULL AND {})", test(&x))
                        }
                        None => "1 = 0".to_owned(),
                    },
                })
            };
            let d = self.d;
            let condition = match op {
                "exists" => any(self, &|_| "1 = 1".to_owned())?,
                "missing" => format!("NOT {}", any(self, &|_| "1 = 1".to_owned())?),
                "in" | "==" | "starts-with" | "ends-with" | "contains" => {
                    any(self, &|x| format!("({})", value(x, d).join(" OR ")))?
                }
                "not in" | "!=" => format!(
                    "NOT {}",
                    any(self, &|x| format!("({})", value(x, d).join(" OR ")))?
                ),
                other => {
                    return Err(untranslatable(
                        rule,
                        &format!("the `when` operator {other:?} has no translation"),
                    ));
                }
            };
            all.push(condition);
        }
        if all.is_empty() {
            return Ok("1 = 1".to_owned());
        }
        Ok(format!("({})", all.join(" AND ")))
    }

    /// The whole query: constant tables, the rows read as the engine reads them, the
    /// per-row facts, one finding row per rule that fires, and the answer.
    fn assemble(&self, rules: &[Translated]) -> String {
        let d = self.d;
        let f = self.fields;
        let mut ctes = self.tables.clone();
        // The tables of rules that are off are there, empty, so the query has one shape.
        let empty: [(&str, &[(&str, Type)]); 5] = [
            ("lang_codes", &[("key", Type::Text), ("code", Type::Text)]),
            ("lang_names", &[("key", Type::Text), ("code", Type::Text)]),
            (
                "lang_verdicts",
                &[("code", Type::Text), ("verdict", Type::Int)],
            ),
            ("offered", &[("key", Type::Text), ("level", Type::Int)]),
            ("catalog_keys", &[("key", Type::Text)]),
        ];
        for (name, columns) in empty {
            if !ctes.iter().any(|t| t.starts_with(name)) {
                ctes.push(d.table(name, columns, &[]));
            }
        }
        let rule_rows: Vec<Vec<Value>> = rules
            .iter()
            .map(|r| {
                vec![
                    Value::Text(r.name.clone()),
                    Value::Int(i64::try_from(r.order).unwrap_or(i64::MAX)),
                ]
            })
            .collect();
        ctes.push(d.table(
            "rule_list",
            &[("rule", Type::Text), ("ord", Type::Int)],
            &rule_rows,
        ));

        // The row as read: text cells, trimmed, NULL when empty.
        let flag = |column: &Option<String>| -> String {
            column
                .as_deref()
                .and_then(|c| self.column(c))
                .map_or_else(|| self.null(), |c| self.scalar(Some(c)))
        };
        let mut src = vec![
            format!("{} AS rid", d.row_id()),
            format!("{} AS email", self.scalar(self.column(&f.email))),
            format!("{} AS country", self.scalar(self.column(&f.country))),
            format!("{} AS status_text", self.scalar(self.column(&f.status))),
            format!("{} AS opted_out", flag(&f.opted_out)),
            format!("{} AS bounced", flag(&f.bounced)),
            match self.column(&f.language) {
                Some(c) => format!("{} AS language", d.text(&format!("s.{}", d.ident(&c)))),
                None => format!("{} AS language", self.null()),
            },
        ];
        match self.column(&f.owned_products) {
            Some(c) if self.options.owned_array => {
                src.push(format!("s.{} AS owned", d.ident(&c)));
            }
            Some(c) => src.push(format!(
                "{} AS owned",
                d.text(&format!("s.{}", d.ident(&c)))
            )),
            None => src.push(format!("{} AS owned", self.null())),
        }
        for (column, alias) in &self.extra {
            src.push(format!("{} AS {alias}", self.scalar(Some(column.clone()))));
        }
        ctes.push(format!(
            "src AS (\n  SELECT {}\n  FROM {} s)",
            src.join(",\n    "),
            self.options.table
        ));

        // Rows with an address the engine checks (a dot-atom address), the status read.
        let set = |x: &str| {
            let unset: Vec<String> = FLAG_UNSET.iter().map(|v| d.literal(v)).collect();
            format!(
                "({x} IS NOT NULL AND lower({x}) NOT IN ({}))",
                unset.join(", ")
            )
        };
        let normalised = "replace(replace(lower(c.status_text), '_', ' '), '-', ' ')";
        let mut kinds = String::from("CASE");
        for (values, status) in &STATUS_VALUES {
            let name = match status {
                Status::Subscribed => "subscribed",
                Status::Unsubscribed => "unsubscribed",
                Status::Cleaned => "cleaned",
                Status::Complained => "complained",
                Status::Pending => "pending",
                Status::Other(_) => "other",
            };
            let list: Vec<String> = values.iter().map(|v| d.literal(v)).collect();
            let _ = write!(
                kinds,
                " WHEN {normalised} IN ({}) THEN '{name}'",
                list.join(", ")
            );
        }
        kinds.push_str(" WHEN c.status_text IS NOT NULL THEN 'other' END");
        let label = format!("[A-Za-z0-9]({ATEXT}*[A-Za-z0-9])?");
        let address = format!("^{ATEXT}+(\\.{ATEXT}+)*@{label}(\\.{label})*$");
        ctes.push(format!(
            "prof AS (\n  SELECT c.*,\n    CASE WHEN {} THEN c.opted_out WHEN {} THEN c.bounced ELSE c.status_text END AS status_raw,\n    CASE WHEN {} THEN 'unsubscribed' WHEN {} THEN 'cleaned' ELSE {kinds} END AS status_kind\n  FROM src c\n  WHERE c.email IS NOT NULL AND {})",
            set("c.opted_out"),
            set("c.bounced"),
            set("c.opted_out"),
            set("c.bounced"),
            d.matches("c.email", &address),
        ));

        // Languages: a row's values, each resolved as `Language::parse` resolves it.
        let (join, item) = d.items("c.language", ",;|", false);
        ctes.push(format!(
            "lang_items AS (\n  SELECT rid, item FROM (SELECT c.rid, {} AS item FROM prof c {join}) x WHERE item <> '')",
            self.trim(&item)
        ));
        let rest = d.rest();
        ctes.push(format!(
            "lang_parts AS (\n  SELECT rid, item, lower(item) AS lowered,\n    {} AS subtag,\n    {} AS head\n  FROM lang_items)",
            self.trim(&d.replace_all("item", &format!("[-_]{rest}"), "")),
            self.trim(&d.replace_all("lower(item)", &format!("[(（]{rest}"), "")),
        ));
        let code = format!(
            "CASE WHEN {} THEN lower(subtag) END",
            d.matches("subtag", "^[A-Za-z][A-Za-z][A-Za-z]?$")
        );
        let short = format!("{} <= 64", d.bytes("item"));
        let head_short = format!("({short} OR {} <= 64)", d.bytes("head"));
        ctes.push(format!(
            "lang_keys AS (\n  SELECT rid, {code} AS by_code,\n    CASE WHEN {short} THEN lowered END AS by_name,\n    CASE WHEN {head_short} THEN head END AS by_head,\n    CASE WHEN {head_short} THEN {} END AS by_head_subtag\n  FROM lang_parts)",
            self.trim(&d.replace_all("head", &format!("[-_]{rest}"), "")),
        ));
        ctes.push(
            "lang_resolved AS (\n  SELECT k.rid, COALESCE(c.code, n1.code, n2.code, n3.code) AS code\n  FROM lang_keys k\n  LEFT JOIN lang_codes c ON c.key = k.by_code\n  LEFT JOIN lang_names n1 ON n1.key = k.by_name\n  LEFT JOIN lang_names n2 ON n2.key = k.by_head\n  LEFT JOIN lang_names n3 ON n3.key = k.by_head_subtag)"
                .to_owned(),
        );
        let verdict = "LEFT JOIN lang_verdicts v ON v.code = r.code";
        ctes.push(format!(
            "lang_rows AS (\n  SELECT r.rid, count(*) AS lang_values,\n    sum(CASE WHEN r.code IS NULL THEN 1 ELSE 0 END) AS lang_unknown,\n    sum(CASE WHEN r.code IS NULL THEN 0 ELSE 1 END) AS lang_known,\n    sum(CASE WHEN v.verdict = 0 THEN 1 ELSE 0 END) AS lang_reads,\n    sum(CASE WHEN v.verdict = 2 THEN 1 ELSE 0 END) AS lang_below\n  FROM lang_resolved r {verdict}\n  GROUP BY r.rid)"
        ));

        // Owned products: a row's items, looked up by their trimmed, lowercased spelling.
        let (join, item) = d.items("c.owned", ";|", self.options.owned_array);
        let item = if self.options.owned_array {
            d.text(&item)
        } else {
            item
        };
        ctes.push(format!(
            "owned_items AS (\n  SELECT rid, item FROM (SELECT c.rid, {} AS item FROM prof c {join}) x WHERE item <> '')",
            self.trim(&item)
        ));
        let owned_cols = [
            "count(*) AS owned_values",
            "max(CASE WHEN o.level IS NULL THEN 0 ELSE 1 END) AS owned_offered",
            "max(CASE WHEN o.level = 1 THEN 1 ELSE 0 END) AS owned_error",
            "sum(CASE WHEN k.key IS NULL THEN 1 ELSE 0 END) AS owned_unknown",
        ];
        let owned_joins = "\n  LEFT JOIN offered o ON o.key = lower(i.item)\n  LEFT JOIN catalog_keys k ON k.key = lower(i.item)";
        ctes.push(format!(
            "owned_rows AS (\n  SELECT i.rid, {}\n  FROM owned_items i{owned_joins}\n  GROUP BY i.rid)",
            owned_cols.join(", ")
        ));

        let owned_defaults: Vec<String> = owned_cols
            .iter()
            .filter_map(|c| c.rsplit(" AS ").next())
            .map(|name| format!("COALESCE(o.{name}, 0) AS {name}"))
            .collect();
        ctes.push(format!(
            "joined AS (\n  SELECT p.*, COALESCE(l.lang_values, 0) AS lang_values, COALESCE(l.lang_unknown, 0) AS lang_unknown,\n    COALESCE(l.lang_known, 0) AS lang_known, COALESCE(l.lang_reads, 0) AS lang_reads,\n    COALESCE(l.lang_below, 0) AS lang_below,\n    {}\n  FROM prof p\n  LEFT JOIN lang_rows l ON l.rid = p.rid\n  LEFT JOIN owned_rows o ON o.rid = p.rid)",
            owned_defaults.join(", ")
        ));

        let findings: Vec<String> = rules
            .iter()
            .map(|r| {
                format!(
                    "  SELECT j.rid, j.email, {} AS rule, {} AS ord, CASE WHEN {} THEN 1 ELSE 0 END AS err\n  FROM joined j{} WHERE {}",
                    d.literal(&r.name),
                    r.order,
                    r.error,
                    r.join.as_ref().map_or(String::new(), |j| format!(" {j}")),
                    r.fires
                )
            })
            .collect();
        ctes.push(format!(
            "findings AS (\n{})",
            findings.join("\n  UNION ALL\n")
        ));

        let answer = if self.options.rows {
            format!(
                "SELECT email, {} AS rules\nFROM findings\nWHERE err = 1\nGROUP BY rid, email\nORDER BY rid",
                d.join_ordered("rule", ";", "ord")
            )
        } else {
            let masked = format!("CONCAT(substr(email, 1, 1), '•••@', {})", d.domain("email"));
            ctes.push(format!(
                "numbered AS (\n  SELECT rule, rid, err, {masked} AS masked, row_number() OVER (PARTITION BY rule ORDER BY rid) AS k\n  FROM findings)"
            ));
            ctes.push(format!(
                "examples AS (\n  SELECT rule, {} AS examples\n  FROM numbered WHERE k <= {}\n  GROUP BY rule)",
                d.join_ordered("masked", ", ", "k"),
                self.options.examples
            ));
            ctes.push(
                "counts AS (\n  SELECT rule, count(*) AS recipients, sum(err) AS errors\n  FROM findings GROUP BY rule)"
                    .to_owned(),
            );
            let none = self.null();
            format!(
                "SELECT rule, recipients, errors, examples FROM (\n  SELECT r.rule, COALESCE(c.recipients, 0) AS recipients, COALESCE(c.errors, 0) AS errors, e.examples, r.ord\n  FROM rule_list r\n  LEFT JOIN counts c ON c.rule = r.rule\n  LEFT JOIN examples e ON e.rule = r.rule\n  UNION ALL\n  SELECT '(checked)', count(*), 0, {none}, -4 FROM prof\n  UNION ALL\n  SELECT '(recipients with findings)', count(DISTINCT rid), count(DISTINCT CASE WHEN err = 1 THEN rid END), {none}, -3 FROM findings\n  UNION ALL\n  SELECT '(skipped: no usable address)', (SELECT count(*) FROM src) - (SELECT count(*) FROM prof), 0, {none}, -1\n) answer\nORDER BY ord"
            )
        };
        format!(
            "-- campaign-lint sql: per-recipient checks of one campaign ({:?})\nWITH\n{}\n{answer}\n",
            d,
            ctes.join(",\n")
        )
    }
}
