//! `ledger mirror`: follows a primary into a mirror directory and serves its public
//! read API and transparency log while it follows.
//!
//! A follower thread polls the primary (`follow.rs`), reports the lag to the API
//! (`/healthz`) and to stderr, and stops for good at a fork, after writing the
//! evidence; the server keeps answering reads of what was verified, and writes get a
//! 421 naming the primary. It must never decide a command, and never import anything
//! the store's importer did not check against a checkpoint signed with the given key.

use std::sync::Arc;
use std::time::Duration;

use ledger_api::mirror::FollowStatus;
use ledger_api::{AppState, OpeningModel};
use ledger_store::{Ledger, LedgerOptions};

use super::follow::{write_evidence, FollowArgs, Poll, Primary};
use super::serve::{cannot_build, serve, Listen};
use crate::failure;
use crate::progress::rebuild_bar;

/// Arguments of `ledger mirror`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    follow: FollowArgs,
    #[command(flatten)]
    listen: Listen,
    /// Milliseconds between two polls of the primary.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    interval_ms: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let primary = args.follow.primary()?;
    let data = &args.follow.dir.data;
    Ledger::init_mirror(data, &primary.verifier_key(), &primary.url).map_err(failure::store)?;
    let mut opening = OpeningModel::new(data);
    let ledger = Ledger::open_mirror(data, LedgerOptions::default(), |s, e| opening.apply(s, e))
        .map_err(failure::store)?;
    let live = opening
        .finish(&ledger, rebuild_bar())
        .map_err(cannot_build)?;
    let status = Arc::new(FollowStatus::default());
    let state = AppState::with_live(ledger.clone(), live)
        .map_err(cannot_build)?
        .with_follow(Arc::clone(&status));
    let evidence = args.follow.evidence_path();
    let interval = Duration::from_millis(args.interval_ms);
    std::thread::Builder::new()
        .name("mirror-follower".into())
        .spawn(move || follow(&primary, &ledger, &status, &evidence, interval))
        .map_err(|e| anyhow::anyhow!("cannot start the follower: {e}"))?;
    serve(state, &args.listen, false, |_| {})
}

/// Polls until a fork; every change of the head or of the lag is logged on stderr.
fn follow(
    primary: &Primary,
    ledger: &Ledger,
    status: &FollowStatus,
    evidence: &std::path::Path,
    interval: Duration,
) {
    let mut failing = false;
    loop {
        match primary.poll(ledger) {
            Ok(Poll::Synced {
                began,
                primary_size,
                imported,
                caught_up,
            }) => {
                status.polled(began, primary_size, caught_up);
                if imported > 0 || failing {
                    eprintln!(
                        "mirror: verified {} checkpoint of size {primary_size}; holding {} \
                         records ({} behind)",
                        primary.url,
                        ledger.head().length,
                        primary_size.saturating_sub(ledger.head().length)
                    );
                }
                failing = false;
            }
            Ok(Poll::Fork(fork)) => {
                let written = write_evidence(evidence, &fork);
                let reason = match &written {
                    Ok(()) => format!(
                        "{} served a checkpoint that does not extend the verified one; \
                         evidence in {} (`ledger-audit check-fork` confirms it)",
                        primary.url,
                        evidence.display()
                    ),
                    Err(e) => format!(
                        "{} served a checkpoint that does not extend the verified one; the \
                         evidence could not be written: {e:#}",
                        primary.url
                    ),
                };
                eprintln!("mirror: FORK: {reason}; stopped following, serving what was verified");
                status.stopped(&reason);
                return;
            }
            Err(e) => {
                let line = format!("{e:#}").replace(['\n', '\r'], " ");
                eprintln!("mirror: poll of {} failed: {line}", primary.url);
                status.failed(&line);
                failing = true;
            }
        }
        std::thread::sleep(interval);
    }
}
