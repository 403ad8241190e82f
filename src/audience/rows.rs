//! Rows of an export: which are checked, how many skipped ones are listed, and how an
//! address is written to the suppression list.

use crate::profiles::Profile;

/// Skipped rows listed by number (the rest are counted).
pub const SKIPPED_LISTED: usize = 10;

/// A row is checked only with an address and languages campaign-lint understands.
pub(crate) fn validate(profile: Profile) -> std::result::Result<Profile, String> {
    if profile.email.is_none() {
        return Err("no email address".to_owned());
    }
    // An unknown language is not a reason to skip the row: the language rule reports it
    // (a warning, with its recipients and examples), as it does for one --profile.
    Ok(profile)
}

/// A CSV cell, quoted when it needs to be. A cell that a spreadsheet would take for a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's CSV
/// injection rule) gets a leading `'` and quotes, which spreadsheets show as text.
pub(crate) fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("\"'{}\"", text.replace('"', "\"\""))
    } else if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
