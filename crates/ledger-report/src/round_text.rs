//! The sentences and the table every reader sees about a round's result, the same on
//! the page and in the newsletter: the result table, the outcome with the rule it was
//! judged by, the warnings, and who confirmed it. Both renderers import this module; it
//! must never import either of them (no module cycle), and it computes nothing the
//! projections did not: it words the `RoundResult` it gets.

use std::collections::BTreeMap;

use ledger_core::ActorId;
use ledger_projections::{ChoiceView, PercentBaseView, ResultWarning, RoundResult, RoundView};

use crate::doc::{strong, text, Line, Table};
use crate::lang::Lang;
use crate::number::{integer, percent};
use crate::svg::Figures;
use crate::time::brussels_date;

/// Each actor by display name (`An Peeters`), or by id when it has none.
pub(crate) fn named_actors(actors: &[ActorId], names: &BTreeMap<ActorId, String>) -> Vec<String> {
    actors
        .iter()
        .map(|a| match names.get(a) {
            Some(name) => name.clone(),
            None => a.to_string(),
        })
        .collect()
}

/// The rule a round uses, in one sentence, so every result states what it was judged by:
/// "Rule: adopted when more than 50% of the represented inhabitants (yes and no votes)
/// vote yes; no quorum; 2 signatures certify the result."
pub(crate) fn rule_sentence(result: &RoundResult, lang: Lang) -> String {
    let f = Figures::new(result);
    let threshold = f.threshold(lang).unwrap_or_else(|| "?".to_owned());
    let base = match (result.percent_base, lang) {
        (PercentBaseView::InhabitantsOfAllVotesCast, Lang::Nl) => "alle uitgebrachte stemmen",
        (PercentBaseView::InhabitantsOfAllVotesCast, Lang::En) => "all votes cast",
        (PercentBaseView::InhabitantsOfYesAndNoVotes, Lang::Nl) => "ja- en neestemmen",
        (PercentBaseView::InhabitantsOfYesAndNoVotes, Lang::En) => "yes and no votes",
    };
    let libraries = match (result.double_majority, lang) {
        (false, _) => "",
        (true, Lang::Nl) => ", en evenzeer meer dan die drempel van de bibliotheken",
        (true, Lang::En) => ", and the libraries pass that threshold too",
    };
    let quorum = match (f.quorum(lang), lang) {
        (Some(q), Lang::Nl) => format!("vereiste opkomst {q} van de stemgerechtigde inwoners"),
        (Some(q), Lang::En) => format!("required participation {q} of the eligible inhabitants"),
        (None, Lang::Nl) => "geen quorum".to_owned(),
        (None, Lang::En) => "no quorum".to_owned(),
    };
    let signatures = signatures_word(result.signatures_required, lang);
    match lang {
        Lang::Nl => format!(
            "Regel: aangenomen als meer dan {threshold} van de vertegenwoordigde inwoners ({base}) ja stemt{libraries}; {quorum}; de stuurgroep bekrachtigt het resultaat met {signatures}."
        ),
        Lang::En => format!(
            "Rule: adopted when more than {threshold} of the represented inhabitants ({base}) vote yes{libraries}; {quorum}; the steering group confirms the result with {signatures}."
        ),
    }
}

/// "1 handtekening", "2 handtekeningen" / "1 signature", "2 signatures".
fn signatures_word(n: u32, lang: Lang) -> String {
    let word = match (lang, n) {
        (Lang::Nl, 1) => "handtekening",
        (Lang::Nl, _) => "handtekeningen",
        (Lang::En, 1) => "signature",
        (Lang::En, _) => "signatures",
    };
    format!("{n} {word}")
}

/// Each warning on `result` as a sentence for people, in the result's order.
pub(crate) fn warning_sentences(result: &RoundResult, lang: Lang) -> Vec<String> {
    result
        .warnings
        .iter()
        .map(|w| {
            match w {
                ResultWarning::NoQuorum => lang.pick(
                    "Deze stemronde werd geopend zonder quorum: elke opkomst, hoe klein ook, beslist.",
                    "This round was opened without a quorum: any turnout, however small, decides.",
                ),
                ResultWarning::TurnoutBelowQuorum => lang.pick(
                    "De opkomst ligt onder het quorum van de regel.",
                    "The turnout is below the rule's quorum.",
                ),
                ResultWarning::TurnoutBelowHalf => lang.pick(
                    "De bibliotheken die stemden, vertegenwoordigen minder dan de helft van de stemgerechtigde inwoners.",
                    "The libraries that voted represent less than half of the eligible inhabitants.",
                ),
            }
            .to_owned()
        })
        .collect()
}

/// Joins names: `a`, `a en b`, `a, b en c` (nl) / `a and b` (en).
pub(crate) fn join_names(names: &[String], lang: Lang) -> String {
    let and = lang.pick(" en ", " and ");
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// The table of a result: per choice the libraries and inhabitants with their shares,
/// then the votes cast and the electorate.
pub(crate) fn result_table(result: &RoundResult, lang: Lang) -> Table {
    let f = Figures::new(result);
    let mut rows = Vec::new();
    for choice in [ChoiceView::Yes, ChoiceView::No, ChoiceView::Abstain] {
        // No row per choice while the round keeps its counts back: only the turnout.
        let Some(count) = f.count(choice) else {
            continue;
        };
        // No share: either the rule leaves abstentions out, or nobody voted yet.
        let dash = || match f.in_base(choice) {
            true => "–".to_owned(),
            false => lang.pick("niet meegeteld", "not counted").to_owned(),
        };
        rows.push(vec![
            lang.choice(choice).to_owned(),
            integer(u64::from(count.libraries), lang),
            f.library_share(choice, lang).unwrap_or_else(dash),
            integer(count.inhabitants, lang),
            f.inhabitant_share(choice, lang).unwrap_or_else(dash),
        ]);
    }
    rows.push(vec![
        lang.pick("Uitgebracht", "Cast").to_owned(),
        integer(u64::from(result.cast.libraries), lang),
        String::new(),
        integer(result.cast.inhabitants, lang),
        String::new(),
    ]);
    rows.push(vec![
        lang.pick("Stemgerechtigd", "Eligible").to_owned(),
        integer(u64::from(result.eligible.libraries), lang),
        String::new(),
        integer(result.eligible.inhabitants, lang),
        String::new(),
    ]);
    // Cast over eligible, by count and by inhabitants.
    rows.push(vec![
        lang.pick("Opkomst", "Turnout").to_owned(),
        String::new(),
        percent(
            u64::from(result.cast.libraries),
            u64::from(result.eligible.libraries),
            0,
            lang,
        )
        .unwrap_or_default(),
        String::new(),
        f.participation(lang).unwrap_or_default(),
    ]);
    Table {
        caption: format!(
            "{}: {}",
            lang.pick("Uitslag per keuze", "Result per choice"),
            crate::svg::round_name(result, lang)
        ),
        head: [
            lang.pick("Keuze", "Choice"),
            lang.pick("Bibliotheken", "Libraries"),
            lang.pick("Aandeel bibliotheken", "Share of libraries"),
            lang.pick("Inwoners", "Inhabitants"),
            lang.pick("Aandeel inwoners", "Share of inhabitants"),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }
}

/// "Outcome: adopted. More than 50% of the represented inhabitants was needed; 92%
/// voted yes." with the double majority and the quorum when the rule has them.
pub(crate) fn outcome_line(result: &RoundResult, lang: Lang) -> Line {
    let f = Figures::new(result);
    let mut line = vec![
        text(lang.pick("Uitkomst: ", "Outcome: ")),
        strong(lang.outcome(result.outcome)),
        text("."),
    ];
    let yes = f.inhabitant_share(ChoiceView::Yes, lang);
    if let (Some(threshold), Some(yes)) = (f.threshold(lang), yes) {
        line.push(text(match lang {
            Lang::Nl => format!(
                " Nodig was meer dan {threshold} van de vertegenwoordigde inwoners; {yes} stemde ja."
            ),
            Lang::En => format!(
                " More than {threshold} of the represented inhabitants was needed; {yes} voted yes."
            ),
        }));
    }
    if result.double_majority {
        if let Some(libraries) = f.library_share(ChoiceView::Yes, lang) {
            line.push(text(match lang {
                Lang::Nl => {
                    format!(" Ook de bibliotheken moesten de drempel halen: {libraries} stemde ja.")
                }
                Lang::En => {
                    format!(" The libraries had to pass the threshold too: {libraries} voted yes.")
                }
            }));
        }
    }
    if let Some(quorum) = f.quorum(lang) {
        let met = match (lang, result.quorum_met) {
            (Lang::Nl, true) => "gehaald",
            (Lang::Nl, false) => "niet gehaald",
            (Lang::En, true) => "met",
            (Lang::En, false) => "not met",
        };
        line.push(text(match lang {
            Lang::Nl => format!(" De vereiste opkomst van {quorum} werd {met}."),
            Lang::En => format!(" The required participation of {quorum} was {met}."),
        }));
    }
    line
}

/// "Confirmed by the steering group on 22 June 2023: An Peeters and Bart Claes signed
/// the tally (2 signatures were required)." or how many signatures are still missing.
pub(crate) fn certification_line(
    round: &RoundView,
    result: &RoundResult,
    names: &BTreeMap<ActorId, String>,
    lang: Lang,
) -> Line {
    match &round.certification {
        Some(c) => {
            let signers = named_actors(&c.signers, names);
            vec![text(match lang {
                Lang::Nl => format!(
                    "Bekrachtigd door de stuurgroep op {}: {} {} de telling ({} {} nodig).",
                    brussels_date(c.recorded_at, lang),
                    join_names(&signers, lang),
                    if signers.len() == 1 {
                        "ondertekende"
                    } else {
                        "ondertekenden"
                    },
                    signatures_word(result.signatures_required, lang),
                    if result.signatures_required == 1 {
                        "was"
                    } else {
                        "waren"
                    },
                ),
                Lang::En => {
                    format!(
                    "Confirmed by the steering group on {}: {} signed the tally ({} {} required).",
                    brussels_date(c.recorded_at, lang),
                    join_names(&signers, lang),
                    signatures_word(result.signatures_required, lang),
                    if result.signatures_required == 1 { "was" } else { "were" },
                )
                }
            })]
        }
        None => vec![text(match lang {
            Lang::Nl => format!(
                "Nog niet bekrachtigd door de stuurgroep: {} van de {} nodig.",
                result.signatures,
                signatures_word(result.signatures_required, lang)
            ),
            Lang::En => format!(
                "Not yet confirmed by the steering group: {} of the {} needed.",
                result.signatures,
                signatures_word(result.signatures_required, lang)
            ),
        })],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_signature_is_singular() {
        assert_eq!(signatures_word(1, Lang::Nl), "1 handtekening");
        assert_eq!(signatures_word(2, Lang::Nl), "2 handtekeningen");
        assert_eq!(signatures_word(1, Lang::En), "1 signature");
    }
}
