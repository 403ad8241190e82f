//! Rules: each one is declared as data (`rules/<name>.toml`: kind, severity, message,
//! help, docs, parameters) and checked by a rule kind implemented in Rust (`kinds/`).
//! The [`Context`] stamps the rule's name and configured severity on what a kind reports,
//! so kinds stay short.

pub mod condition;
mod context;
pub mod kinds;
mod loader;
pub mod params;

use std::sync::Arc;

use crate::catalog::CatalogIndex;
use crate::diagnostic::{Finding, Severity};
use crate::facts::{AnalysisOptions, CampaignKind, Facts};
use crate::profiles::Profile;

pub use condition::Condition;
pub use context::{Context, Diag};
pub use loader::{Docs, LoadOptions, is_kebab_case, suggest_from};

/// A check of the campaign alone, once per campaign. It never sees a recipient, so it
/// reads nothing of one: audience mode need not ask.
pub trait CampaignCheck: Send + Sync {
    /// Asks the once-per-campaign analysis for what this check needs.
    fn configure(&self, _options: &mut AnalysisOptions) {}
    fn campaign(&self, cx: &mut Context, facts: &Facts);
    /// Does now what the check would otherwise do on first use and could fail at
    /// (compiling a regular expression), so that a rule a user wrote or changed fails to
    /// load instead of finding nothing: Err names the parameter at fault, and why.
    fn prepare(&self) -> std::result::Result<(), (&'static str, String)> {
        Ok(())
    }
}

/// A check that looks at recipients. Each phase is optional; [`RecipientCheck::reads`]
/// is not: audience mode checks each distinct combination of the fields read once.
pub trait RecipientCheck: Send + Sync {
    /// Asks the once-per-campaign analysis for what this check needs.
    fn configure(&self, _options: &mut AnalysisOptions) {}
    /// Once per campaign and recipient: must be a cheap comparison of facts and profile.
    fn recipient(&self, _cx: &mut Context, _facts: &Facts, _profile: &Profile) {}
    /// Once per recipient, about the profile alone.
    fn profile(&self, _cx: &mut Context, _profile: &Profile) {}
    /// What [`RecipientCheck::recipient`] and [`RecipientCheck::profile`] read of a
    /// profile, given the campaign's facts: every field that can change a finding.
    fn reads(&self, facts: &Facts, reads: &mut Reads);
    /// For a check that reads owned products as [`OwnedReads::Relevant`]: whether owning
    /// `item` can change a finding about this campaign. Items for which every check says
    /// no are left out when telling profiles apart.
    fn owned_matters(&self, _env: Env, _facts: &Facts, _item: &str) -> bool {
        true
    }
}

/// What a rule kind checks with.
pub enum Checker {
    Campaign(Box<dyn CampaignCheck>),
    Recipient(Box<dyn RecipientCheck>),
    /// Found by a pass over the whole run, which reports for every enabled rule of the
    /// kind (`crate::variants`: `variants`; `crate::suppress`: `unused-suppression`).
    Pass,
}

impl Checker {
    fn recipient(&self) -> Option<&dyn RecipientCheck> {
        match self {
            Checker::Recipient(r) => Some(r.as_ref()),
            _ => None,
        }
    }
}

/// How a check reads the owned products.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwnedReads {
    #[default]
    No,
    /// Only whether the list is empty and the items [`Check::owned_matters`] picks.
    Relevant,
    /// Every item as written.
    Full,
}

/// A test on an export's field name.
pub type FieldTest = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What the recipient and profile checks read of a profile (see [`Check::reads`]). The
/// mapped fields are read through the field mapping; `named` and `matching` pick export
/// fields by their names.
#[derive(Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // one flag per mapped field reads best
pub struct Reads {
    /// Anything at all: every field is told apart.
    pub everything: bool,
    pub email: bool,
    pub language: bool,
    pub country: bool,
    /// The status, and the opted-out and bounced flag columns.
    pub status: bool,
    pub owned: OwnedReads,
    /// Export fields by name, matched as [`crate::profiles::lookup`] matches them.
    pub named: Vec<String>,
    /// Export fields picked by a test on their names (merge tags match names loosely).
    pub matching: Vec<FieldTest>,
    /// Export fields read only for whether they are filled in (present, and blank or
    /// not), not for their value: a merge tag prints the recipient's first name, but
    /// whether it is a problem depends only on the name being there. The audience engine
    /// tells recipients apart by that alone, so unique names do not make unique shapes.
    pub filled: Vec<FieldTest>,
}

impl std::fmt::Debug for Reads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reads")
            .field("everything", &self.everything)
            .field("email", &self.email)
            .field("language", &self.language)
            .field("country", &self.country)
            .field("status", &self.status)
            .field("owned", &self.owned)
            .field("named", &self.named)
            .field("matching", &self.matching.len())
            .field("filled", &self.filled.len())
            .finish()
    }
}

impl Reads {
    /// Marks a mapped field (`email`, `language`, ...) or an export field as read.
    pub fn field(&mut self, name: &str) {
        match name.to_ascii_lowercase().as_str() {
            "email" => self.email = true,
            "language" => self.language = true,
            "country" => self.country = true,
            "status" => self.status = true,
            "owned_products" => self.owned = OwnedReads::Full,
            _ => self.named.push(name.to_owned()),
        }
    }
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
    /// The kinds of campaign the rule checks (`applies-to`; all by default).
    pub applies_to: Vec<CampaignKind>,
    /// The effective parameters (the rule file's, with overrides applied).
    pub params: toml::Table,
    check: Checker,
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

/// Whether a rule checks campaigns of this kind.
fn checks_kind(rule: &Rule, facts: &Facts) -> bool {
    rule.checks(facts.kind)
}

impl Rule {
    /// Whether the rule checks campaigns of this kind (`applies-to`).
    pub fn checks(&self, kind: CampaignKind) -> bool {
        self.applies_to.contains(&kind)
    }

    /// This rule's recipient and profile findings for one recipient, ignoring `when`: how
    /// the SQL translation asks the rule what it says about each language.
    pub fn probe(&self, env: Env, facts: &Facts, profile: &Profile) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut cx = Context::new(self, env, &mut out, Some(1));
        if let Some(check) = self.check.recipient() {
            check.recipient(&mut cx, facts, profile);
            check.profile(&mut cx, profile);
        }
        out
    }

    /// Whether the rule has recipients to check for this campaign: what it reads of a profile.
    pub fn reads(&self, facts: &Facts) -> Reads {
        let mut reads = Reads::default();
        if let Some(check) = self.check.recipient() {
            check.reads(facts, &mut reads);
        }
        reads
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

    /// The findings of a pass over the run (variants, suppressions): one for every
    /// enabled rule of `kind`, each with its own message, severity and help.
    pub fn report_kind(&self, kind: &str, diag: impl Fn() -> Diag) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self.enabled().filter(|r| r.kind == kind) {
            Context::new(rule, Env::default(), &mut out, None).report(diag());
        }
        out
    }

    /// The analysis settings the enabled rules ask for.
    pub fn analysis_options(&self) -> AnalysisOptions {
        let mut options = AnalysisOptions::default();
        for rule in self.enabled() {
            match &rule.check {
                Checker::Campaign(c) => c.configure(&mut options),
                Checker::Recipient(r) => r.configure(&mut options),
                Checker::Pass => {}
            }
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
        for rule in self
            .enabled()
            .filter(|r| applies(r, profile) && checks_kind(r, facts))
        {
            if let Checker::Campaign(check) = &rule.check {
                let mut cx = Context::new(rule, env, &mut out, None);
                check.campaign(&mut cx, facts);
            }
        }
        out
    }

    /// What the enabled rules read of a profile when checking it against `facts`,
    /// including what their `when` conditions test.
    pub fn reads(&self, facts: &Facts, reads: &mut Reads) {
        for rule in self.enabled().filter(|r| checks_kind(r, facts)) {
            if let Some(check) = rule.check.recipient() {
                check.reads(facts, reads);
            }
            if let Some(when) = &rule.when {
                for field in when.fields() {
                    reads.field(field);
                }
            }
        }
    }

    /// What the rule `name` reads (see [`RecipientCheck::reads`]), whether or not it is
    /// enabled.
    pub fn reads_of(&self, name: &str, facts: &Facts, reads: &mut Reads) {
        if let Some(check) = self.get(name).and_then(|r| r.check.recipient()) {
            check.reads(facts, reads);
        }
    }

    /// Whether owning `item` can change what a rule that reads owned products as
    /// [`OwnedReads::Relevant`] finds in `facts`.
    pub fn owned_matters(&self, env: Env, facts: &Facts, item: &str) -> bool {
        self.enabled()
            .filter(|r| checks_kind(r, facts))
            .filter_map(|r| r.check.recipient())
            .any(|check| {
                let mut reads = Reads::default();
                check.reads(facts, &mut reads);
                reads.owned == OwnedReads::Relevant && check.owned_matters(env, facts, item)
            })
    }

    pub fn check_recipient(&self, env: Env, facts: &Facts, profile: &Profile) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self
            .enabled()
            .filter(|r| applies(r, Some(profile)) && checks_kind(r, facts))
        {
            if let Some(check) = rule.check.recipient() {
                let mut cx = Context::new(rule, env, &mut out, Some(1));
                check.recipient(&mut cx, facts, profile);
            }
        }
        out
    }

    /// Findings about the profile alone, from the rules that check at least one of the
    /// campaigns it is checked against (a rule for marketing mail says nothing about the
    /// recipient of a receipt).
    pub fn check_profile(&self, env: Env, profile: &Profile, campaigns: &[&Facts]) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self
            .enabled()
            .filter(|r| applies(r, Some(profile)) && campaigns.iter().any(|f| checks_kind(r, f)))
        {
            if let Some(check) = rule.check.recipient() {
                let mut cx = Context::new(rule, env, &mut out, Some(1));
                check.profile(&mut cx, profile);
            }
        }
        out
    }
}
