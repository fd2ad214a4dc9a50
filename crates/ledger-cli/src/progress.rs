//! The progress bar `ledger serve` shows on stderr while it rebuilds the read model from
//! a long log (the API reports each folded record; drawing is the shell's business).
//!
//! It must never draw when stderr is not a terminal (scripts, tests, logs) or for a
//! rebuild too short to be worth watching, and never write anywhere but stderr.

use std::io::IsTerminal;

/// Rebuilds of fewer records than this finish before a bar would help.
const SHOWN_FROM: u64 = 10_000;

/// A progress callback for `LiveModel::load_reporting` and `OpeningModel::finish`:
/// told (records folded, records to fold) after each record, it draws a bar on a
/// terminal for a long rebuild and clears it when the last record is folded.
pub fn rebuild_bar() -> impl FnMut(u64, u64) {
    let mut bar: Option<indicatif::ProgressBar> = None;
    move |folded, missing| {
        if folded == 1 && missing > SHOWN_FROM && std::io::stderr().is_terminal() {
            let new = indicatif::ProgressBar::new(missing);
            new.set_style(
                indicatif::ProgressStyle::with_template(
                    "rebuilding projections {bar:40} {pos}/{len} records ({per_sec})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar = Some(new);
        }
        if let Some(shown) = &bar {
            shown.set_position(folded);
            if folded >= missing {
                shown.finish_and_clear();
                bar = None;
            }
        }
    }
}
