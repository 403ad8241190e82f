//! Rules: each one is declared as data (`rules/<name>.toml`: kind, severity, message,
//! help, docs, parameters) and checked by a rule kind implemented in Rust (`kinds/`).
//! The [`Context`] stamps the rule's name and configured severity on what a kind reports,
//! so kinds stay short.

pub mod condition;
mod context;
pub mod kinds;
mod loader;

use crate::catalog::CatalogIndex;
use crate::diagnostic::{Finding, Severity};
use crate::facts::{AnalysisOptions, Facts};
use crate::profiles::Profile;

pub use condition::Condition;
pub use context::{Context, Diag};
pub use loader::{Docs, LoadOptions, RuleOverride, When, is_kebab_case, suggest_from};

/// A check implemented in Rust. Each phase is optional.
pub trait Check: Send + Sync {
    /// Asks the once-per-campaign analysis for what this check needs.
    fn configure(&self, _options: &mut AnalysisOptions) {}
    /// Once per campaign, about the campaign alone.
    fn campaign(&self, _cx: &mut Context, _facts: &Facts) {}
    /// Once per campaign and recipient: must be a cheap comparison of facts and profile.
    fn recipient(&self, _cx: &mut Context, _facts: &Facts, _profile: &Profile) {}
    /// Once per recipient, about the profile alone.
    fn profile(&self, _cx: &mut Context, _profile: &Profile) {}
}

/// A rule: its declaration and its configured check.
pub struct Rule {
    pub name: String,
    pub kind: &'static str,
    /// Severity after configuration; `Off` disables the rule.
    pub severity: Severity,
    pub summary: String,
    pub message: String,
    pub help: Option<String>,
    /// Shipped rules always have docs (a test checks); a pack's rules may not.
    pub docs: Option<Docs>,
    /// Where the rule comes from: `built-in`, or a pack directory.
    pub origin: String,
    /// The rule applies only to recipients matching this.
    pub when: Option<Condition>,
    /// The effective parameters (the rule file's, with overrides applied).
    pub params: toml::Table,
    check: Box<dyn Check>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("severity", &self.severity)
            .finish_non_exhaustive()
    }
}

/// Whether a rule applies: always without a `when`; with one, only to a known recipient
/// that matches it.
fn applies(rule: &Rule, profile: Option<&Profile>) -> bool {
    match (&rule.when, profile) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(when), Some(p)) => when.matches(p),
    }
}

/// The rules in force for a run.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

/// What the checks need besides the facts and the profile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Env<'a> {
    pub catalog: Option<&'a CatalogIndex>,
}

impl RuleSet {
    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.severity != Severity::Off)
    }

    /// A finding of rule `name` made outside a check (e.g. by the suppression pass);
    /// None when the rule is unknown or off.
    pub fn report(&self, name: &str, diag: Diag) -> Option<Finding> {
        let rule = self.get(name).filter(|r| r.severity != Severity::Off)?;
        let mut out = Vec::new();
        Context::new(rule, Env::default(), &mut out, None).report(diag);
        out.pop()
    }

    /// The analysis settings the enabled rules ask for.
    pub fn analysis_options(&self) -> AnalysisOptions {
        let mut options = AnalysisOptions::default();
        for rule in self.enabled() {
            rule.check.configure(&mut options);
        }
        options
    }

    /// Findings about the campaign alone. A rule with a `when` condition runs only when
    /// the recipient is known (`profile`) and matches.
    pub fn check_campaign(
        &self,
        env: Env,
        facts: &Facts,
        profile: Option<&Profile>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self.enabled().filter(|r| applies(r, profile)) {
            let mut cx = Context::new(rule, env, &mut out, None);
            rule.check.campaign(&mut cx, facts);
        }
        out
    }

    pub fn check_recipient(&self, env: Env, facts: &Facts, profile: &Profile) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self.enabled().filter(|r| applies(r, Some(profile))) {
            let mut cx = Context::new(rule, env, &mut out, Some(1));
            rule.check.recipient(&mut cx, facts, profile);
        }
        out
    }

    pub fn check_profile(&self, env: Env, profile: &Profile) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self.enabled().filter(|r| applies(r, Some(profile))) {
            let mut cx = Context::new(rule, env, &mut out, Some(1));
            rule.check.profile(&mut cx, profile);
        }
        out
    }
}
