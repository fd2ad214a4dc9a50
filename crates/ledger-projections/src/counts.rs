//! Counts per choice kept back while a round is open without live results.
//!
//! A round opened with `live_results: false` (the default) shows only its turnout while
//! it is open: how many libraries and inhabitants voted, of those eligible. Its choices
//! (the tally per choice, each library's choice, each ballot's choice, the digest of the
//! tally) are kept here, outside every view, and put into the views when the round
//! closes or is annulled. Every read built on the model (the API's routes, `?at=` reads
//! of the past, the CSV, the page, the infographic, the newsletter) therefore shows
//! only the turnout of such a round, without having to remember to hide anything.
//!
//! This is a presentation default, not ballot secrecy: every vote is a public record of
//! the log (`/v1/events`, `/v1/log/*`) from the moment it is cast. This module must
//! never drop a choice: what it keeps back it gives back, whole, at the close.

use std::collections::BTreeMap;

use ledger_core::{LibraryId, RoundId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::ReadModel;
use crate::wire::{ChoiceView, CountView, TallyView};

/// Whether a view shows counts per choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountsView {
    /// Counts per choice are shown (the round is over, or it shows live results).
    Shown,
    /// The round is open without live results: only the turnout is shown, counts per
    /// choice appear when it closes.
    AtClose,
}

/// The tally of a round as it may be shown: the turnout always, the counts per choice
/// only when [`CountsView::Shown`] (null otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LiveTallyView {
    /// The frozen electorate.
    pub eligible: CountView,
    /// Libraries that voted (their last vote).
    pub cast: CountView,
    /// Yes votes; null until the close for a round without live results.
    pub yes: Option<CountView>,
    /// No votes; null until the close for a round without live results.
    pub no: Option<CountView>,
    /// Abstentions; null until the close for a round without live results.
    pub abstain: Option<CountView>,
}

impl LiveTallyView {
    /// The whole tally, shown.
    pub fn shown(tally: TallyView) -> Self {
        Self {
            eligible: tally.eligible,
            cast: tally.cast,
            yes: Some(tally.yes),
            no: Some(tally.no),
            abstain: Some(tally.abstain),
        }
    }

    /// Only the turnout of `tally`.
    pub fn turnout(tally: TallyView) -> Self {
        Self {
            eligible: tally.eligible,
            cast: tally.cast,
            yes: None,
            no: None,
            abstain: None,
        }
    }

    /// The whole tally, if its counts per choice are shown.
    pub fn complete(&self) -> Option<TallyView> {
        Some(TallyView {
            eligible: self.eligible,
            cast: self.cast,
            yes: self.yes?,
            no: self.no?,
            abstain: self.abstain?,
        })
    }

    /// The tally with zeros for the counts per choice: only its turnout may be read.
    pub(crate) fn turnout_only(&self) -> TallyView {
        TallyView {
            eligible: self.eligible,
            cast: self.cast,
            ..TallyView::default()
        }
    }

    /// Which of the two this is.
    pub fn counts(&self) -> CountsView {
        if self.complete().is_some() {
            CountsView::Shown
        } else {
            CountsView::AtClose
        }
    }
}

/// What an open round without live results keeps back until it closes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WithheldCounts {
    /// The live tally of the last votes.
    pub(crate) tally: TallyView,
    /// Each voting library's last choice.
    pub(crate) choices: BTreeMap<LibraryId, ChoiceView>,
    /// Each library's ballots' choices, oldest first, beside `ReadModel::ballots`.
    pub(crate) ballots: BTreeMap<LibraryId, Vec<ChoiceView>>,
}

impl ReadModel {
    /// Puts what `round` kept back into its views, once it is no longer open.
    pub(crate) fn reveal_counts(&mut self, round: &RoundId) {
        let Some(withheld) = self.withheld.remove(round) else {
            return;
        };
        if let Some(view) = self.rounds.get_mut(round) {
            view.live = LiveTallyView::shown(withheld.tally);
            view.counts = CountsView::Shown;
            for (library, vote) in &mut view.votes {
                vote.choice = withheld.choices.get(library).copied();
            }
        }
        if let Some(by_library) = self.ballots.get_mut(round) {
            for (library, choices) in withheld.ballots {
                if let Some(ballots) = by_library.get_mut(&library) {
                    for (ballot, choice) in ballots.iter_mut().zip(choices) {
                        ballot.choice = Some(choice);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(libraries: u32, inhabitants: u64) -> CountView {
        CountView {
            libraries,
            inhabitants,
        }
    }

    #[test]
    fn the_turnout_keeps_eligible_and_cast_and_nothing_per_choice() {
        let tally = TallyView {
            eligible: count(3, 300),
            cast: count(2, 200),
            yes: count(1, 150),
            no: count(1, 50),
            abstain: count(0, 0),
        };
        let turnout = LiveTallyView::turnout(tally);
        assert_eq!(turnout.counts(), CountsView::AtClose);
        assert_eq!(turnout.complete(), None);
        assert_eq!(
            (turnout.eligible, turnout.cast),
            (count(3, 300), count(2, 200))
        );
        assert_eq!(turnout.turnout_only().yes, count(0, 0));
        let shown = LiveTallyView::shown(tally);
        assert_eq!(shown.counts(), CountsView::Shown);
        assert_eq!(shown.complete(), Some(tally));
    }
}
