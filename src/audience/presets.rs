//! Field mappings for the exports people really have, and recognising them from the
//! header row. A preset names the export's columns for the fields the rules use.

use crate::profiles::FieldMap;

/// A known export layout.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    email: &'static str,
    language: &'static str,
    country: &'static str,
    owned_products: &'static str,
    status: &'static str,
    opted_out: Option<&'static str>,
    bounced: Option<&'static str>,
    /// Further columns only this export has, to recognise it.
    marks: &'static [&'static str],
}

impl Preset {
    pub fn fields(&self) -> FieldMap {
        FieldMap {
            email: self.email.into(),
            language: self.language.into(),
            country: self.country.into(),
            owned_products: self.owned_products.into(),
            status: self.status.into(),
            opted_out: self.opted_out.map(Into::into),
            bounced: self.bounced.map(Into::into),
        }
    }

    /// How well `headers` match this export's columns: 2 for a column written exactly
    /// so, 1 for one that differs in case; 0 without the email column.
    fn score(&self, headers: &[String]) -> usize {
        let has = |name: &str| {
            headers
                .iter()
                .map(|h| match h.trim() {
                    h if h == name => 2,
                    h if h.eq_ignore_ascii_case(name) => 1,
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        };
        let email = has(self.email);
        if email == 0 {
            return 0;
        }
        let columns = [
            self.language,
            self.country,
            self.owned_products,
            self.status,
        ]
        .into_iter()
        .chain(self.opted_out)
        .chain(self.bounced)
        .chain(self.marks.iter().copied());
        email + columns.map(has).sum::<usize>()
    }
}

/// The presets, by `--preset` name.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "campaign-lint",
        title: "campaign-lint's own field names",
        email: "email",
        language: "language",
        country: "country",
        owned_products: "owned_products",
        status: "status",
        opted_out: None,
        bounced: None,
        marks: &[],
    },
    Preset {
        name: "mailchimp",
        title: "Mailchimp audience export",
        email: "Email Address",
        language: "Language",
        country: "CC",
        owned_products: "Products",
        status: "Status",
        opted_out: Some("UNSUB_TIME"),
        bounced: Some("CLEAN_TIME"),
        marks: &[
            "First Name",
            "MEMBER_RATING",
            "OPTIN_TIME",
            "CONFIRM_TIME",
            "LEID",
            "EUID",
            "TAGS",
        ],
    },
    Preset {
        name: "hubspot",
        title: "HubSpot contacts export",
        email: "Email",
        language: "Preferred language",
        country: "Country/Region",
        owned_products: "Products",
        status: "Marketing contact status",
        opted_out: Some("Unsubscribed from all email"),
        bounced: None,
        marks: &[
            "Record ID",
            "Contact owner",
            "Lifecycle Stage",
            "Lead Status",
            "Create Date",
        ],
    },
    Preset {
        name: "hubspot-internal",
        title: "HubSpot contacts export (internal property names)",
        email: "email",
        language: "hs_language",
        country: "country",
        owned_products: "products",
        status: "hs_marketable_status",
        opted_out: Some("hs_email_optout"),
        bounced: None,
        marks: &[
            "hs_object_id",
            "lifecyclestage",
            "hubspot_owner_id",
            "createdate",
        ],
    },
    Preset {
        name: "shopify",
        title: "Shopify customers export",
        email: "Email",
        language: "Language",
        country: "Default Address Country Code",
        owned_products: "Products",
        status: "Accepts Email Marketing",
        opted_out: None,
        bounced: None,
        marks: &[
            "Customer ID",
            "Accepts SMS Marketing",
            "Total Spent",
            "Total Orders",
            "Tax Exempt",
            "Tags",
        ],
    },
    Preset {
        name: "salesforce",
        title: "Salesforce Marketing Cloud subscribers export",
        email: "EmailAddress",
        language: "Locale",
        country: "Country",
        owned_products: "Products",
        status: "Status",
        opted_out: None,
        bounced: None,
        marks: &[
            "SubscriberKey",
            "Subscriber Key",
            "DateJoined",
            "DateUnsubscribed",
            "EmailTypePreference",
        ],
    },
    Preset {
        name: "klaviyo",
        title: "Klaviyo profiles export",
        email: "Email",
        language: "Locale",
        country: "Country",
        owned_products: "Products",
        status: "Email Marketing Consent",
        opted_out: None,
        bounced: None,
        marks: &[
            "Klaviyo ID",
            "Phone Number",
            "State / Region",
            "Zip Code",
            "Source",
            "Last Active",
            "Profile Created On",
        ],
    },
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The preset whose columns `headers` matches best, if any has its email column.
pub fn detect(headers: &[String]) -> Option<&'static Preset> {
    // On a tie the earlier preset wins: campaign-lint's own names come first.
    PRESETS
        .iter()
        .map(|p| (p.score(headers), p))
        .filter(|(score, _)| *score > 0)
        .fold(
            None,
            |best: Option<(usize, &'static Preset)>, (score, p)| match best {
                Some((b, _)) if b >= score => best,
                _ => Some((score, p)),
            },
        )
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn recognises_real_header_rows() {
        let mailchimp = "Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS";
        assert_eq!(
            detect(&headers(mailchimp)).map(|p| p.name),
            Some("mailchimp")
        );
        let unsubscribed = format!(
            "{mailchimp},UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER"
        );
        assert_eq!(
            detect(&headers(&unsubscribed)).map(|p| p.name),
            Some("mailchimp")
        );
        let hubspot = "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Lead Status,Marketing contact status,Create Date,Last Activity Date,Preferred language,Country/Region,Unsubscribed from all email";
        assert_eq!(detect(&headers(hubspot)).map(|p| p.name), Some("hubspot"));
        let shopify = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags";
        assert_eq!(detect(&headers(shopify)).map(|p| p.name), Some("shopify"));
        let sfmc = "SubscriberKey,EmailAddress,Status,DateJoined,DateUnsubscribed,EmailTypePreference,Locale";
        assert_eq!(detect(&headers(sfmc)).map(|p| p.name), Some("salesforce"));
        let klaviyo = "Email,First Name,Last Name,Phone Number,Address,City,State / Region,Country,Zip Code,Source,Email Marketing Consent,Locale,Klaviyo ID,Profile Created On,Last Active";
        assert_eq!(detect(&headers(klaviyo)).map(|p| p.name), Some("klaviyo"));
        let ours = "email,language,country,owned_products,status";
        assert_eq!(
            detect(&headers(ours)).map(|p| p.name),
            Some("campaign-lint")
        );
        assert!(detect(&headers("name,phone")).is_none());
    }

    #[test]
    fn preset_status_columns() {
        use crate::profiles::{Status, from_fields};
        use serde_json::Value;
        let row = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
                .collect()
        };
        let hubspot = find("hubspot").unwrap().fields();
        let p = from_fields(
            row(&[
                ("Email", "a@example.com"),
                ("Unsubscribed from all email", "true"),
            ]),
            &hubspot,
        )
        .unwrap();
        assert_eq!(p.status.unwrap().1, Status::Unsubscribed);
        let p = from_fields(
            row(&[
                ("Email", "a@example.com"),
                ("Unsubscribed from all email", "false"),
                ("Preferred language", "German"),
            ]),
            &hubspot,
        )
        .unwrap();
        assert!(p.status.is_none());
        assert_eq!(p.languages[0].raw, "German");
        let shopify = find("shopify").unwrap().fields();
        let p = from_fields(
            row(&[
                ("Email", "a@example.com"),
                ("Accepts Email Marketing", "no"),
            ]),
            &shopify,
        )
        .unwrap();
        assert_eq!(p.status.unwrap().1, Status::Unsubscribed);
        let mailchimp = find("mailchimp").unwrap().fields();
        let p = from_fields(
            row(&[
                ("Email Address", "a@example.com"),
                ("CLEAN_TIME", "2024-05-01 10:00:00"),
            ]),
            &mailchimp,
        )
        .unwrap();
        assert_eq!(p.status.unwrap().1, Status::Cleaned);
    }
}
