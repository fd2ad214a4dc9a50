//! The results infographic of one vote round as SVG: the round's title and voting days
//! as its title, the share that decides large as the headline, then for yes,
//! no and abstain a bar for the number of libraries and, beside it, a hatched bar for
//! the inhabitants they represent, both as a share of the votes that make 100%; the
//! threshold as a dashed line that stays inside the bars' track while every label sits
//! in a right-aligned column of its own, so no line crosses a label; and the
//! participation of the frozen electorate.
//!
//! Readable at 600 px wide (the `viewBox` lets it shrink on a phone). Colours are from
//! the Okabe-Ito palette for colour-blind readers (blue for yes, orange for no, neutral
//! grey for abstain), every bar has a dark outline and a text label, and the inhabitants
//! bars carry a hatch, so colour is never the only cue. `<title>` and `<desc>` say every
//! number in words for screen readers. Bar lengths are integer pixels computed from the
//! exact counts (half to even), so the same result always gives the same bytes. This
//! module must never compute a tally or an outcome: it draws the `RoundResult` it gets.

use ledger_core::RoundId;
use ledger_projections::{
    ChoiceView, CountView, CountsView, PercentBaseView, RoundResult, RoundStatusView, Share,
};

use crate::escape::escape_html;
use crate::lang::Lang;
use crate::number::{integer, percent, scaled, share_percent};
use crate::time::brussels_date;

const WIDTH: u64 = 600;
const TRACK_X: u64 = 120;
const TRACK: u64 = 250;
const ROW: u64 = 64;
const BAR: u64 = 22;
const INK: &str = "#1a1a1a";
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";

/// Okabe-Ito blue, Okabe-Ito orange and a neutral grey; the participation bar is
/// Okabe-Ito bluish green.
fn colour(choice: ChoiceView) -> &'static str {
    match choice {
        ChoiceView::Yes => "#0072B2",
        ChoiceView::No => "#E69F00",
        ChoiceView::Abstain => "#999999",
    }
}
const PARTICIPATION: &str = "#009E73";

const CHOICES: [ChoiceView; 3] = [ChoiceView::Yes, ChoiceView::No, ChoiceView::Abstain];

/// The prefix of every `id` inside the infographic of `round`, so that several
/// infographics can sit in one HTML page without their ids colliding.
pub fn svg_id_prefix(round: &RoundId) -> String {
    let safe: String = round
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("ig-{safe}")
}

/// The counts and shares the infographic, the newsletter and the page show for a result.
pub(crate) struct Figures<'a> {
    pub(crate) result: &'a RoundResult,
}

impl<'a> Figures<'a> {
    pub(crate) fn new(result: &'a RoundResult) -> Self {
        Self { result }
    }

    /// The votes that make 100%: every vote cast, or yes and no only.
    pub(crate) fn base(&self) -> CountView {
        let r = self.result;
        match r.percent_base {
            PercentBaseView::InhabitantsOfAllVotesCast => r.cast,
            PercentBaseView::InhabitantsOfYesAndNoVotes => {
                let (yes, no) = (r.yes.unwrap_or_default(), r.no.unwrap_or_default());
                CountView {
                    libraries: yes.libraries.saturating_add(no.libraries),
                    inhabitants: yes.inhabitants.saturating_add(no.inhabitants),
                }
            }
        }
    }

    /// The votes for `choice`; `None` while the round keeps its counts per choice back
    /// until the close (`CountsView::AtClose`).
    pub(crate) fn count(&self, choice: ChoiceView) -> Option<CountView> {
        match choice {
            ChoiceView::Yes => self.result.yes,
            ChoiceView::No => self.result.no,
            ChoiceView::Abstain => self.result.abstain,
        }
    }

    /// Whether `choice` is part of the base (abstentions may be left out by the rule).
    pub(crate) fn in_base(&self, choice: ChoiceView) -> bool {
        choice != ChoiceView::Abstain
            || self.result.percent_base == PercentBaseView::InhabitantsOfAllVotesCast
    }

    /// `choice`'s libraries over the base's, in whole percent; `None` outside the base
    /// or for an empty base.
    pub(crate) fn library_share(&self, choice: ChoiceView, lang: Lang) -> Option<String> {
        if !self.in_base(choice) {
            return None;
        }
        percent(
            u64::from(self.count(choice)?.libraries),
            u64::from(self.base().libraries),
            0,
            lang,
        )
    }

    /// `choice`'s inhabitants over the base's, in whole percent.
    pub(crate) fn inhabitant_share(&self, choice: ChoiceView, lang: Lang) -> Option<String> {
        if !self.in_base(choice) {
            return None;
        }
        if choice == ChoiceView::Yes {
            return self
                .result
                .yes_share_of_represented_inhabitants
                .as_ref()
                .map(|s| share_percent(s, lang));
        }
        percent(
            self.count(choice)?.inhabitants,
            self.base().inhabitants,
            0,
            lang,
        )
    }

    /// "more than 50%": the threshold, exact when whole, else with two decimals.
    pub(crate) fn threshold(&self, lang: Lang) -> Option<String> {
        self.result.threshold.as_ref().map(|t| exact(t, lang))
    }

    /// The quorum the same way, if the rule has one.
    pub(crate) fn quorum(&self, lang: Lang) -> Option<String> {
        self.result.quorum.as_ref().map(|q| exact(q, lang))
    }

    /// Cast over eligible inhabitants, in whole percent.
    pub(crate) fn participation(&self, lang: Lang) -> Option<String> {
        self.result
            .participation
            .as_ref()
            .map(|s| share_percent(s, lang))
    }
}

/// A share as a percentage: whole when exact (`50%`), else two decimals (`66,67%`).
fn exact(share: &Share, lang: Lang) -> String {
    let whole =
        (u128::from(share.numerator) * 100).is_multiple_of(u128::from(share.denominator.max(1)));
    percent(
        share.numerator,
        share.denominator,
        if whole { 0 } else { 2 },
        lang,
    )
    .unwrap_or_else(|| "-".to_owned())
}

/// The sentences of `<desc>`: every number of the infographic in words.
pub(crate) fn describe(result: &RoundResult, lang: Lang) -> String {
    let f = Figures::new(result);
    let mut out = format!(
        "{} ({}): {}, {}, {}.",
        round_name(result, lang),
        voting_days(result, lang),
        lang.round_status(result.status),
        lang.outcome(result.outcome),
        lang.certified(result.certified),
    );
    if let Some(sentence) = headline_sentence(result, lang) {
        out.push(' ');
        out.push_str(&sentence);
    }
    if result.counts == CountsView::AtClose {
        out.push(' ');
        out.push_str(counts_at_close(lang));
    }
    for choice in CHOICES {
        let Some(count) = f.count(choice) else {
            continue;
        };
        let libraries = match f.library_share(choice, lang) {
            Some(p) => format!("{} ({p})", libraries_word(count.libraries, lang)),
            None => libraries_word(count.libraries, lang),
        };
        let inhabitants = match f.inhabitant_share(choice, lang) {
            Some(p) => format!("{} ({p})", inhabitants_word(count.inhabitants, lang)),
            None => format!(
                "{} {}",
                inhabitants_word(count.inhabitants, lang),
                lang.pick("(niet meegeteld)", "(not counted)")
            ),
        };
        out.push_str(&format!(
            " {}: {libraries} {} {inhabitants}.",
            lang.choice(choice),
            lang.pick("met", "representing"),
        ));
    }
    if let Some(threshold) = f.threshold(lang) {
        out.push_str(&match lang {
            Lang::Nl => {
                format!(" Aangenomen bij meer dan {threshold} van de vertegenwoordigde inwoners.")
            }
            Lang::En => {
                format!(" Adopted with more than {threshold} of the represented inhabitants.")
            }
        });
    }
    out.push(' ');
    out.push_str(&turnout_sentence(result, lang));
    if let Some(quorum) = f.quorum(lang) {
        out.push_str(&match lang {
            Lang::Nl => format!(" Vereiste opkomst: {quorum}."),
            Lang::En => format!(" Required participation: {quorum}."),
        });
    }
    out
}

/// "190 of 300 libraries voted, representing 5,000 of 6,000 inhabitants (83%)."
pub(crate) fn turnout_sentence(result: &RoundResult, lang: Lang) -> String {
    let share = Figures::new(result)
        .participation(lang)
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    match lang {
        Lang::Nl => format!(
            "Opkomst: {} van {} bibliotheken stemden, samen {} van {} inwoners{share}.",
            integer(u64::from(result.cast.libraries), lang),
            integer(u64::from(result.eligible.libraries), lang),
            integer(result.cast.inhabitants, lang),
            integer(result.eligible.inhabitants, lang),
        ),
        Lang::En => format!(
            "Participation: {} of {} libraries voted, representing {} of {} inhabitants{share}.",
            integer(u64::from(result.cast.libraries), lang),
            integer(u64::from(result.eligible.libraries), lang),
            integer(result.cast.inhabitants, lang),
            integer(result.eligible.inhabitants, lang),
        ),
    }
}

pub(crate) fn libraries_word(n: u32, lang: Lang) -> String {
    let word = match (lang, n) {
        (Lang::Nl, 1) => "bibliotheek",
        (Lang::Nl, _) => "bibliotheken",
        (Lang::En, 1) => "library",
        (Lang::En, _) => "libraries",
    };
    format!("{} {word}", integer(u64::from(n), lang))
}

pub(crate) fn inhabitants_word(n: u64, lang: Lang) -> String {
    let word = match (lang, n) {
        (Lang::Nl, 1) => "inwoner",
        (Lang::Nl, _) => "inwoners",
        (Lang::En, 1) => "inhabitant",
        (Lang::En, _) => "inhabitants",
    };
    format!("{} {word}", integer(n, lang))
}

/// Writes an SVG element line; all text passed in `text` is escaped.
struct Canvas {
    out: String,
}

impl Canvas {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn text(&mut self, x: u64, y: u64, attrs: &str, text: &str) {
        self.line(&format!(
            "<text x=\"{x}\" y=\"{y}\"{attrs}>{}</text>",
            escape_html(text)
        ));
    }
}

/// The round as people name it: its title, or "Stemronde r-2023-05" when it has none.
pub(crate) fn round_name(result: &RoundResult, lang: Lang) -> String {
    match &result.title {
        Some(title) => title.clone(),
        None => format!("{} {}", lang.pick("Stemronde", "Vote round"), result.round),
    }
}

/// When the libraries could vote: "8 mei 2023 tot en met 31 mei 2023" (the window's end
/// is exclusive, so the last day is the day before a close at midnight).
pub(crate) fn voting_days(result: &RoundResult, lang: Lang) -> String {
    let first = brussels_date(result.opens_at, lang);
    let last = brussels_date(result.closes_at.plus_seconds(-1), lang);
    match lang {
        _ if first == last => first,
        Lang::Nl => format!("{first} tot en met {last}"),
        Lang::En => format!("{first} to {last}"),
    }
}

/// The headline in two parts, as the steering group announces a result: the yes share
/// ("92%") and the rest of the sentence ("van het vertegenwoordigde inwonersaantal stemde
/// in; 190 bibliotheken brachten hun stem uit"). `None` while the round is open or when
/// nobody voted: there is no share to announce.
pub(crate) fn headline(result: &RoundResult, lang: Lang) -> Option<(String, String, String)> {
    if result.status != RoundStatusView::Closed {
        return None;
    }
    let share = result.yes_share_of_represented_inhabitants.as_ref()?;
    let who = libraries_word(result.cast.libraries, lang);
    let (agreed, voted) = match lang {
        Lang::Nl => (
            "van het vertegenwoordigde inwonersaantal stemde in".to_owned(),
            format!("{who} brachten hun stem uit"),
        ),
        Lang::En => (
            "of the represented inhabitants agreed".to_owned(),
            format!("{who} cast their vote"),
        ),
    };
    Some((share_percent(share, lang), agreed, voted))
}

/// The standing of an open round with live results, e.g. "So far: yes 1 library (500
/// inhabitants), no 0 libraries (0 inhabitants), abstain 0 libraries (0 inhabitants)."
/// `None` while the round keeps its counts per choice back until the close.
pub(crate) fn standing_sentence(result: &RoundResult, lang: Lang) -> Option<String> {
    let f = Figures::new(result);
    let parts = CHOICES
        .into_iter()
        .map(|choice| {
            f.count(choice).map(|count| {
                format!(
                    "{} {} ({})",
                    lang.choice(choice).to_lowercase(),
                    libraries_word(count.libraries, lang),
                    inhabitants_word(count.inhabitants, lang)
                )
            })
        })
        .collect::<Option<Vec<String>>>()?;
    Some(format!(
        "{} {}.",
        lang.pick("Tussenstand:", "So far:"),
        parts.join(", ")
    ))
}

/// What a reader is told while a round keeps its counts per choice back.
pub(crate) fn counts_at_close(lang: Lang) -> &'static str {
    lang.pick(
        "Het aantal stemmen per keuze wordt bekendgemaakt wanneer de stemronde sluit; tot dan is alleen de opkomst openbaar.",
        "The votes per choice are published when the round closes; until then only the turnout is public.",
    )
}

/// The headline as one sentence: "92% van het vertegenwoordigde inwonersaantal stemde
/// in; 190 bibliotheken brachten hun stem uit."
pub(crate) fn headline_sentence(result: &RoundResult, lang: Lang) -> Option<String> {
    headline(result, lang).map(|(share, agreed, voted)| format!("{share} {agreed}; {voted}."))
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word
/// stays whole on its own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Characters of the title per line at 20 px bold (DejaVu Sans Bold averages about
/// 0.63 em, so 44 fit the 568 px between the margins).
const TITLE_CHARS: usize = 44;
/// Where every bar label ends (right-aligned), clear of the bars and of the threshold
/// line, which never leave the track.
const LABEL_END: u64 = WIDTH - 16;

/// The infographic of `result` in `lang`, as a standalone SVG document (also valid
/// inline in HTML): the round's title and voting days, the headline share large, the
/// bars per choice with their labels in a column of their own, the turnout.
pub fn result_svg(result: &RoundResult, lang: Lang) -> String {
    let f = Figures::new(result);
    let p = svg_id_prefix(&result.round);
    let base = f.base();
    let name = round_name(result, lang);
    let title_lines = wrap(&name, TITLE_CHARS);
    let title_bottom = 34 + 26 * (title_lines.len().max(1) as u64 - 1);
    let days_y = title_bottom + 24;
    let status_y = days_y + 20;
    let headline_top = status_y + 12;
    let headline = headline(result, lang);
    let key_top = headline_top + if headline.is_some() { 92 } else { 12 };
    let rows_top = key_top + 34;
    let rows_bottom = rows_top + ROW * 3;
    let participation_y = rows_bottom + 28;
    let height = participation_y + 60;
    let title = format!("{name}: {}", lang.outcome(result.outcome));
    let mut c = Canvas { out: String::new() };
    c.line(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{p}-title {p}-desc\" xml:lang=\"{}\" font-family=\"{FONT}\" font-size=\"13\" fill=\"{INK}\">",
        lang.tag()
    ));
    c.line(&format!(
        "<title id=\"{p}-title\">{}</title>",
        escape_html(&title)
    ));
    c.line(&format!(
        "<desc id=\"{p}-desc\">{}</desc>",
        escape_html(&describe(result, lang))
    ));
    c.line("<defs>");
    for choice in CHOICES
        .iter()
        .map(|c| (c.as_str(), colour(*c)))
        .chain([("key", "#595959")])
    {
        let (name, fill) = choice;
        c.line(&format!(
            "<pattern id=\"{p}-hatch-{name}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"{fill}\"/><rect width=\"3\" height=\"8\" fill=\"#ffffff\"/></pattern>"
        ));
    }
    c.line("</defs>");
    c.line(&format!(
        "<rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>"
    ));

    // The round's title, when the libraries voted, and how it ended.
    for (k, line) in title_lines.iter().enumerate() {
        c.text(
            16,
            34 + 26 * k as u64,
            " font-size=\"20\" font-weight=\"bold\"",
            line,
        );
    }
    let status = match result.status {
        RoundStatusView::Closed => {
            format!(
                "{}, {}",
                lang.outcome(result.outcome),
                lang.certified(result.certified)
            )
        }
        other => lang.round_status(other).to_owned(),
    };
    c.text(16, days_y, " font-size=\"14\"", &voting_days(result, lang));
    c.text(16, status_y, " font-size=\"14\"", &status);

    // The headline: the share that decides, large, and what it means.
    if let Some((share, agreed, voted)) = &headline {
        c.text(
            16,
            headline_top + 52,
            &format!(
                " font-size=\"56\" font-weight=\"bold\" fill=\"{}\"",
                colour(ChoiceView::Yes)
            ),
            share,
        );
        let mut lines = wrap(&format!("{agreed};"), 34);
        lines.push(voted.clone());
        for (k, line) in lines.iter().take(3).enumerate() {
            c.text(
                176,
                headline_top + 18 + 20 * k as u64,
                " font-size=\"15\"",
                line,
            );
        }
    }

    // What makes 100%, and the key.
    let basis = match result.percent_base {
        PercentBaseView::InhabitantsOfAllVotesCast => lang.pick(
            "Aandeel van alle uitgebrachte stemmen (onthoudingen tellen mee)",
            "Share of all votes cast (abstentions count)",
        ),
        PercentBaseView::InhabitantsOfYesAndNoVotes => lang.pick(
            "Aandeel van de ja- en neestemmen (onthoudingen tellen niet mee)",
            "Share of the yes and no votes (abstentions do not count)",
        ),
    };
    c.text(16, key_top, "", basis);
    c.line(&format!(
        "<rect x=\"16\" y=\"{}\" width=\"14\" height=\"14\" fill=\"#595959\" stroke=\"{INK}\"/>",
        key_top + 10
    ));
    c.text(36, key_top + 22, "", lang.pick("bibliotheken", "libraries"));
    c.line(&format!(
        "<rect x=\"170\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#{p}-hatch-key)\" stroke=\"{INK}\"/>",
        key_top + 10
    ));
    c.text(
        190,
        key_top + 22,
        "",
        lang.pick("vertegenwoordigde inwoners", "represented inhabitants"),
    );

    // One row per choice: libraries (solid) above inhabitants (hatched). The labels sit
    // right-aligned in a column after the track, so no line ever runs through them.
    if result.counts == CountsView::AtClose {
        c.text(
            16,
            rows_top + 33,
            " font-size=\"15\" font-weight=\"bold\"",
            lang.pick("Stemmen per keuze", "Votes per choice"),
        );
        c.text(
            LABEL_END,
            rows_top + 33,
            " text-anchor=\"end\"",
            lang.pick(
                "bekend wanneer de stemronde sluit",
                "published when the round closes",
            ),
        );
    }
    for (k, choice) in CHOICES.into_iter().enumerate() {
        let top = rows_top + ROW * k as u64;
        let Some(count) = f.count(choice) else {
            continue;
        };
        c.text(
            16,
            top + 33,
            " font-size=\"15\" font-weight=\"bold\"",
            lang.choice(choice),
        );
        let bars = [
            (
                u64::from(count.libraries),
                u64::from(base.libraries),
                format!("fill=\"{}\"", colour(choice)),
                libraries_word(count.libraries, lang),
                f.library_share(choice, lang),
                top + 6,
            ),
            (
                count.inhabitants,
                base.inhabitants,
                format!("fill=\"url(#{p}-hatch-{})\"", choice.as_str()),
                inhabitants_word(count.inhabitants, lang),
                f.inhabitant_share(choice, lang),
                top + 6 + BAR + 4,
            ),
        ];
        for (part, whole, fill, words, share, y) in bars {
            let length = if f.in_base(choice) {
                scaled(TRACK, part, whole)
            } else {
                0
            };
            if length > 0 {
                c.line(&format!(
                    "<rect x=\"{TRACK_X}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" {fill} stroke=\"{INK}\"/>"
                ));
            }
            let label = match share {
                Some(share) => format!("{words} ({share})"),
                None if f.in_base(choice) => words,
                None => format!("{words} {}", lang.pick("(niet meegeteld)", "(not counted)")),
            };
            c.text(LABEL_END, y + 16, " text-anchor=\"end\"", &label);
        }
    }

    // The threshold across the track of every row, labelled below the rows (none to
    // cross while the counts are kept back).
    let threshold = f
        .threshold(lang)
        .filter(|_| result.counts == CountsView::Shown);
    if let (Some(threshold), Some(share)) = (threshold, result.threshold.as_ref()) {
        let x = TRACK_X + scaled(TRACK, share.numerator, share.denominator);
        c.line(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{rows_bottom}\" stroke=\"{INK}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            rows_top - 4
        ));
        c.text(
            x,
            rows_bottom + 14,
            " text-anchor=\"middle\"",
            &format!(
                "{} {threshold}",
                lang.pick("drempel: meer dan", "threshold: more than")
            ),
        );
    }

    // Participation: cast over eligible inhabitants, with the quorum if there is one.
    let y = participation_y;
    c.text(
        16,
        y + 16,
        " font-size=\"15\" font-weight=\"bold\"",
        lang.pick("Opkomst", "Turnout"),
    );
    c.line(&format!(
        "<rect x=\"{TRACK_X}\" y=\"{y}\" width=\"{TRACK}\" height=\"{BAR}\" fill=\"#ececec\" stroke=\"{INK}\"/>"
    ));
    let cast = scaled(TRACK, result.cast.inhabitants, result.eligible.inhabitants);
    if cast > 0 {
        c.line(&format!(
            "<rect x=\"{TRACK_X}\" y=\"{y}\" width=\"{cast}\" height=\"{BAR}\" fill=\"{PARTICIPATION}\" stroke=\"{INK}\"/>"
        ));
    }
    let turnout = f
        .participation(lang)
        .map(|p| format!("{p} {}", lang.pick("van de inwoners", "of inhabitants")))
        .unwrap_or_else(|| "-".to_owned());
    c.text(LABEL_END, y + 16, " text-anchor=\"end\"", &turnout);
    if let (Some(quorum), Some(share)) = (f.quorum(lang), result.quorum.as_ref()) {
        let x = TRACK_X + scaled(TRACK, share.numerator, share.denominator);
        c.line(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            y - 4,
            y + BAR + 4
        ));
        c.text(
            x,
            y - 8,
            " text-anchor=\"middle\"",
            &format!("{} {quorum}", lang.pick("quorum", "quorum")),
        );
    }
    c.text(
        16,
        y + BAR + 26,
        "",
        &match lang {
            Lang::Nl => format!(
                "{} van {} stemden, samen {} van {}.",
                integer(u64::from(result.cast.libraries), lang),
                libraries_word(result.eligible.libraries, lang),
                integer(result.cast.inhabitants, lang),
                inhabitants_word(result.eligible.inhabitants, lang),
            ),
            Lang::En => format!(
                "{} of {} voted, representing {} of {}.",
                integer(u64::from(result.cast.libraries), lang),
                libraries_word(result.eligible.libraries, lang),
                integer(result.cast.inhabitants, lang),
                inhabitants_word(result.eligible.inhabitants, lang),
            ),
        },
    );
    c.line("</svg>");
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("aaaaaa b", 4), ["aaaaaa", "b"]);
        assert!(wrap("", 4).is_empty());
    }
}
