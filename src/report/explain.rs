//! `campaign-lint explain RULE`, and the hover text of the language server: a rule's
//! name, kind and origin, its docs, and the parameters it runs with.

use std::io::{self, Write};

/// `## Parameters`: each parameter the rule runs with, and what it means.
fn explain_parameters(rule: &crate::rules::Rule, out: &mut dyn Write) -> io::Result<()> {
    use crate::report::{neutralize, neutralize_lines};
    use crate::rules::params::{parameters, to_toml};
    let params = parameters(rule);
    if params.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Parameters\n")?;
    for p in params {
        let value = to_toml(&p.value, "    ");
        let default = if p.set { "" } else { "  (the kind's default)" };
        writeln!(
            out,
            "    {} = {}{default}",
            neutralize(&p.name),
            neutralize_lines(&value)
        )?;
        for line in p.meaning.as_deref().unwrap_or_default().lines() {
            writeln!(out, "        {line}")?;
        }
    }
    writeln!(out)
}

/// Writes the explanation of `rule`.
pub fn explain(rule: &crate::rules::Rule, out: &mut dyn Write) -> io::Result<()> {
    use crate::report::{neutralize, neutralize_lines};
    writeln!(
        out,
        "{} ({}, kind {}, {})\n",
        neutralize(&rule.name),
        rule.severity,
        neutralize(rule.kind),
        neutralize(&rule.origin)
    )?;
    writeln!(out, "{}\n", neutralize(&rule.summary))?;
    if let Some(when) = &rule.when {
        writeln!(
            out,
            "Applies to recipients when {}.\n",
            neutralize(&when.source)
        )?;
    }
    if let [only] = rule.applies_to.as_slice() {
        writeln!(
            out,
            "Checks {} mail only (declare transactional mail with [campaigns] transactional \
             in campaign-lint.toml).\n",
            only.name()
        )?;
    }
    let Some(d) = &rule.docs else {
        writeln!(out, "(this rule has no [docs] section)")?;
        if !rule.params.is_empty() {
            writeln!(out)?;
        }
        return explain_parameters(rule, out);
    };
    for (title, body) in [
        ("What it does", &d.what),
        ("Why it matters", &d.why),
        ("Example", &d.example),
        ("What to do instead", &d.fix),
    ] {
        writeln!(out, "## {title}\n")?;
        for line in neutralize_lines(body.trim_matches('\n')).lines() {
            writeln!(out, "    {line}")?;
        }
        writeln!(out)?;
    }
    explain_parameters(rule, out)?;
    if !d.references.is_empty() {
        writeln!(out, "## References\n")?;
        for r in &d.references {
            writeln!(out, "    - {}", neutralize(r))?;
        }
    }
    Ok(())
}
