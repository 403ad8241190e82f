//! Numbers as people read them in messages: `1,234,567`, `20.9%`, `62 of 297
//! recipients, 20.9%`.

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `62 of 297 recipients, 20.9%`: how a grouped finding's message ends.
pub fn share_note(count: u64, total: u64) -> String {
    let share = if total == 0 {
        0.0
    } else {
        count as f64 * 100.0 / total as f64
    };
    format!(
        "{} of {} {}, {}",
        thousands(count),
        thousands(total),
        if total == 1 {
            "recipient"
        } else {
            "recipients"
        },
        percent(share)
    )
}

/// A share from 0 to 100 with one decimal (`20.9%`; `<0.1%` for a share above zero
/// that would round to it).
pub fn percent(share: f64) -> String {
    if share > 0.0 && share < 0.1 {
        "<0.1%".to_owned()
    } else {
        format!("{share:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(percent(0.01), "<0.1%");
        assert_eq!(percent(12.34), "12.3%");
    }
}
