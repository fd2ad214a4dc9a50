//! The two languages readers get, and the words each one uses for the domain's values.
//!
//! Dutch is the default: the readers are Flemish libraries. Sentences with numbers in
//! them live with the renderer that writes them; this module holds only the fixed words
//! (choices, outcomes, steps, verdicts), so both renderers name things alike. It must
//! never format a number: `number.rs` does that.

use ledger_projections::{ChoiceView, OutcomeView, RoundStatusView, Step, VerdictView};

use crate::error::ReportError;

/// The language the ledger's own texts (titles, remarks, advice) are written in: the
/// steering group and the libraries write Dutch. Pages in another language mark those
/// texts with it, so screen readers pronounce them right (WCAG 3.1.2).
pub const LOG_LANG: Lang = Lang::Nl;

/// The language of a rendered text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Dutch as written in Flanders (the default).
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Parses `nl` or `en` (any case).
    pub fn parse(code: &str) -> Result<Lang, ReportError> {
        match code.to_ascii_lowercase().as_str() {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            _ => Err(ReportError::UnknownLanguage(
                code.chars().take(16).collect(),
            )),
        }
    }

    /// The BCP 47 tag for `lang` attributes: `nl-BE` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl-BE",
            Lang::En => "en",
        }
    }

    /// The short code used in `?lang=`: `nl` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The other language (for the language switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    /// Picks the Dutch or the English text.
    pub fn pick<T>(self, nl: T, en: T) -> T {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// A choice as a word, capitalised: `Ja`, `Nee`, `Onthouding`.
    pub fn choice(self, choice: ChoiceView) -> &'static str {
        match choice {
            ChoiceView::Yes => self.pick("Ja", "Yes"),
            ChoiceView::No => self.pick("Nee", "No"),
            ChoiceView::Abstain => self.pick("Onthouding", "Abstain"),
        }
    }

    /// An outcome in lower case: `aangenomen`, `verworpen`, `nog open`.
    pub fn outcome(self, outcome: OutcomeView) -> &'static str {
        match outcome {
            OutcomeView::Pending => self.pick("nog niet beslist", "not decided yet"),
            OutcomeView::Adopted => self.pick("aangenomen", "adopted"),
            OutcomeView::Rejected => self.pick("verworpen", "rejected"),
        }
    }

    /// A round's status in lower case.
    pub fn round_status(self, status: RoundStatusView) -> &'static str {
        match status {
            RoundStatusView::Open => self.pick("open", "open"),
            RoundStatusView::Closed => self.pick("afgesloten", "closed"),
            RoundStatusView::Annulled => self.pick("geannuleerd", "annulled"),
        }
    }

    /// A timeline step, capitalised, as a short phrase.
    pub fn step(self, step: Step) -> &'static str {
        match step {
            Step::Filed => self.pick("Ingediend", "Filed"),
            Step::Amended => self.pick("Gewijzigd", "Amended"),
            Step::Withdrawn => self.pick("Ingetrokken", "Withdrawn"),
            Step::InVote => self.pick("Stemronde geopend", "Vote round opened"),
            Step::Voted => self.pick("Stemronde afgesloten", "Vote round closed"),
            Step::Annulled => self.pick("Stemronde geannuleerd", "Vote round annulled"),
            Step::Certified => self.pick(
                "Resultaat bekrachtigd door de stuurgroep",
                "Result confirmed by the steering group",
            ),
            Step::AdviceSent => self.pick("Advies verstuurd", "Advice sent"),
            Step::GovernmentDecided => {
                self.pick("Beslissing van de overheid", "Government decision")
            }
            Step::WindowChanged => self.pick("Stemperiode gewijzigd", "Voting window changed"),
            Step::CertificationWithdrawn => {
                self.pick("Bekrachtiging ingetrokken", "Confirmation withdrawn")
            }
            Step::AdviceSuperseded => self.pick("Advies verbeterd", "Advice corrected"),
            Step::DecisionAmended => self.pick(
                "Beslissing van de overheid verbeterd",
                "Government decision corrected",
            ),
        }
    }

    /// A government verdict in lower case.
    pub fn verdict(self, verdict: VerdictView) -> &'static str {
        match verdict {
            VerdictView::Approved => self.pick("goedgekeurd", "approved"),
            VerdictView::Rejected => self.pick("afgewezen", "rejected"),
            VerdictView::Amended => self.pick("gewijzigd goedgekeurd", "approved with changes"),
        }
    }

    /// Whether the steering group confirmed (certified) the result, as the steering group
    /// says it: "bekrachtigd door de stuurgroep".
    pub fn certified(self, certified: bool) -> &'static str {
        match certified {
            true => self.pick(
                "bekrachtigd door de stuurgroep",
                "confirmed by the steering group",
            ),
            false => self.pick(
                "nog niet bekrachtigd door de stuurgroep",
                "not yet confirmed by the steering group",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dutch_and_english_are_known() {
        assert_eq!(Lang::parse("NL"), Ok(Lang::Nl));
        assert_eq!(Lang::parse("en"), Ok(Lang::En));
        assert!(Lang::parse("fr").is_err());
        assert_eq!(Lang::default(), Lang::Nl);
    }
}
