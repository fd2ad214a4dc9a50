//! Which remarks the page and a newsletter quote: a short, fair and reproducible
//! selection, and the sentence that introduces it.
//!
//! Only remarks that still stand (the library did not vote again afterwards) and were
//! made inside the newsletter's range qualify. They are taken in turn from yes, no and
//! abstain votes, each in log order, so a minority view is quoted even when most
//! remarks come with the majority (while a round keeps its choices back until the
//! close, its remarks form a fourth queue, quoted without a choice); the selection is then shown in log order. This
//! module must never pick by anything but the log (no randomness, no clock).

use std::collections::VecDeque;

use ledger_core::{LibraryId, Timestamp};
use ledger_projections::{ChoiceView, RoundView};

use crate::lang::Lang;
use crate::svg::libraries_word;

/// How many remarks a newsletter quotes per round.
pub const REMARKS_PER_ROUND: usize = 6;

/// A remark chosen for quoting, with the choice it came with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedRemark {
    /// The library that wrote it.
    pub library: LibraryId,
    /// The vote it came with (the library's vote that counts); `None` while the round
    /// keeps its choices back until the close.
    pub choice: Option<ChoiceView>,
    /// The remark.
    pub text: String,
    /// The record of the vote that carried it.
    pub position: u64,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// The sentence before the quoted remarks: how many libraries added one, and how the
/// selection was made ("67 bibliotheken gaven een opmerking bij hun stem. Een selectie,
/// afwisselend uit ja-, nee- en onthoudingsstemmen:").
pub(crate) fn remarks_intro(standing: usize, lang: Lang) -> String {
    let n = u32::try_from(standing).unwrap_or(u32::MAX);
    let who = libraries_word(n, lang);
    match (lang, n) {
        (Lang::Nl, 1) => format!("{who} gaf een opmerking bij haar stem:"),
        (Lang::Nl, _) => format!(
            "{who} gaven een opmerking bij hun stem. Een selectie, afwisselend uit ja-, nee- en onthoudingsstemmen:"
        ),
        (Lang::En, 1) => format!("{who} added a remark to its vote:"),
        (Lang::En, _) => format!(
            "{who} added a remark to their vote. A selection, alternating between yes, no and abstain votes:"
        ),
    }
}

/// Up to `max` standing remarks of `round` recorded in positions `[from, to)`, taken in
/// turn from yes, no and abstain votes, returned in log order.
pub fn select_remarks(round: &RoundView, from: u64, to: u64, max: usize) -> Vec<SelectedRemark> {
    let mut by_choice: [VecDeque<SelectedRemark>; 4] = Default::default();
    for remark in round
        .remarks
        .iter()
        .filter(|r| !r.superseded && (from..to).contains(&r.position))
    {
        let Some(vote) = round.votes.get(&remark.library) else {
            continue;
        };
        let slot = match vote.choice {
            Some(ChoiceView::Yes) => 0,
            Some(ChoiceView::No) => 1,
            Some(ChoiceView::Abstain) => 2,
            None => 3,
        };
        by_choice[slot].push_back(SelectedRemark {
            library: remark.library.clone(),
            choice: vote.choice,
            text: remark.text.to_string(),
            position: remark.position,
            recorded_at: remark.recorded_at,
        });
    }
    let mut chosen = Vec::new();
    while chosen.len() < max && by_choice.iter().any(|q| !q.is_empty()) {
        for queue in by_choice.iter_mut() {
            if chosen.len() >= max {
                break;
            }
            if let Some(remark) = queue.pop_front() {
                chosen.push(remark);
            }
        }
    }
    chosen.sort_by_key(|r| r.position);
    chosen
}
