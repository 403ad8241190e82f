//! One open document: its text as the editor holds it, its findings as LSP diagnostics,
//! and what the editor can ask about them (the rule's docs, quick fixes).

use std::path::{Path, PathBuf};
use std::time::Instant;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::position::LineIndex;
use crate::campaign::Format;
use crate::check::{CampaignBytes, CheckRequest};
use crate::config::Config;
use crate::diagnostic::{Finding, Severity, Source};
use crate::error::Error;
use crate::rules::{LoadOptions, RuleSet};

pub struct Document {
    pub uri: Uri,
    path: PathBuf,
    format: Format,
    pub version: i32,
    text: String,
    lines: LineIndex,
    /// When the last edit is to be checked; None when the findings are up to date.
    pub due: Option<Instant>,
    items: Vec<Item>,
    /// The safe fixes of the findings (`check --fix`), as edits of this text.
    fixes: Vec<FixAction>,
}

struct FixAction {
    rule: &'static str,
    title: String,
    edits: Vec<TextEdit>,
}

/// A diagnostic as published, and what it came from.
struct Item {
    diagnostic: Diagnostic,
    /// The rule's `explain` text, for hover.
    explain: Option<String>,
    /// The rule, when a suppression comment can be written for it at the diagnostic's line.
    suppressible: Option<String>,
}

impl Document {
    /// A document campaign-lint checks: a `file:` URI of an `.html`, `.htm`, `.mjml`,
    /// `.txt` or `.eml` file. None for anything else (the server leaves it alone).
    pub fn open(uri: Uri, version: i32, text: String) -> Option<Document> {
        let path = url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()?;
        if !crate::check::is_campaign_name(&path) {
            return None;
        }
        let format = crate::campaign::format_of(&path)?;
        Some(Document {
            uri,
            path,
            format,
            version,
            lines: LineIndex::new(&text),
            text,
            due: None,
            items: Vec::new(),
            fixes: Vec::new(),
        })
    }

    pub fn edit(&mut self, version: i32, text: String) {
        self.version = version;
        self.lines = LineIndex::new(&text);
        self.text = text;
    }

    /// Checks the text as `campaign-lint check` would check the file holding it.
    pub fn check(&mut self) {
        self.due = None;
        // A bug must not take the editor's server down with it: the document says so and
        // the others are still checked.
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.findings()))
            .unwrap_or_else(|_| {
                Err(Error::new(
                    self.path.display().to_string(),
                    "campaign-lint failed on this text (a bug: please report it with the text)",
                ))
            });
        (self.items, self.fixes) = match checked {
            Ok(checked) => checked,
            Err(e) => (vec![self.error_item(&e)], Vec::new()),
        };
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.items.iter().map(|i| i.diagnostic.clone()).collect()
    }

    /// The docs of the rules whose diagnostics cover `position`.
    pub fn explain_at(&self, position: Position) -> Option<String> {
        let texts: Vec<&str> = self
            .items
            .iter()
            .filter(|i| contains(i.diagnostic.range, position))
            .filter_map(|i| i.explain.as_deref())
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n\n---\n\n"))
    }

    /// Quick fixes for the diagnostics that touch `range`.
    pub fn actions(&self, range: Range) -> Vec<CodeActionOrCommand> {
        let mut actions = Vec::new();
        let touched: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| overlaps(i.diagnostic.range, range))
            .collect();
        for fix in &self.fixes {
            let code = Some(NumberOrString::String(fix.rule.to_owned()));
            let fixed: Vec<Diagnostic> = touched
                .iter()
                .filter(|i| i.diagnostic.code == code)
                .map(|i| i.diagnostic.clone())
                .collect();
            if fixed.is_empty() {
                continue;
            }
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Fix: {}", fix.title),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(fixed),
                edit: Some(WorkspaceEdit {
                    changes: Some(
                        [(self.uri.clone(), fix.edits.clone())]
                            .into_iter()
                            .collect(),
                    ),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        for item in touched {
            let Some(rule) = &item.suppressible else {
                continue;
            };
            let (title, edit) = self.suppression(rule, item.diagnostic.range.start.line);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![item.diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(self.uri.clone(), vec![edit])].into_iter().collect()),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        actions
    }

    /// The suppression `src/suppress.rs` reads: in HTML a comment on its own line above
    /// the finding's line (indented like it); in an `.eml` the header that turns the rule
    /// off for the file, as the first header.
    fn suppression(&self, rule: &str, line: u32) -> (String, TextEdit) {
        let eol = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        if self.format == Format::Eml {
            // After an mbox `From ` line, which must stay first.
            let line = u32::from(self.text.starts_with("From "));
            let at = Position::new(line, 0);
            return (
                format!("Suppress {rule} in this file (X-Campaign-Lint-Disable header)"),
                TextEdit::new(
                    Range::new(at, at),
                    format!("X-Campaign-Lint-Disable: {rule}{eol}"),
                ),
            );
        }
        let start = self.lines.line_start(&self.text, line);
        let indent: String = self.text[start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let at = Position::new(line, 0);
        (
            format!("Suppress {rule} on the next line"),
            TextEdit::new(
                Range::new(at, at),
                format!("{indent}<!-- campaign-lint-disable-next-line {rule} -->{eol}"),
            ),
        )
    }

    fn findings(&self) -> Result<(Vec<Item>, Vec<FixAction>), Error> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let config = Config::resolve(None, dir)?;
        let rules = RuleSet::load(&LoadOptions {
            packs: config.packs.clone(),
            overrides: Some(&config.rules),
            config: (config.display(), config.text.clone()),
            select: Vec::new(),
            ignore: Vec::new(),
        })?;
        let name = self.path.display().to_string();
        let request = CheckRequest {
            campaign_bytes: vec![CampaignBytes {
                path: name.clone(),
                format: self.format,
                bytes: self.text.as_bytes().to_vec(),
            }],
            ..CheckRequest::default()
        };
        let outcome = crate::check::check(&request, &config, &rules)?;
        if let Some(e) = outcome.errors.into_iter().next() {
            return Err(e);
        }
        let mut items = Vec::new();
        let mut firing: Vec<&str> = Vec::new();
        for file in outcome.report.files.iter().filter(|f| f.path == name) {
            for finding in &file.findings {
                items.push(self.item(finding, &file.sources, &rules));
                firing.push(&finding.rule);
            }
        }
        let fixes = self.fixes(&name, &firing, &config, &rules);
        Ok((items, fixes))
    }

    /// The safe fixes `check --fix` would apply to this text.
    fn fixes(
        &self,
        name: &str,
        firing: &[&str],
        config: &Config,
        rules: &RuleSet,
    ) -> Vec<FixAction> {
        if firing.is_empty() {
            return Vec::new();
        }
        let Ok(campaign) = crate::campaign::Campaign::from_bytes(
            name,
            self.text.as_bytes(),
            self.format,
            &config.limits,
        ) else {
            return Vec::new();
        };
        let mut options = rules.analysis_options();
        options.max_html_depth = config.limits.max_html_depth;
        let facts = crate::facts::Facts::analyze(&campaign, None, &options);
        crate::fix::fixes(&campaign, &facts, firing, &config.https_hosts)
            .into_iter()
            .filter(|f| f.safety == crate::fix::Safety::Safe)
            .map(|f| FixAction {
                rule: f.rule,
                title: f.title,
                edits: f
                    .edits
                    .into_iter()
                    .map(|(range, text)| TextEdit::new(self.lines.range(&self.text, range), text))
                    .collect(),
            })
            .collect()
    }

    fn item(&self, finding: &Finding, sources: &[Source], rules: &RuleSet) -> Item {
        // A label in a decoded view of a part (quoted-printable, base64) has no place in
        // the text being edited: it points at the start of the part's encoded body.
        let place = |span: crate::diagnostic::Span| -> (Range, bool) {
            if span.source == 0 {
                return (self.lines.range(&self.text, span.offset..span.end()), true);
            }
            let at = sources
                .get(span.source)
                .and_then(|s| s.decoded_from)
                .unwrap_or(0);
            (self.lines.range(&self.text, at..at), false)
        };
        let (range, in_text) = finding
            .primary_span()
            .map_or((Range::default(), false), place);
        let related: Vec<DiagnosticRelatedInformation> = finding
            .labels
            .iter()
            .skip(1)
            .map(|label| DiagnosticRelatedInformation {
                location: Location::new(self.uri.clone(), place(label.span).0),
                message: label
                    .text
                    .clone()
                    .unwrap_or_else(|| finding.message.clone()),
            })
            .collect();
        let mut message = finding.message.clone();
        if let Some(text) = finding.labels.first().and_then(|l| l.text.as_deref()) {
            message = format!("{message}: {text}");
        }
        if let Some(help) = &finding.help {
            message = format!("{message}\nhelp: {help}");
        }
        let explain = rules.get(&finding.rule).map(|rule| {
            let mut text = Vec::new();
            // Writing to a Vec cannot fail.
            let _ = crate::report::explain(rule, &mut text);
            format!("```text\n{}```", String::from_utf8_lossy(&text))
        });
        let suppressible = match self.format {
            Format::Html => in_text,
            Format::Eml => true,
            Format::Text => false,
        };
        Item {
            diagnostic: Diagnostic {
                range,
                severity: Some(severity(finding.severity)),
                code: Some(NumberOrString::String(finding.rule.clone())),
                source: Some("campaign-lint".to_owned()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            },
            explain,
            suppressible: suppressible.then(|| finding.rule.clone()),
        }
    }

    /// The one diagnostic of a document that cannot be checked: at the position the
    /// error names when it is in this document, else at the start (a bad config file or
    /// rule pack, named in the message).
    fn error_item(&self, e: &Error) -> Item {
        let here = e.file == self.path.display().to_string();
        let (range, message) = match e.position {
            Some((line, column)) if here => {
                let start = self
                    .lines
                    .line_start(&self.text, line.saturating_sub(1) as u32);
                let offset = self.text[start..]
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(self.text.len(), |(i, _)| start + i);
                let at = self.lines.position(&self.text, offset);
                (Range::new(at, at), e.message.clone())
            }
            _ if here => (Range::default(), e.message.clone()),
            _ => (Range::default(), e.to_string()),
        };
        Item {
            diagnostic: Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("campaign-lint".to_owned()),
                message: format!("cannot check this document: {message}"),
                ..Default::default()
            },
            explain: None,
            suppressible: None,
        }
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
    }
}

fn contains(range: Range, position: Position) -> bool {
    range.start <= position && position <= range.end
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}
