//! Addresses in what campaign-lint shows: masked (`a•••@example.com`) unless the user
//! asked to see them, in examples and in every message that quotes a row or a profile.

/// `anna.schmidt@example.com` as `a•••@example.com`: enough to recognise a test address,
/// not enough to leak a customer's.
pub fn mask(email: &str) -> String {
    match split_at_sign(email) {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

/// `text` with every word that holds an `@` masked like [`mask`]. Messages quote rows,
/// including values the address parser could not accept (`"Anna Smith
/// <anna.smith@example.com>"` becomes `"Anna Smith <a•••@example.com>"`), so the words
/// are found by the `@`, not by parsing addresses.
pub fn mask_addresses(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('@') {
        return std::borrow::Cow::Borrowed(text);
    }
    let apart = |c: char| c.is_whitespace() || "<>()[],;".contains(c);
    // Quotes (and the backslashes of `{:?}`) around a word are kept as they are.
    let wrapping: &[char] = &['"', '\'', '\\', '`'];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(apart).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        let inner = word.trim_start_matches(wrapping);
        let lead = &word[..word.len() - inner.len()];
        let inner = inner.trim_end_matches(wrapping);
        // A lone `'@'` is the message talking about the sign, not an address.
        if inner.contains('@') && inner != "@" {
            let trail = &word[lead.len() + inner.len()..];
            out.push_str(lead);
            out.push_str(&mask(inner));
            out.push_str(trail);
        } else {
            out.push_str(word);
        }
        let sep = after.chars().next().map_or(0, char::len_utf8);
        out.push_str(&after[..sep]);
        rest = &after[sep..];
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `shown` is how `email` is shown (in full, or masked), without masking it.
pub(crate) fn shows(shown: &str, email: &str, full: bool) -> bool {
    if full {
        return shown == email;
    }
    match split_at_sign(email) {
        Some((local, domain)) => {
            let first = local.chars().next().map_or(0, char::len_utf8);
            shown
                .strip_prefix(&local[..first])
                .and_then(|rest| rest.strip_prefix("•••@"))
                == Some(domain)
        }
        None => shown == "•••",
    }
}

/// The address before and after its first `@`, found byte by byte: addresses are
/// short, and a `char` search costs more than the loop.
fn split_at_sign(email: &str) -> Option<(&str, &str)> {
    let at = email.bytes().position(|b| b == b'@')?;
    Some((&email[..at], &email[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking() {
        assert_eq!(mask("anna.schmidt@example.com"), "a•••@example.com");
        assert_eq!(mask("x"), "•••");
        for email in [
            "anna@example.com",
            "x",
            "\u{e9}mile@example.fr",
            "@example.com",
        ] {
            assert!(shows(&mask(email), email, false), "{email}");
            assert!(shows(email, email, true));
        }
        assert!(!shows(&mask("anna@example.com"), "bert@example.com", false));
        for (text, masked) in [
            (
                r#"invalid email address "Anna Smith <anna.smith@example.com>" in field "email""#,
                r#"invalid email address "Anna Smith <a•••@example.com>" in field "email""#,
            ),
            (
                r#"invalid email address "\"anna\"@example.com""#,
                r#"invalid email address "\"a•••@example.com""#,
            ),
            ("x@y, bert@example.com;", "x•••@y, b•••@example.com;"),
            ("no address here", "no address here"),
            ("more than one '@'", "more than one '@'"),
            ("@@", "•••@@"),
        ] {
            assert_eq!(mask_addresses(text), masked);
        }
    }
}
