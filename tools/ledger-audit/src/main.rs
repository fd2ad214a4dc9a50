//! `ledger-audit`: lets a transparency reader (a library, a journalist, an auditor) check
//! the governance ledger without trusting its server.
//!
//! - `verify --server URL | --tiles DIR --key VKEY [--remember FILE]` checks the signed
//!   checkpoint, rebuilds the Merkle tree from every entry, walks the BLAKE3 chain,
//!   recounts every vote round (and, with a server, compares its published results), and
//!   with `--remember` demands that the log extends the checkpoint seen last time.
//! - `prove --server URL | --tiles DIR --index I [--key VKEY] [--out FILE]` writes an
//!   inclusion receipt for one record.
//! - `check-proof FILE --key VKEY` verifies a receipt offline and shows the record.
//! - `check-fork FILE [--key VKEY]` confirms offline that a mirror's fork evidence proves
//!   the log showed two histories.
//!
//! The key is a C2SP verifier key `name+hexid+base64`; the ledger signs with a key named
//! after its origin, so the checkpoint's origin must equal the key name. This file only
//! parses arguments and prints: the checks live in their modules. It must never panic
//! on any input; every failure ends as one `error: ...` line and a non-zero exit.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

// The checks live in the library target (`src/lib.rs`) so the fuzz targets reach them
// too; importing the modules here keeps `crate::source::...` paths working.
use ledger_audit::{atomic_file, checkpoint, fork, proof_file, source, verify};

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::source::{DirectorySource, ServerSource, Source};

/// Check the governance ledger without trusting its server.
#[derive(Debug, Parser)]
#[command(name = "ledger-audit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify the checkpoint, every entry, the chain and every tally.
    Verify {
        #[command(flatten)]
        from: SourceArgs,
        /// The ledger's verifier key `name+hexid+base64`, or `@FILE`; the name is the
        /// log's origin.
        #[arg(long, value_name = "VKEY")]
        key: String,
        /// Keep the verified checkpoint here and demand consistency with it next time.
        #[arg(long, value_name = "FILE")]
        remember: Option<PathBuf>,
    },
    /// Write an inclusion receipt for the record at one position.
    Prove {
        #[command(flatten)]
        from: SourceArgs,
        /// The record's position.
        #[arg(long, value_name = "I")]
        index: u64,
        /// Also check the checkpoint's signature with this key (recommended).
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
        /// Where to write the receipt (standard output when absent).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify an inclusion receipt offline and show the record it proves.
    CheckProof {
        /// The proof file.
        file: PathBuf,
        /// The ledger's verifier key, or `@FILE`.
        #[arg(long, value_name = "VKEY")]
        key: String,
        /// The author's verifier key: also verify the signed statement of a signed act.
        #[arg(long, value_name = "VKEY")]
        author_key: Option<String>,
    },
    /// Confirm offline that a mirror's fork evidence file proves two histories.
    CheckFork {
        /// The fork evidence file a mirror wrote.
        file: PathBuf,
        /// The ledger's verifier key, or `@FILE` (default: the key the file names, which
        /// proves only that the file is consistent; give your own to prove the fork).
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
    },
}

/// Where the log is read from: exactly one of a server or a tiles directory.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct SourceArgs {
    /// The ledger server's base URL, e.g. `https://bibliotheken.example`.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// A C2SP tlog-tiles directory (`checkpoint`, `tile/...`).
    #[arg(long, value_name = "DIR")]
    tiles: Option<PathBuf>,
}

impl SourceArgs {
    fn open(&self) -> Box<dyn Source> {
        match (&self.server, &self.tiles) {
            (Some(url), _) => Box::new(ServerSource::new(url)),
            (None, Some(dir)) => Box::new(DirectorySource::new(dir.clone())),
            // clap's group makes one of the two required; an empty directory path is
            // the harmless answer if that ever changed.
            (None, None) => Box::new(DirectorySource::new(PathBuf::new())),
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Verify {
            from,
            key,
            remember,
        } => {
            let key = checkpoint::load_key(&key)?;
            let source = from.open();
            let report = verify::verify(source.as_ref(), &key, remember.as_deref())?;
            print!("{report}");
        }
        Command::Prove {
            from,
            index,
            key,
            out,
        } => {
            let key = key.as_deref().map(checkpoint::load_key).transpose()?;
            let source = from.open();
            let proof = proof_file::prove(source.as_ref(), index, key.as_ref())?;
            let mut text =
                serde_json::to_string_pretty(&proof).context("encoding the proof file")?;
            text.push('\n');
            match out {
                Some(path) => {
                    atomic_file::write(&path, &text)?;
                    let checked = if key.is_some() {
                        "checkpoint signature and inclusion path verified"
                    } else {
                        "inclusion path verified; checkpoint signature not checked (no --key)"
                    };
                    println!(
                        "wrote the receipt of record {index} in size {} to {} ({checked})",
                        proof.size,
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
        }
        Command::CheckProof {
            file,
            key,
            author_key,
        } => {
            let key = checkpoint::load_key(&key)?;
            let text = proof_file::read(&file)?;
            let checked = proof_file::check(&text, &key, author_key.as_deref())?;
            print!("{checked}");
        }
        Command::CheckFork { file, key } => {
            let evidence = fork::read(&file)?;
            let given = key.is_some();
            let key = checkpoint::load_key(key.as_deref().unwrap_or(&evidence.verifier_key))?;
            let checked = fork::check(&evidence, &key)?;
            print!("{checked}");
            if !given {
                println!(
                    "  (checked with the key the file names, {}; pass --key with the key you \
                     trust)",
                    evidence.verifier_key
                );
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` joins the context chain with ": "; any newline inside a message is
            // flattened so the error stays one line.
            let line = format!("{e:#}").replace(['\n', '\r'], " ");
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}
