//! campaign-lint reads a drafted email campaign (an `.eml` message or an HTML/text
//! template) and the profile of the person it goes to, and reports, before anything is
//! sent, what will go wrong for them: a campaign in a language they do not read, an offer
//! for a product they already own, a missing or hidden opt-out, a recipient who
//! unsubscribed.
//!
//! The data flows in one direction, and the modules follow it:
//!
//! - [`campaign`]: the file into sources, headers and text parts (MIME, HTML to text);
//! - [`facts`]: analysis once per campaign (language, product mentions, opt-out links);
//! - [`profiles`] and [`catalog`]: the recipients and the brand's products;
//! - [`rules`]: checks declared as data in `rules/*.toml`, implemented by rule kinds;
//! - [`report`]: findings shown for people (miette) or machines (JSON).

pub mod audience;
pub mod baseline;
pub mod campaign;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod facts;
pub mod fix;
pub mod hook;
pub mod limits;
pub mod output;
pub mod profiles;
pub mod proof;
pub mod render;
pub mod report;
pub mod rules;
pub mod server;
pub mod sql;
pub mod suppress;
#[cfg(test)]
mod testing;
pub mod variants;

pub use error::{Error, Result};
