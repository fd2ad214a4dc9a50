//! "Wat gebeurt er verder?": the steps that follow an adopted vote, in the order the
//! steering group takes them (confirm the result, send the advice through Cultuurconnect,
//! set criteria, write project sheets, the government's decision in its management
//! agreement, priorities), each done (with its date) or still to come.
//!
//! The page knows the whole read model; a newsletter knows only its range, so it tells
//! only what follows the latest step it reports. This module words the progress it is
//! given; it must never look anything up itself or guess a date.

use std::collections::BTreeMap;

use ledger_core::Timestamp;
use ledger_projections::{CriterionView, Step, TimelineStep};

use crate::doc::{log, text, Block};
use crate::lang::Lang;
use crate::number::percent;
use crate::time::brussels_date;

/// One step after a vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Confirmed,
    Advice,
    Criteria,
    Sheets,
    Decision,
    Priorities,
}

const STAGES: [Stage; 6] = [
    Stage::Confirmed,
    Stage::Advice,
    Stage::Criteria,
    Stage::Sheets,
    Stage::Decision,
    Stage::Priorities,
];

/// The steps taken (as far as the caller knows), each with its date when known.
#[derive(Clone, Debug, Default)]
pub(crate) struct Progress {
    taken: BTreeMap<Stage, Option<Timestamp>>,
}

impl Progress {
    /// The steps a proposal's timeline records: the confirmation, the advice and the
    /// government's decision, each with its date.
    pub(crate) fn from_timeline(timeline: &[TimelineStep]) -> Progress {
        let mut progress = Progress::default();
        for step in timeline {
            let stage = match step.step {
                Step::Certified => Stage::Confirmed,
                Step::AdviceSent => Stage::Advice,
                Step::GovernmentDecided => Stage::Decision,
                _ => continue,
            };
            progress.take(stage, Some(step.recorded_at));
        }
        progress
    }

    /// Notes `stage` as taken, at `at` when known (a later note keeps the first date).
    pub(crate) fn take(&mut self, stage: Stage, at: Option<Timestamp>) {
        let entry = self.taken.entry(stage).or_insert(at);
        if entry.is_none() {
            *entry = at;
        }
    }

    /// Every step taken, with its date when known.
    pub(crate) fn taken(&self) -> impl Iterator<Item = (Stage, Option<Timestamp>)> + '_ {
        self.taken.iter().map(|(stage, at)| (*stage, *at))
    }

    fn at(&self, stage: Stage) -> Option<Option<Timestamp>> {
        self.taken.get(&stage).copied()
    }

    /// Every step as a line for the page: "Advies via Cultuurconnect aan de Vlaamse
    /// overheid: verstuurd op 4 juli 2023." or "...: volgt."
    pub(crate) fn stages(&self, lang: Lang) -> Vec<String> {
        STAGES
            .iter()
            .map(|&stage| {
                let (what, done) = done_words(stage, lang);
                match self.at(stage) {
                    Some(Some(at)) if done.is_empty() => {
                        format!("{what}: {}.", brussels_date(at, lang))
                    }
                    Some(Some(at)) => format!("{what}: {done} {}.", brussels_date(at, lang)),
                    Some(None) => format!("{what}: {}.", lang.pick("gebeurd", "done")),
                    None => format!("{what}: {}.", lang.pick("volgt nog", "still to come")),
                }
            })
            .collect()
    }

    /// What comes after the latest step taken, as sentences addressed to the reader
    /// (steps before it that the caller does not know of are never announced).
    pub(crate) fn what_next(&self, lang: Lang) -> Vec<String> {
        let latest = STAGES.iter().rposition(|&s| self.at(s).is_some());
        let upcoming: Vec<Stage> = match latest {
            Some(k) => STAGES[k + 1..].to_vec(),
            None => STAGES.to_vec(),
        };
        if upcoming.is_empty() {
            return vec![lang
                .pick(
                    "De projecten starten in de volgorde van de prioriteiten. Hoe ze vorderen, lees je in een volgende nieuwsbrief.",
                    "The projects start in the order of the priorities. You will read how they progress in a coming newsletter.",
                )
                .to_owned()];
        }
        upcoming
            .into_iter()
            .take(2)
            .map(|stage| next_sentence(stage, lang).to_owned())
            .collect()
    }
}

/// The criteria with the share each weighs: "Impact voor de gebruikers: telt voor 40% mee".
pub(crate) fn criteria_list(criteria: &[CriterionView], lang: Lang) -> Block {
    let weight_sum: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    Block::List(
        criteria
            .iter()
            .map(|c| {
                let share = percent(u64::from(c.weight), weight_sum, 0, lang).unwrap_or_default();
                vec![
                    log(c.name.clone()),
                    text(match lang {
                        Lang::Nl => format!(": telt voor {share} mee"),
                        Lang::En => format!(": counts for {share}"),
                    }),
                ]
            })
            .collect(),
    )
}

/// The step's name and the verb for "done on".
fn done_words(stage: Stage, lang: Lang) -> (&'static str, &'static str) {
    match stage {
        Stage::Confirmed => (
            lang.pick(
                "Bekrachtiging van het resultaat door de stuurgroep",
                "Confirmation of the result by the steering group",
            ),
            "",
        ),
        Stage::Advice => (
            lang.pick(
                "Advies via Cultuurconnect aan de Vlaamse overheid",
                "Advice to the Flemish government, through Cultuurconnect",
            ),
            lang.pick("verstuurd op", "sent on"),
        ),
        Stage::Criteria => (
            lang.pick("Criteria voor de projectfiches", "Criteria for the project sheets"),
            lang.pick("vastgelegd op", "set on"),
        ),
        Stage::Sheets => (
            lang.pick("Projectfiches", "Project sheets"),
            lang.pick("ingediend op", "filed on"),
        ),
        Stage::Decision => (
            lang.pick(
                "Beslissing van de Vlaamse overheid in de beheersovereenkomst met Cultuurconnect",
                "Decision of the Flemish government in its management agreement with Cultuurconnect",
            ),
            lang.pick("vastgelegd op", "recorded on"),
        ),
        Stage::Priorities => (
            lang.pick("Prioriteiten van de stuurgroep", "Priorities of the steering group"),
            lang.pick("beslist op", "decided on"),
        ),
    }
}

fn next_sentence(stage: Stage, lang: Lang) -> &'static str {
    match stage {
        Stage::Confirmed => lang.pick(
            "De stuurgroep bekrachtigt het resultaat.",
            "The steering group confirms the result.",
        ),
        Stage::Advice => lang.pick(
            "De stuurgroep bezorgt haar advies via Cultuurconnect aan de Vlaamse overheid.",
            "The steering group sends its advice to the Flemish government through Cultuurconnect.",
        ),
        Stage::Criteria => lang.pick(
            "De stuurgroep legt de criteria vast waarmee ze de projectfiches beoordeelt.",
            "The steering group sets the criteria it will score the project sheets by.",
        ),
        Stage::Sheets => lang.pick(
            "De projecten worden uitgeschreven in projectfiches.",
            "The projects are written up as project sheets.",
        ),
        Stage::Decision => lang.pick(
            "De Vlaamse overheid beslist in haar beheersovereenkomst met Cultuurconnect.",
            "The Flemish government decides in its management agreement with Cultuurconnect.",
        ),
        Stage::Priorities => lang.pick(
            "De stuurgroep beoordeelt de projectfiches en beslist over de prioriteiten.",
            "The steering group scores the project sheets and decides the priorities.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_follows_the_latest_step_is_announced() {
        let mut progress = Progress::default();
        progress.take(
            Stage::Confirmed,
            Some(Timestamp::from_micros(1_687_420_800_000_000)),
        );
        let next = progress.what_next(Lang::Nl);
        assert_eq!(
            next[0],
            "De stuurgroep bezorgt haar advies via Cultuurconnect aan de Vlaamse overheid."
        );
        let stages = progress.stages(Lang::Nl);
        assert_eq!(
            stages[0],
            "Bekrachtiging van het resultaat door de stuurgroep: 22 juni 2023."
        );
        assert!(stages[1].ends_with(": volgt nog."));
    }
}
