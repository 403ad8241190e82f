//! The shape of the code: the top-level modules of `src/` form layers, and an import
//! (`use crate::x`, a `crate::x::` path, `super::` reaching the crate root) only ever
//! goes to the same layer or a lower one, never in a cycle. Read from the source text,
//! comments and string literals left out, test code included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. A module may use modules of its own layer (without a cycle)
/// and of the layers below it.
const LAYERS: &[(&str, &[&str])] = &[
    // The located error, the one diagnostic type, the reading limits, safe output
    // files, helpers for unit tests.
    (
        "foundation",
        &["error", "diagnostic", "limits", "output", "testing"],
    ),
    // Reading the inputs: campaigns, profiles, the catalog. Nothing here judges.
    ("inputs", &["campaign", "profiles", "catalog"]),
    // Analysis once per campaign.
    ("facts", &["facts"]),
    // campaign-lint.toml, including the shape of a rule override.
    ("config", &["config"]),
    // Rules as data and their kinds; the passes over findings (suppressions, variants,
    // the baseline).
    ("rules", &["rules", "suppress", "variants", "baseline"]),
    // Showing findings, and the numbers in messages.
    ("report", &["report"]),
    // Running the rules over an audience export, or as SQL where the audience lives.
    ("runs", &["audience", "sql"]),
    // The entry points: a check run, render and proof, the git hook, the command line.
    (
        "app",
        &["check", "render", "proof", "fix", "server", "hook", "cli"],
    ),
];

/// An import of `to` from the top-level module `from`, seen in `file`.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn every_module_has_a_layer() {
    let modules = top_level_modules();
    let mut missing = Vec::new();
    for m in &modules {
        if layer_of(m).is_none() {
            missing.push(format!(
                "src/{m}: add \"{m}\" to one of the layers in tests/architecture.rs (LAYERS)"
            ));
        }
    }
    for (layer, names) in LAYERS {
        for n in *names {
            if !modules.contains(*n) {
                missing.push(format!(
                    "layer {layer} names \"{n}\", which is not a module under src/"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn no_import_goes_up_a_layer() {
    let graph = graph();
    let mut upward = Vec::new();
    for (from, tos) in &graph {
        let Some(a) = layer_of(from) else { continue };
        for (to, files) in tos {
            let Some(b) = layer_of(to) else { continue };
            if b > a {
                upward.push(format!(
                    "{from} ({}) uses {to} ({}), a higher layer, in {}",
                    LAYERS[a].0,
                    LAYERS[b].0,
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}

#[test]
fn no_import_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let files = &graph[&w[0]][&w[1]];
                format!("{} -> {} (in {})", w[0], w[1], files.first().unwrap())
            })
            .collect();
        panic!("import cycle:\n{}", steps.join("\n"));
    }
}

/// The reader of the source itself: what it counts as an import, and what it leaves out.
#[test]
fn imports_are_read_from_code_only() {
    let text = r#"
        use crate::{campaign::{Campaign, Format}, error::Error};
        use crate::facts::Facts; // crate::report in a comment
        /* crate::cli in a block comment */
        let s = "crate::check in a string";
        let r = r"crate::hook";
        let c = '"'; let l: &'static str = "x";
        fn f() { crate::rules::load(); super::config::x(); }
    "#;
    let seen = imports(text, 0);
    let expected: BTreeSet<String> = ["campaign", "error", "facts", "rules", "config"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(seen, expected);
    // Deeper in the tree, `super::` stays inside the module.
    assert!(imports("use super::html::Link;", 1).is_empty());
    assert_eq!(
        imports("use super::super::facts::Facts;", 1),
        BTreeSet::from(["facts".to_owned()])
    );
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(x, y)| {
            (
                x.to_owned(),
                BTreeMap::from([(y.to_owned(), BTreeSet::from(["f.rs".to_owned()]))]),
            )
        })
        .collect();
    assert_eq!(
        find_cycle(&graph).unwrap(),
        ["a", "b", "c", "a"].map(String::from)
    );
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, names)| names.contains(&module))
}

fn src() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

/// `src/x.rs` and `src/x/` for every x but the crate roots.
fn top_level_modules() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            if p.is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs").map(str::to_owned)
            }
        })
        .filter(|m| m != "lib" && m != "main")
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module -> top-level modules it uses -> the files that do.
fn graph() -> Graph {
    let modules = top_level_modules();
    let mut files = Vec::new();
    rust_files(src(), &mut files);
    let mut graph = Graph::new();
    for path in files {
        let rel = path.strip_prefix(src()).unwrap();
        let parts: Vec<&str> = rel.iter().map(|p| p.to_str().unwrap()).collect();
        let from = parts[0].trim_end_matches(".rs").to_owned();
        if from == "lib" || from == "main" {
            continue;
        }
        // How deep the file's module sits below the crate root, less one: `super::`
        // that many times stays inside the top-level module.
        let last = parts.last().unwrap();
        let depth = parts.len() - usize::from(*last == "mod.rs");
        let text = std::fs::read_to_string(&path).unwrap();
        for to in imports(&text, depth - 1) {
            if to != from && modules.contains(&to) {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(format!("src/{}", parts.join("/")));
            }
        }
    }
    graph
}

/// The top-level modules `text` refers to by `crate::` paths, or by `super::` chains longer
/// than `depth`.
fn imports(text: &str, depth: usize) -> BTreeSet<String> {
    let code = code_only(text);
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_ident(bytes[i - 1]);
        if starts_word && code[i..].starts_with("crate::") {
            i += "crate::".len();
            paths_at(&code, &mut i, &mut out);
        } else if starts_word && code[i..].starts_with("super::") {
            let mut supers = 0;
            while code[i..].starts_with("super::") {
                supers += 1;
                i += "super::".len();
            }
            if supers > depth {
                paths_at(&code, &mut i, &mut out);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The first segment of the path at `*i`, or of each path in a `{...}` group.
fn paths_at(code: &str, i: &mut usize, out: &mut BTreeSet<String>) {
    let bytes = code.as_bytes();
    if bytes.get(*i) == Some(&b'{') {
        let mut level = 0;
        let mut expect_name = true;
        while *i < bytes.len() {
            match bytes[*i] {
                b'{' => {
                    level += 1;
                    expect_name = level == 1;
                }
                b'}' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                b',' if level == 1 => expect_name = true,
                b if is_ident(b) && expect_name => {
                    out.insert(ident_at(code, *i).to_owned());
                    expect_name = false;
                }
                b if !b.is_ascii_whitespace() => expect_name = false,
                _ => {}
            }
            *i += 1;
        }
    } else {
        let name = ident_at(code, *i);
        if !name.is_empty() {
            out.insert(name.to_owned());
        }
    }
}

fn ident_at(code: &str, i: usize) -> &str {
    let end = code[i..]
        .bytes()
        .position(|b| !is_ident(b))
        .map_or(code.len(), |n| i + n);
    &code[i..end]
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `text` with comments and the contents of string and character literals blanked.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut level = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    level += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    level -= 1;
                    i += 2;
                    if level == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"' | '#')) && starts_literal(&chars, i) {
            // A raw string: r"...", r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether an `r` at `i` can start a raw string: not inside a name, or after a `b` that
/// starts one (`br"..."`).
fn starts_literal(chars: &[char], i: usize) -> bool {
    let free = |at: usize| at == 0 || !is_ident_char(chars[at - 1]);
    free(i) || (chars[i - 1] == 'b' && free(i - 1))
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A cycle of the graph as its modules, the first repeated at the end; None when there is
/// none.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(|tos| tos.keys()) {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut done, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

/// README's map of the code (the first block under `## Development`) has a line for every
/// module: `src/x.rs` for a file, `src/x/` for a folder's `mod.rs`, and `src/x/*.rs` for a
/// folder whose files are all alike (the rule kinds); and no line for a module that is gone.
#[test]
fn readme_maps_every_module() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split_once("## Development\n")
        .expect("README.md has a ## Development section")
        .1;
    let block = section
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("## Development starts with the code map in a ```text block")
        .0;
    let mapped: BTreeSet<&str> = block
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| p.starts_with("src/"))
        .collect();
    let mut files = Vec::new();
    rust_files(src(), &mut files);
    let mut missing = Vec::new();
    let mut covered = BTreeSet::new();
    for path in files {
        let rel = format!(
            "src/{}",
            path.strip_prefix(src()).unwrap().to_str().unwrap()
        );
        let entry = match rel.strip_suffix("mod.rs") {
            Some(folder) => folder.to_owned(),
            None => rel.clone(),
        };
        let folder_glob = format!("{}*.rs", &rel[..=rel.rfind('/').unwrap()]);
        if mapped.contains(entry.as_str()) {
            covered.insert(entry);
        } else if mapped.contains(folder_glob.as_str()) && !rel.ends_with("mod.rs") {
            covered.insert(folder_glob);
        } else {
            missing.push(format!(
                "add a line `{entry:<31} <what it holds>` to the code map under \
                 ## Development in README.md"
            ));
        }
    }
    for line in &mapped {
        if !covered.contains(*line) {
            missing.push(format!(
                "README.md's code map lists {line}, which is not a module under src/"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
