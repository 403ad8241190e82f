//! Sending proofs through lettre's SMTP transport, over rustls. The URL says how:
//! `smtp://` requires STARTTLS (lettre stops before AUTH when the server does not offer
//! it), `smtps://` is TLS from the first byte, and `smtp+insecure://` sends in the clear,
//! to a loopback address only. Certificates are always verified, against the system's
//! roots and `[proof] ca-file` / `--smtp-ca`. The password comes from the environment
//! only, never from the command line or the config.
//!
//! Each proof is its own SMTP transaction, so that the server's reply is known per
//! recipient and a rejected seed does not hide the others.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport};

use super::Proof;
use crate::error::{Error, Result};

/// The environment variable the SMTP password is read from.
pub const PASSWORD_VAR: &str = "CAMPAIGN_LINT_SMTP_PASSWORD";

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: STARTTLS, required.
    StartTls,
    /// `smtps://`: implicit TLS.
    Tls,
    /// `smtp+insecure://`: no TLS, loopback only.
    Insecure,
}

/// An SMTP server as the URL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
}

impl Server {
    /// Reads `smtp://[user@]host[:port]`, `smtps://…` or `smtp+insecure://…`; `origin`
    /// names where the URL was given.
    pub fn parse(value: &str, origin: &str) -> Result<Server> {
        // The URL is not echoed: it may hold a password by mistake.
        let bad = |m: &str| Error::new(origin, m.to_owned());
        let url = url::Url::parse(value)
            .map_err(|e| bad(&format!("the SMTP URL cannot be read ({e})")))?;
        let (security, default_port) = match url.scheme() {
            "smtp" => (Security::StartTls, 587),
            "smtps" => (Security::Tls, 465),
            "smtp+insecure" => (Security::Insecure, 25),
            _ => {
                return Err(bad(
                    "the SMTP URL must start with smtp:// (STARTTLS), smtps:// (TLS) or smtp+insecure:// (loopback only)",
                ));
            }
        };
        if url.password().is_some() {
            return Err(Error::new(
                origin,
                format!("the SMTP URL holds a password: remove it, and set {PASSWORD_VAR} instead"),
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("the SMTP URL names no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if security == Security::Insecure && !is_loopback(&host) {
            return Err(Error::new(
                origin,
                format!(
                    "smtp+insecure:// sends in the clear and is allowed only to a loopback address (127.0.0.1, ::1, localhost), not {host}; use smtp:// or smtps://"
                ),
            ));
        }
        let user = (!url.username().is_empty()).then(|| {
            percent_encoding::percent_decode_str(url.username())
                .decode_utf8_lossy()
                .into_owned()
        });
        Ok(Server {
            security,
            port: url.port().unwrap_or(default_port),
            host,
            user,
        })
    }

    /// The URL for messages, without the user.
    pub fn display(&self) -> String {
        let scheme = match self.security {
            Security::StartTls => "smtp",
            Security::Tls => "smtps",
            Security::Insecure => "smtp+insecure",
        };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The transport for `server`: its TLS (trusting `ca_file` too), AUTH with the URL's
/// user and `password`, and `timeout` for every step.
pub fn transport(
    server: &Server,
    ca_file: Option<&Path>,
    password: Option<String>,
    timeout: Duration,
) -> Result<SmtpTransport> {
    let origin = server.display();
    let tls = match server.security {
        Security::Insecure => Tls::None,
        security => {
            let mut params = TlsParameters::builder(server.host.clone());
            if let Some(path) = ca_file {
                let shown = path.display().to_string();
                let pem = std::fs::read(path)
                    .map_err(|e| Error::new(&shown, format!("cannot read the CA file: {e}")))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| Error::new(&shown, format!("not a PEM certificate file: {e}")))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build_rustls()
                .map_err(|e| Error::new(&origin, format!("TLS setup failed: {e}")))?;
            if security == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };
    let mut builder = SmtpTransport::builder_dangerous(server.host.clone())
        .port(server.port)
        .tls(tls)
        .timeout(Some(timeout));
    if let Some(user) = &server.user {
        let Some(password) = password else {
            return Err(Error::new(
                &origin,
                format!("the SMTP URL names the user {user:?}: set its password in {PASSWORD_VAR}"),
            ));
        };
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// Connects, says hello, secures the connection and logs in, then quits: a server that
/// is down or refuses TLS or the login is one clear error before anything is sent.
pub fn probe(transport: &SmtpTransport, server: &Server) -> Result<()> {
    transport.test_connection().map(|_| ()).map_err(|e| {
        Error::new(
            server.display(),
            format!("{}; nothing was sent", describe(&e)),
        )
    })
}

/// What the server said to one proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Accepted(String),
    /// Refused: the SMTP code (when the server gave one) and the reason.
    Rejected(Option<u16>, String),
}

/// Sends one proof to its seed.
pub fn send(transport: &SmtpTransport, proof: &Proof) -> Reply {
    let from = proof.envelope_from.parse::<Address>().ok();
    let Ok(to) = proof.seed.parse::<Address>() else {
        return Reply::Rejected(None, "not an email address".to_owned());
    };
    let envelope = match Envelope::new(from, vec![to]) {
        Ok(envelope) => envelope,
        Err(e) => return Reply::Rejected(None, e.to_string()),
    };
    match transport.send_raw(&envelope, &proof.bytes) {
        Ok(response) => {
            let text = response.message().collect::<Vec<_>>().join(" ");
            Reply::Accepted(format!("{} {text}", response.code()).trim().to_owned())
        }
        Err(e) => Reply::Rejected(e.status().map(u16::from), describe(&e)),
    }
}

/// A lettre error with its causes, as one line.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_say_how_to_connect() {
        let s = Server::parse("smtp://proofs@mail.example.com", "--smtp").unwrap();
        assert_eq!(
            s,
            Server {
                security: Security::StartTls,
                host: "mail.example.com".into(),
                port: 587,
                user: Some("proofs".into())
            }
        );
        assert_eq!(
            Server::parse("smtps://mail.example.com", "x").unwrap().port,
            465
        );
        let local = Server::parse("smtp+insecure://127.0.0.1:8025", "x").unwrap();
        assert_eq!((local.security, local.port), (Security::Insecure, 8025));
        assert!(Server::parse("smtp+insecure://[::1]:25", "x").is_ok());
    }

    #[test]
    fn unsafe_urls_are_refused() {
        let e = Server::parse("smtp+insecure://mail.example.com", "--smtp").unwrap_err();
        assert!(e.message.contains("loopback"), "{e}");
        let e = Server::parse("smtp://u:secret@mail.example.com", "--smtp").unwrap_err();
        assert!(
            e.message.contains(PASSWORD_VAR) && !e.message.contains("secret"),
            "{e}"
        );
        assert!(Server::parse("http://mail.example.com", "--smtp").is_err());
    }
}
