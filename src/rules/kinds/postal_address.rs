//! `postal-address`: a body part shows no physical postal address of the sender, which
//! CAN-SPAM requires in every commercial message. What counts as an address is decided by
//! `facts::address` (street and number, P.O. box, postal code and city, ESP address merge
//! tags); only text a reader sees counts.
//!
//! Shipped rules of this kind: `missing-postal-address`.

use super::{FooterParams, RuleKind, footer_parts, missing_in_part};
use crate::facts::{Facts, address};
use crate::rules::{CampaignCheck, Context};

const LABEL: &str = "expected the sender's postal address in the footer";

pub struct PostalAddress {
    params: FooterParams,
}

impl RuleKind for PostalAddress {
    type Params = FooterParams;

    fn new(params: FooterParams) -> Self {
        Self { params }
    }
}

impl CampaignCheck for PostalAddress {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for (_, part) in footer_parts(facts, &self.params) {
            let Some(units) = facts.units.get(part.units.clone()) else {
                continue;
            };
            // The address belongs in the footer, so the search starts at the end; an address
            // anywhere in the read text still satisfies the law.
            let found = units
                .iter()
                .rev()
                .filter(|u| u.is_read())
                .any(|u| address::find(&u.text).is_some());
            if !found {
                cx.report(missing_in_part(facts, part, LABEL));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::run;

    fn check(html: &str) -> Vec<Finding> {
        run("missing-postal-address", html, Format::Html, None, None)
    }

    #[test]
    fn footer_without_an_address() {
        let found = check(
            "<p>Big sale on 55-inch TVs, 20% off until Sunday.</p><p>Nordlicht Electronics GmbH</p><a href=\"*|UNSUB|*\">Unsubscribe</a>",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "no postal address in the HTML template");
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("expected the sender's postal address in the footer")
        );
    }

    #[test]
    fn a_hidden_address_does_not_count() {
        let found = check(
            "<p>Sale</p><div style=\"display:none\">Musterstraße 12, 20095 Hamburg</div><p>Nordlicht</p>",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn addresses_that_count() {
        for html in [
            "<p>Sale</p><td>Nordlicht GmbH<br>Musterstraße 12<br>20095 Hamburg</td>",
            "<p>Sale</p><p>Nordlicht Inc., 12 Main Street, Suite 400, Springfield, IL 62701</p>",
            "<p>Sale</p><p>Our mailing address is: *|HTML:LIST_ADDRESS_HTML|*</p>",
            "<p>Sale</p><p>%%Member_Busname%% %%Member_Addr%% %%Member_City%%</p>",
            "<p>Sale</p><p>Nordlicht SARL, 5 rue de la Paix, 75002 Paris</p>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    /// Footers as templates lay them out: over `<br>` lines, table cells, with commas
    /// and the invisible characters that stop iOS from linking the address.
    #[test]
    fn footer_layouts_that_count() {
        for html in [
            "<p>Sale</p><td style=\"font-size:11px\">Nordlicht GmbH<br/>Castroper Straße, 145<br/>44791, Bochum, Germany</td>",
            "<p>Sale</p><table><tr><td>Nordlicht Inc.</td></tr><tr><td>1 Infinite Loop</td></tr><tr><td>Cupertino, CA&nbsp;95014</td></tr></table>",
            "<p>Sale</p><p>Nordlicht Inc.<br>123 Main St.,<br>Suite 400,<br>San Francisco, CA 94105</p>",
            "<p>Sale</p><p>Nordlicht, 1&zwnj;23 Main&zwnj; Street, Spring&zwnj;field</p>",
            "<p>Sale</p><p>Nordlicht S.r.l. &ndash; Via Roma, 1 - 20121 Milano (MI)</p>",
            "<p>Sale</p><p>Nordlicht Sp. z o.o.<br>ul. Marszałkowska 1<br>00-624 Warszawa</p>",
            "<p>Sale</p><p>株式会社ノルトリヒト<br>〒100-0001 東京都千代田区千代田1-1</p>",
            "<p>Sale</p><p>Nordlicht S.L. &middot; C/ Gran V&iacute;a, 1, 28013 Madrid</p>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn placeholders_and_contact_lines_are_not_addresses() {
        for html in [
            "<p>Sale</p><p>[Company Name]<br>[Company Address]</p>",
            "<p>Sale</p><p>Phone: +1 (655) 606-605 | email@yoursitename.com</p>",
            "<p>Order #12345 Shipped</p><p>© 2016 company name. All Rights Reserved.</p>",
        ] {
            assert_eq!(check(html).len(), 1, "{html}");
        }
    }

    #[test]
    fn text_part_of_a_multipart_message() {
        let raw = "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSale now.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Sale</p><p>Musterstraße 12, 20095 Hamburg</p>\r\n--b--\r\n";
        let found = run("missing-postal-address", raw, Format::Eml, None, None);
        let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["no postal address in the text/plain part"]);
    }
}
