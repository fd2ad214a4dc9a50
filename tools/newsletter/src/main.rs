//! `ledger-newsletter`: writes the libraries' newsletter from the ledger's public read
//! API, and can record it as issued.
//!
//! It reads only over HTTP (never the database): the checkpoint fixes the end of the
//! range, the raw log tells where the last issue stopped, the digest says what changed,
//! and the proposals, rounds and library names are read as of the range's end. The
//! issue is rendered by `ledger-report` in Dutch (default) or English, as Markdown or
//! HTML (for mail: inline styles, the infographic as a PNG by URL), with the editor's
//! `--title` and `--intro FILE` when given; the same range and frame give the same bytes. `--publish` records `issue_newsletter`
//! through the write API with an Idempotency-Key derived from the range, so a retry
//! never publishes twice. `--round ID` writes that round's infographic (SVG) instead.
//!
//! Every failure ends as one `error: ...` line; exit status 1 when the server fails or
//! refuses, 2 for bad input (an unknown round, an invalid `--since`, language or format).
//! This file must never panic on any input.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod client;
mod issue;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use ledger_projections::RoundResult;
use ledger_report::{render_newsletter, result_svg, Format, Lang, NewsletterInput};
use serde_json::json;

use crate::client::{one_line, Api};
use crate::issue::{HttpSource, Since};

/// Bad input from the user (exit status 2), as opposed to a failing server (1).
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Write the libraries' newsletter from the ledger's read API.
#[derive(Debug, Parser)]
#[command(
    name = "ledger-newsletter",
    version,
    after_help = "Exit status: 0 when written (and published); 1 when the server fails or refuses; 2 for bad input (an unknown round, an invalid --since, language or format, an unreadable --intro file)."
)]
struct Cli {
    /// The ledger's read API, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "LEDGER_SERVER", value_name = "URL")]
    server: String,
    /// Cover the log from this position (default: since the last issue).
    #[arg(
        long,
        value_name = "POSITION",
        conflicts_with = "since_last",
        allow_hyphen_values = true
    )]
    since: Option<String>,
    /// Cover the log since the last issued newsletter (the default).
    #[arg(long)]
    since_last: bool,
    /// The language: nl (Dutch, the default) or en.
    #[arg(long, default_value = "nl", value_name = "nl|en")]
    lang: String,
    /// The format: md (Markdown, the default) or html.
    #[arg(long, default_value = "md", value_name = "md|html")]
    format: String,
    /// Where to write (standard output when absent).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The public address readers use for links (default: --server).
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,
    /// The issue's title (default: "Nieuwsbrief Digitale Bibliotheek nr. N").
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// A file with the editor's introduction (plain text, paragraphs separated by blank
    /// lines), instead of the default opening sentence.
    #[arg(long, value_name = "FILE")]
    intro: Option<PathBuf>,
    /// Write this round's results infographic (SVG) instead of an issue.
    #[arg(long, value_name = "ROUND", conflicts_with_all = ["publish", "since", "since_last"])]
    round: Option<String>,
    /// After writing, record the issue as issued (needs a secretariat token).
    #[arg(long, requires = "token")]
    publish: bool,
    /// The bearer token for --publish.
    #[arg(
        long,
        env = "LEDGER_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_line(&format!("{error:#}")));
            if error.downcast_ref::<InputError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn input_error(message: String) -> anyhow::Error {
    InputError(message).into()
}

fn run(cli: Cli) -> Result<()> {
    let lang = Lang::parse(&cli.lang).map_err(|e| input_error(e.to_string()))?;
    let format = Format::parse(&cli.format).map_err(|e| input_error(e.to_string()))?;
    let since = match &cli.since {
        None => Since::LastIssue,
        Some(text) => Since::Position(text.trim().parse::<u64>().map_err(|_| {
            input_error(format!(
                "invalid --since {:?}: give a log position (0, 1, 2, ...)",
                one_line(text)
            ))
        })?),
    };
    let api = Api::new(&cli.server);
    if let Some(round) = &cli.round {
        return infographic(&api, round, lang, cli.out.as_deref());
    }
    let intro = match &cli.intro {
        None => None,
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| input_error(format!("cannot read --intro {}: {e}", path.display())))?,
        ),
    };
    let range = issue::plan(&api, since)?;
    let mut input = NewsletterInput::new(lang, range.issue, issue::digest(&api, &range)?);
    input.gather(&mut HttpSource {
        api: &api,
        at: range.to,
        names: &range.actor_names,
    })?;
    input.period = issue::period(&api, &range)?;
    input.checkpoint = range.checkpoint.clone();
    input.title = cli.title.clone();
    input.intro = intro;
    input.link_base = Some(
        cli.link_base
            .clone()
            .unwrap_or_else(|| api.base().to_owned()),
    );
    write_out(cli.out.as_deref(), &render_newsletter(&input, format))?;
    if cli.publish {
        let token = cli.token.as_deref().unwrap_or_default();
        let title = cli.title.clone().unwrap_or_else(|| range.issue.title(lang));
        publish(&api, token, &range, &title)?;
    }
    Ok(())
}

/// `--round`: the infographic of one round.
fn infographic(api: &Api, round: &str, lang: Lang, out: Option<&Path>) -> Result<()> {
    ledger_core::ids::check_id("round", round)
        .map_err(|_| input_error(format!("{:?} is not a round id", one_line(round))))?;
    let result: RoundResult = api
        .get_json(&format!("/v1/rounds/{round}/result"))?
        .ok_or_else(|| {
            input_error(format!(
                "round {round} is not in the ledger at {}",
                api.base()
            ))
        })?;
    write_out(out, &result_svg(&result, lang))
}

/// Records the issue through the write API; the key is derived from the range, so a
/// retry gets the first receipt instead of a second issue.
fn publish(api: &Api, token: &str, range: &issue::Range, title: &str) -> Result<()> {
    let key = format!("newsletter-{}-{}", range.from, range.to);
    let command = json!({
        "type": "issue_newsletter",
        "newsletter": range.issue.id(),
        "title": title,
        "covers_from": range.from,
        "covers_to": range.to,
    });
    let receipt = api
        .post_command(token, &key, &command)
        .with_context(|| format!("publishing {} failed", range.issue.id()))?;
    let position = receipt
        .get("positions")
        .and_then(|p| p.get(0))
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| anyhow!("the receipt names no position"))?;
    let replayed = receipt
        .get("replayed")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    eprintln!(
        "{} {} (records {} to {}) at position {position}{}",
        if replayed {
            "already published"
        } else {
            "published"
        },
        range.issue.id(),
        range.from,
        range.to,
        if replayed { "; nothing appended" } else { "" }
    );
    Ok(())
}

/// Writes `text` to `out` (through a temporary file, so a reader never sees half an
/// issue) or to standard output.
fn write_out(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => {
            let mut temp = path.as_os_str().to_owned();
            temp.push(".tmp");
            let temp = PathBuf::from(temp);
            std::fs::write(&temp, text)
                .and_then(|()| std::fs::rename(&temp, path))
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to standard output"),
    }
}
