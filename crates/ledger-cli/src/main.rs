//! `ledger`: the command line of the governance ledger.
//!
//! This file only parses the command line and dispatches to one module per command
//! family under `commands/`; the exit status comes from the error's [`Failure`] class.
//! It must never hold command logic itself, and never let a panic or a multi-line error
//! reach the user for bad input.

mod commands;
mod failure;
mod progress;
mod render;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::failure::Failure;

/// mimalloc instead of glibc's malloc: a replay allocates and frees millions of small
/// strings, and the store's threads free what others allocated; measured in BENCHMARKS.md
/// (open of a million records 6.9 s to 5.6 s, projection rebuild 6.5 s to 4.7 s).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  the ledger refused the command (rejection, version conflict, or a command id the
     actor already used for another command); nothing was written.
     Through a server also: HTTP 401 (no valid token), 403 (role), 409, 422, 429
  2  usage or input error (bad arguments, unreadable or invalid input file, a directory
     that is not a ledger or already holds one, a record over 64 KiB; HTTP 400, 404, 408,
     413); nothing was written
  3  fault: the ledger is locked by another process, or an I/O or storage error (through
     a server: HTTP 5xx or no answer; repeat with the printed --idempotency-key)
  4  damage: the chain or an index does not verify (the first bad position is named)";

/// The governance ledger: an append-only, hash-chained log of the libraries' decisions.
#[derive(Debug, Parser)]
#[command(name = "ledger", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new ledger directory and record its initialisation.
    #[command(after_help = EXIT_CODES)]
    Init(commands::init::Args),
    /// Submit one command envelope (JSON) and print the records it appended.
    #[command(after_help = EXIT_CODES)]
    Submit(commands::submit::Args),
    /// Print the log, one line (or one JSON object) per record.
    #[command(after_help = EXIT_CODES)]
    Log(commands::log::Args),
    /// Check the whole chain and every index; print the head.
    #[command(after_help = EXIT_CODES)]
    Verify(commands::verify::Args),
    /// Write every record as JSON Lines: position, hash, stored bytes, decoded fields.
    #[command(after_help = EXIT_CODES)]
    Export(commands::export::Args),
    /// Write the transparency log as static C2SP tlog-tiles files (checkpoint, key, tiles).
    #[command(after_help = EXIT_CODES)]
    ExportTiles(commands::export_tiles::Args),
    /// Follow a primary into a verified mirror and serve its public reads and log.
    #[command(after_help = EXIT_CODES)]
    Mirror(commands::mirror::Args),
    /// Copy a running primary's log (through its API or a mirror's) into a verified
    /// mirror directory; run again to update it.
    #[command(after_help = EXIT_CODES)]
    Backup(commands::backup::Args),
    /// Build a primary from a mirror (directory or URL) and the log's signing key backup.
    #[command(after_help = EXIT_CODES)]
    Restore(commands::restore::Args),
    /// Serve the HTTP API (public reads, authenticated writes) on the ledger.
    #[command(after_help = EXIT_CODES)]
    Serve(commands::serve::Args),
    /// Build a fresh demo ledger with the May 2023 decision cycle and serve it.
    #[command(after_help = EXIT_CODES)]
    Demo(commands::demo::Args),
    /// The registry of libraries: import or update from CSV, list.
    #[command(after_help = EXIT_CODES)]
    Libraries(commands::libraries::Args),
    /// Issue, revoke and list the bearer tokens that may write through `ledger serve`.
    #[command(after_help = EXIT_CODES)]
    Token(commands::token::Args),
    /// Grant or revoke an actor's role (secretariat) through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Role(commands::role::Args),
    /// File, amend or withdraw a proposal through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Proposal(commands::proposal::Args),
    /// Open, change the window of, close or annul a vote round through a running server.
    #[command(after_help = EXIT_CODES)]
    Round(commands::round::Args),
    /// An author's own signing key: make one, register it through the log, revoke it.
    #[command(subcommand, after_help = EXIT_CODES)]
    Key(commands::key::Args),
    /// Cast (or change) a library's vote through a running server.
    #[command(after_help = EXIT_CODES)]
    Vote(commands::vote::Args),
    /// Sign a closed round's tally digest (steering-group member) through a running server.
    #[command(after_help = EXIT_CODES)]
    Certify(commands::certify::Args),
    /// Withdraw a round's certification (steering group), with a reason, through a server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Certification(commands::certification::Args),
    /// Record the advice sent to the government on a certified round, or correct it,
    /// through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Advice(commands::advice::Args),
    /// Record or amend the government's decision, hashing its document, through a server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Decision(commands::decision::Args),
    /// Print a document's BLAKE3, as a government decision records it.
    #[command(after_help = EXIT_CODES)]
    Hash(commands::hash::Args),
    /// File a project sheet through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Sheet(commands::sheet::Args),
    /// Set the weighted criteria for scoring project sheets through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Criteria(commands::criteria::Args),
    /// Send a member's scores of project sheets from a CSV through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Scores(commands::scores::Args),
    /// Decide the priority order of project sheets through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Priorities(commands::priorities::Args),
    /// Record a published newsletter issue through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Newsletter(commands::newsletter::Args),
    /// Give an actor (steering member, secretariat) a display name through a running server.
    #[command(subcommand, after_help = EXIT_CODES)]
    Actor(commands::actor::Args),
    /// Link a document (address and BLAKE3 of the file) to a proposal or a sheet.
    #[command(subcommand, after_help = EXIT_CODES)]
    Document(commands::document::Args),
    /// List every command the ledger accepts: fields, types, limits, who may issue it, an
    /// example.
    #[command(after_help = EXIT_CODES)]
    Commands(commands::catalogue::Args),
}

fn main() -> ExitCode {
    let long_help = format!("{}\n{EXIT_CODES}", commands::catalogue::help_text());
    let matches = Cli::command().after_long_help(long_help).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let outcome = match cli.command {
        Command::Init(args) => commands::init::run(args),
        Command::Submit(args) => commands::submit::run(args),
        Command::Log(args) => commands::log::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::ExportTiles(args) => commands::export_tiles::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Mirror(args) => commands::mirror::run(args),
        Command::Backup(args) => commands::backup::run(args),
        Command::Restore(args) => commands::restore::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Libraries(args) => commands::libraries::run(args),
        Command::Token(args) => commands::token::run(args),
        Command::Role(args) => commands::role::run(args),
        Command::Proposal(args) => commands::proposal::run(args),
        Command::Round(args) => commands::round::run(args),
        Command::Key(args) => commands::key::run(args),
        Command::Vote(args) => commands::vote::run(args),
        Command::Certify(args) => commands::certify::run(args),
        Command::Advice(args) => commands::advice::run(args),
        Command::Decision(args) => commands::decision::run(args),
        Command::Hash(args) => commands::hash::run(args),
        Command::Sheet(args) => commands::sheet::run(args),
        Command::Criteria(args) => commands::criteria::run(args),
        Command::Scores(args) => commands::scores::run(args),
        Command::Priorities(args) => commands::priorities::run(args),
        Command::Newsletter(args) => commands::newsletter::run(args),
        Command::Certification(args) => commands::certification::run(args),
        Command::Actor(args) => commands::actor::run(args),
        Command::Document(args) => commands::document::run(args),
        Command::Commands(args) => commands::catalogue::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`ledger log | head`) is not a failure.
        Err(error)
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            let failure = Failure::classify(&error);
            eprintln!("ledger: {}", failure.one_line());
            ExitCode::from(failure.code)
        }
    }
}
