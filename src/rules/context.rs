//! The context a check reports through: it renders the rule's message and help
//! templates, applies the configured severity, and records the finding.

use super::{Env, Rule};
use crate::diagnostic::{Finding, Label, Severity, Span};

/// Which help a finding shows.
#[derive(Debug, Default)]
enum HelpText {
    /// The rule's help template.
    #[default]
    Rule,
    Custom(String),
    Omitted,
}

/// What a check reports; the context turns it into a [`Finding`].
#[derive(Debug, Default)]
#[must_use = "a Diag does nothing until passed to Context::report"]
pub struct Diag {
    args: Vec<(&'static str, String)>,
    labels: Vec<Label>,
    message: Option<String>,
    help: HelpText,
    severity: Option<Severity>,
}

impl Diag {
    /// A finding with the rule's own message and help.
    pub fn new() -> Self {
        Self::default()
    }

    /// A finding with its own message (a secondary case of the rule, e.g. "could not
    /// determine the language").
    pub fn with_message(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// A value for `{name}` in the rule's message and help.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// Adds a labelled span; the first one is the primary location.
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, text));
        self
    }

    /// Replaces the rule's help (None removes it).
    pub fn help(mut self, help: Option<String>) -> Self {
        self.help = help.map_or(HelpText::Omitted, HelpText::Custom);
        self
    }

    /// Lowers the severity for this finding (never above the rule's configured severity).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// The rule being run and where its findings go.
pub struct Context<'a> {
    rule: &'a Rule,
    pub env: Env<'a>,
    out: &'a mut Vec<Finding>,
    recipients: Option<u64>,
}

impl<'a> Context<'a> {
    pub(super) fn new(
        rule: &'a Rule,
        env: Env<'a>,
        out: &'a mut Vec<Finding>,
        recipients: Option<u64>,
    ) -> Self {
        Self {
            rule,
            env,
            out,
            recipients,
        }
    }

    pub fn report(&mut self, diag: Diag) {
        let severity = diag
            .severity
            .map_or(self.rule.severity, |s| s.min(self.rule.severity));
        let message = match diag.message {
            Some(m) => m,
            None => render(&self.rule.message, &diag.args),
        };
        let help = match diag.help {
            HelpText::Custom(h) => Some(h),
            HelpText::Omitted => None,
            HelpText::Rule => self.rule.help.as_deref().map(|h| render(h, &diag.args)),
        };
        self.out.push(Finding {
            rule: self.rule.name.clone(),
            severity,
            message,
            help,
            labels: diag.labels,
            recipients: self.recipients,
            examples: Vec::new(),
            args: diag.args,
        });
    }
}

/// Fills `{name}` placeholders; unknown ones are left as written.
pub fn render(template: &str, args: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(close) = after.find('}') {
            let name = &after[..close];
            match args.iter().find(|(k, _)| *k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        } else {
            out.push_str(&rest[open..]);
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_placeholders() {
        let args = [("campaign", "German".to_owned())];
        assert_eq!(
            render("in {campaign} for {who}", &args),
            "in German for {who}"
        );
        assert_eq!(render("no braces", &args), "no braces");
        assert_eq!(render("open { only", &args), "open { only");
    }
}
