//! The brand's products: SKUs, names, aliases, product lines, and which products are
//! accessories or consumables for others. Read from TOML (`[[product]]` tables) or CSV.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use crate::error::{Error, Result, toml_error};

/// What a product is to its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A device people buy once: offering it again to an owner annoys them.
    Product,
    /// Something for a product (a bracket, a case): welcome to owners.
    Accessory,
    /// Something used up (O-rings, filters): welcome to owners, again and again.
    Consumable,
}

/// One product of the catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The product line, e.g. a TV range.
    #[serde(default)]
    pub line: Option<String>,
    #[serde(default = "default_kind")]
    pub kind: Kind,
    /// For accessories and consumables: the SKUs or lines they are for.
    #[serde(default, rename = "for")]
    pub for_: Vec<String>,
}

fn default_kind() -> Kind {
    Kind::Product
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    product: Vec<Product>,
}

/// What a mention in the text refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Index into `CatalogIndex::products`.
    Product(usize),
    /// Index into `CatalogIndex::lines`.
    Line(usize),
}

/// The catalog, indexed for searching campaign text and resolving owned products.
#[derive(Debug, Clone)]
pub struct CatalogIndex {
    pub products: Vec<Product>,
    /// Distinct product line names.
    pub lines: Vec<String>,
    matcher: Option<AhoCorasick>,
    targets: Vec<Target>,
    /// Lowercased SKU, name and aliases to product index.
    by_key: HashMap<String, usize>,
}

/// Largest catalog file read, in MB: a catalog is held in memory whole.
const MAX_CATALOG_MB: u64 = 100;

impl CatalogIndex {
    /// Reads a catalog file: `.csv` as CSV, anything else as TOML.
    pub fn load(path: &Path) -> Result<CatalogIndex> {
        let display = path.display().to_string();
        let text = crate::campaign::read_text_within(path, MAX_CATALOG_MB)?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let products = if is_csv {
            parse_csv(&display, &text)?
        } else {
            parse_toml(&display, &text)?
        };
        CatalogIndex::new(products).map_err(|m| Error::new(&display, m))
    }

    /// Reads a TOML catalog from text; `path` names it in errors.
    pub fn from_toml(path: &str, text: &str) -> Result<CatalogIndex> {
        CatalogIndex::new(parse_toml(path, text)?).map_err(|m| Error::new(path, m))
    }

    /// Indexes products; fails on duplicate SKUs or references to unknown SKUs/lines.
    pub fn new(products: Vec<Product>) -> Result<CatalogIndex, String> {
        // Strings told apart up to ASCII case, found by hash: a catalog of 20,000
        // products loads in milliseconds.
        let mut lines: Vec<String> = Vec::new();
        let mut line_keys: HashSet<String> = HashSet::new();
        for p in &products {
            if let Some(line) = &p.line
                && line_keys.insert(line.to_ascii_lowercase())
            {
                lines.push(line.clone());
            }
        }
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, p) in products.iter().enumerate() {
            if p.sku.trim().is_empty() {
                return Err(format!("product {:?} has an empty sku", p.name));
            }
            let duplicate = by_key
                .get(&p.sku.trim().to_lowercase())
                .is_some_and(|&j| products[j].sku.trim().eq_ignore_ascii_case(p.sku.trim()));
            if duplicate {
                return Err(format!("duplicate sku {:?}", p.sku));
            }
            for key in std::iter::once(&p.sku).chain([&p.name]).chain(&p.aliases) {
                by_key.entry(key.trim().to_lowercase()).or_insert(i);
            }
        }
        for p in &products {
            for target in &p.for_ {
                let known = by_key.contains_key(&target.to_lowercase())
                    || line_keys.contains(&target.to_ascii_lowercase());
                if !known {
                    return Err(format!(
                        "product {:?} is for {target:?}, which is neither a sku nor a product line of the catalog",
                        p.sku
                    ));
                }
            }
        }
        // Patterns: every SKU, name and alias, then every line name; a string that is both
        // (a SKU named like its line) refers to the product.
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_keys: HashSet<String> = HashSet::new();
        let mut targets = Vec::new();
        let mut push = |s: &str, t: Target| {
            let s = s.trim();
            if s.chars().count() >= 2 && pattern_keys.insert(s.to_ascii_lowercase()) {
                patterns.push(s.to_owned());
                targets.push(t);
            }
        };
        for (i, p) in products.iter().enumerate() {
            for s in std::iter::once(&p.sku).chain([&p.name]).chain(&p.aliases) {
                push(s, Target::Product(i));
            }
        }
        for (i, l) in lines.iter().enumerate() {
            push(l, Target::Line(i));
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|e| format!("cannot index the catalog: {e}"))?,
            )
        };
        Ok(CatalogIndex {
            products,
            lines,
            matcher,
            targets,
            by_key,
        })
    }

    /// Mentions of products and lines in `text`: decoded byte ranges, whole words only.
    pub fn find_in(&self, text: &str) -> Vec<(std::ops::Range<usize>, Target)> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        matcher
            .find_iter(text)
            .filter(|m| is_word_bounded(text, m.start(), m.end()))
            .map(|m| (m.start()..m.end(), self.targets[m.pattern().as_usize()]))
            .collect()
    }

    /// The product a profile's owned-product value names (SKU, name or alias).
    pub fn resolve(&self, owned: &str) -> Option<usize> {
        self.by_key.get(&owned.trim().to_lowercase()).copied()
    }

    /// Every spelling [`CatalogIndex::resolve`] knows (trimmed, lowercased), with its product.
    pub fn keys(&self) -> impl Iterator<Item = (&str, usize)> {
        self.by_key.iter().map(|(k, &i)| (k.as_str(), i))
    }

    /// The line index of a product, if it has a line.
    pub fn line_of(&self, product: usize) -> Option<usize> {
        let line = self.products.get(product)?.line.as_ref()?;
        self.lines.iter().position(|l| l.eq_ignore_ascii_case(line))
    }

    /// A name for messages.
    pub fn describe(&self, target: Target) -> String {
        match target {
            Target::Product(i) => self.products[i].name.clone(),
            Target::Line(i) => format!("the {} line", self.lines[i]),
        }
    }

    /// Whether `target` is something an accessory or consumable `product` is for.
    pub fn is_for(&self, product: usize, target: Target) -> bool {
        let p = &self.products[product];
        p.for_.iter().any(|f| match target {
            Target::Product(i) => {
                self.products[i].sku.eq_ignore_ascii_case(f)
                    || self
                        .line_of(i)
                        .is_some_and(|l| self.lines[l].eq_ignore_ascii_case(f))
            }
            Target::Line(i) => self.lines[i].eq_ignore_ascii_case(f),
        })
    }
}

/// Whether the match at `start..end` is a whole word (no letter or digit glued to it).
pub fn is_word_bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

fn parse_toml(path: &str, text: &str) -> Result<Vec<Product>> {
    toml::from_str::<CatalogFile>(text)
        .map(|f| f.product)
        .map_err(|e| toml_error(path, text, &e))
}

fn parse_csv(path: &str, text: &str) -> Result<Vec<Product>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::new(path, format!("cannot read the header row: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(sku), Some(name)) = (col("sku"), col("name")) else {
        return Err(Error::new(path, "a CSV catalog needs 'sku' and 'name' columns").at(1, 1));
    };
    for (i, h) in headers.iter().enumerate() {
        if !["sku", "name", "aliases", "line", "kind", "for"]
            .contains(&h.to_ascii_lowercase().as_str())
        {
            return Err(Error::new(
                path,
                format!("unknown column {h:?} (expected sku, name, aliases, line, kind, for)"),
            )
            .at(1, i + 1));
        }
    }
    let list = |s: Option<&str>| -> Vec<String> {
        s.unwrap_or("")
            .split([';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut products = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record =
            record.map_err(|e| Error::new(path, format!("malformed row: {e}")).at(line, 1))?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).filter(|s| !s.is_empty());
        let kind = match get(col("kind")).map(str::to_ascii_lowercase).as_deref() {
            None | Some("product") => Kind::Product,
            Some("accessory") => Kind::Accessory,
            Some("consumable") => Kind::Consumable,
            Some(other) => {
                return Err(Error::new(
                    path,
                    format!("unknown kind {other:?} (expected product, accessory or consumable)"),
                )
                .at(line, 1));
            }
        };
        products.push(Product {
            sku: get(Some(sku)).unwrap_or_default().to_owned(),
            name: get(Some(name)).unwrap_or_default().to_owned(),
            aliases: list(get(col("aliases"))),
            line: get(col("line")).map(str::to_owned),
            kind,
            for_: list(get(col("for"))),
        });
    }
    Ok(products)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
[[product]]
sku = "KD-55X85J"
name = "BRAVIA X85J 55-inch TV"
aliases = ["X85J", "BRAVIA X85J"]
line = "BRAVIA"

[[product]]
sku = "SPK-HCF"
name = "SPK-HCF underwater housing"
line = "SPK-HCF"

[[product]]
sku = "SPK-HCF-DS"
name = "Desiccant strips"
line = "SPK-HCF"
kind = "consumable"
for = ["SPK-HCF"]
"#;

    fn index() -> CatalogIndex {
        CatalogIndex::new(parse_toml("c.toml", TOML).unwrap()).unwrap()
    }

    #[test]
    fn finds_longest_whole_word_mentions() {
        let c = index();
        let text = "Get the BRAVIA X85J now; every bravia and SPK-HCF-DS. Not BRAVIAX.";
        let found: Vec<_> = c
            .find_in(text)
            .into_iter()
            .map(|(r, t)| (&text[r], t))
            .collect();
        assert_eq!(
            found,
            [
                ("BRAVIA X85J", Target::Product(0)),
                ("bravia", Target::Line(0)),
                ("SPK-HCF-DS", Target::Product(2)),
            ]
        );
    }

    #[test]
    fn resolves_and_relates() {
        let c = index();
        assert_eq!(c.resolve("x85j"), Some(0));
        assert_eq!(c.resolve(" KD-55X85J "), Some(0));
        assert!(c.is_for(2, Target::Product(1)));
        assert!(!c.is_for(2, Target::Product(0)));
    }

    #[test]
    fn unknown_key_is_located() {
        let err = parse_toml(
            "c.toml",
            "[[product]]\nsku = \"A\"\nname = \"B\"\ncolour = \"red\"\n",
        )
        .unwrap_err();
        assert_eq!(err.position, Some((4, 1)));
        assert!(err.message.contains("colour"), "{err}");
    }

    #[test]
    fn csv_catalog() {
        let csv = "sku,name,aliases,line,kind,for\nA1,Alpha TV,Alpha;A-TV,Alpha,product,\nA1-M,Mount,,Alpha,accessory,Alpha\n";
        let c = CatalogIndex::new(parse_csv("c.csv", csv).unwrap()).unwrap();
        assert_eq!(c.resolve("a-tv"), Some(0));
        assert!(c.is_for(1, Target::Line(0)));
        let err = parse_csv("c.csv", "sku,name,kind\nA,B,gadget\n").unwrap_err();
        assert_eq!(err.position, Some((2, 1)));
    }
}
