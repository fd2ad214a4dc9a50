//! Numbers as each language writes them: `200.000` and `92,5%` in Flemish Dutch,
//! `200,000` and `92.5%` in English, `EUR 200.000` / `EUR 200,000` for money.
//!
//! Percentages come from exact fractions through `ledger_core::Ratio::percent` (half to
//! even at the digits shown), the same rounding the API's `percent` strings use, so the
//! newsletter and the API can never show different figures. This module must never use
//! floating point.

use ledger_core::Ratio;
use ledger_projections::Share;

use crate::lang::Lang;

fn separators(lang: Lang) -> (char, char) {
    // (thousands, decimal)
    lang.pick(('.', ','), (',', '.'))
}

/// `n` with thousands separators: `1.234.567` (nl), `1,234,567` (en).
pub fn integer(n: u64, lang: Lang) -> String {
    let (thousands, _) = separators(lang);
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(thousands);
        }
        out.push(c);
    }
    out
}

/// An amount in euro cents as each language writes it: `€ 200.000` (nl, with a space)
/// or `€200,000` (en); cents are shown only when there are any (`€ 1.234,50`).
pub fn euros(cents: u64, lang: Lang) -> String {
    let (_, decimal) = separators(lang);
    let whole = integer(cents / 100, lang);
    let sign = lang.pick("€ ", "€");
    match cents % 100 {
        0 => format!("{sign}{whole}"),
        rest => format!("{sign}{whole}{decimal}{rest:02}"),
    }
}

/// `numerator / denominator` as a percentage with `digits` decimals, rounded half to
/// even: `92%`, `92,48%` (nl), `92.48%` (en). `None` for a zero denominator.
pub fn percent(numerator: u64, denominator: u64, digits: u32, lang: Lang) -> Option<String> {
    let (_, decimal) = separators(lang);
    let text = Ratio::new(numerator, denominator)?.percent(digits);
    Some(format!("{}%", text.replace('.', &decimal.to_string())))
}

/// A share in whole percent (`92%`), recomputed from its exact fraction.
pub fn share_percent(share: &Share, lang: Lang) -> String {
    percent(share.numerator, share.denominator, 0, lang).unwrap_or_else(|| "-".to_owned())
}

/// Pixels of a bar of `track` pixels for `numerator / denominator`, rounded half to even;
/// 0 for a zero denominator, never more than `track`.
pub(crate) fn scaled(track: u64, numerator: u64, denominator: u64) -> u64 {
    if denominator == 0 {
        return 0;
    }
    let product = u128::from(track) * u128::from(numerator.min(denominator));
    let den = u128::from(denominator);
    let mut quotient = product / den;
    let twice_remainder = (product % den) * 2;
    if twice_remainder > den || (twice_remainder == den && quotient % 2 == 1) {
        quotient += 1;
    }
    u64::try_from(quotient).unwrap_or(track).min(track)
}

/// A weighted total (the sum over criteria of weight times mean score, each score 0 to
/// 10) on a scale of 100: `80` for 801,67 when the weights sum to 100. `None` without
/// weights or when the fraction does not fit.
pub(crate) fn score_out_of_100(
    numerator: u128,
    denominator: u128,
    weight_sum: u64,
    lang: Lang,
) -> Option<String> {
    let numerator = u64::try_from(numerator).ok()?;
    let denominator = u64::try_from(denominator)
        .ok()?
        .checked_mul(weight_sum)?
        .checked_mul(10)?;
    let shown = percent(numerator, denominator, 0, lang)?;
    Some(shown.trim_end_matches('%').to_owned())
}

/// A proposal's budget as a sentence: `Budget: € 200.000,00 per jaar.`, or `Geen budget.`
/// when it has none (zero).
pub(crate) fn budget_sentence(cents: u64, lang: Lang) -> String {
    match (cents, lang) {
        (0, _) => lang.pick("Geen budget.", "No budget.").to_owned(),
        (_, Lang::Nl) => format!("Budget: {} per jaar.", euros(cents, lang)),
        (_, Lang::En) => format!("Budget: {} a year.", euros(cents, lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_the_flemish_and_the_english_way() {
        assert_eq!(integer(200_000, Lang::Nl), "200.000");
        assert_eq!(integer(200_000, Lang::En), "200,000");
        assert_eq!(integer(6_653_062, Lang::Nl), "6.653.062");
        assert_eq!(integer(999, Lang::Nl), "999");
        assert_eq!(integer(1000, Lang::En), "1,000");
        assert_eq!(integer(0, Lang::En), "0");
        assert_eq!(integer(u64::MAX, Lang::En), "18,446,744,073,709,551,615");
    }

    #[test]
    fn a_proposal_without_a_budget_says_so_instead_of_zero_euros() {
        assert_eq!(budget_sentence(0, Lang::En), "No budget.");
        assert_eq!(budget_sentence(0, Lang::Nl), "Geen budget.");
        assert_eq!(
            budget_sentence(20_000_000, Lang::En),
            "Budget: €200,000 a year."
        );
        assert_eq!(
            budget_sentence(20_000_000, Lang::Nl),
            "Budget: € 200.000 per jaar."
        );
    }

    #[test]
    fn money_is_whole_euros_unless_there_are_cents() {
        assert_eq!(euros(20_000_000, Lang::Nl), "€ 200.000");
        // 801,67 of at most 1.000 (weights summing to 100, scores up to 10).
        assert_eq!(
            score_out_of_100(80_167, 100, 100, Lang::Nl).as_deref(),
            Some("80")
        );
        assert_eq!(score_out_of_100(1, 1, 0, Lang::Nl), None);
        assert_eq!(euros(20_000_000, Lang::En), "€200,000");
        assert_eq!(euros(123_450, Lang::Nl), "€ 1.234,50");
        assert_eq!(euros(123_405, Lang::En), "€1,234.05");
    }

    #[test]
    fn whole_percent_rounds_half_to_even_from_the_exact_fraction() {
        // 92.48% shows as 92%.
        assert_eq!(percent(9248, 10_000, 0, Lang::Nl).as_deref(), Some("92%"));
        assert_eq!(percent(9248, 10_000, 0, Lang::En).as_deref(), Some("92%"));
        assert_eq!(percent(9248, 10_000, 1, Lang::Nl).as_deref(), Some("92,5%"));
        assert_eq!(percent(9248, 10_000, 1, Lang::En).as_deref(), Some("92.5%"));
        // Exactly half: to the even neighbour.
        assert_eq!(percent(925, 1000, 0, Lang::Nl).as_deref(), Some("92%"));
        assert_eq!(percent(935, 1000, 0, Lang::Nl).as_deref(), Some("94%"));
        // Just above half rounds up, however little above.
        assert_eq!(
            percent(925_000_001, 1_000_000_000, 0, Lang::Nl).as_deref(),
            Some("93%")
        );
        assert_eq!(percent(1, 0, 0, Lang::Nl), None);
    }

    #[test]
    fn bars_scale_exactly_and_never_overflow_the_track() {
        assert_eq!(scaled(300, 1, 2), 150);
        assert_eq!(scaled(300, 92, 100), 276);
        assert_eq!(scaled(3, 1, 2), 2); // 1.5 -> 2 (even)
        assert_eq!(scaled(5, 1, 2), 2); // 2.5 -> 2 (even)
        assert_eq!(scaled(300, 7, 0), 0);
        assert_eq!(scaled(300, u64::MAX, u64::MAX), 300);
        assert_eq!(scaled(300, 5, 3), 300);
    }
}
