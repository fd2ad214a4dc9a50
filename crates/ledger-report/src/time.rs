//! Dates and times as readers in Flanders and Brussels expect them: on the Brussels wall
//! clock, with the month as a word (`8 mei 2023, 09:00`, `8 May 2023, 09:00`).
//!
//! The log keeps UTC; Brussels time is UTC+1, and UTC+2 from the last Sunday of March
//! 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule since 1996, which
//! covers every record this ledger can hold). The rule is written out here rather than
//! read from a time-zone database so the output cannot change with the machine. This
//! module must never read a clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use ledger_core::{Date, Timestamp};

use crate::lang::Lang;

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// 01:00 UTC on the last Sunday of `month` in `year`.
fn last_sunday_1am(year: i32, month: u32) -> Option<NaiveDateTime> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut day = first_next.pred_opt()?;
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt()?;
    }
    day.and_hms_opt(1, 0, 0)
}

/// The Brussels wall-clock time of `ts`; `None` outside chrono's range.
fn brussels(ts: Timestamp) -> Option<NaiveDateTime> {
    let utc = DateTime::from_timestamp_micros(ts.as_micros())?.naive_utc();
    let year = utc.year();
    let summer = match (last_sunday_1am(year, 3), last_sunday_1am(year, 10)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    utc.checked_add_signed(Duration::hours(if summer { 2 } else { 1 }))
}

fn day_month_year(date: NaiveDate, lang: Lang) -> String {
    let months = lang.pick(&MONTHS_NL, &MONTHS_EN);
    let month = months
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {} {}", date.day(), month, date.year())
}

/// The Brussels date of `ts`: `8 mei 2023` (nl), `8 May 2023` (en).
pub fn brussels_date(ts: Timestamp, lang: Lang) -> String {
    match brussels(ts) {
        Some(local) => day_month_year(local.date(), lang),
        None => ts.to_rfc3339(),
    }
}

/// The Brussels date and time of `ts` to the minute: `8 mei 2023, 09:00`.
pub fn brussels_date_time(ts: Timestamp, lang: Lang) -> String {
    match brussels(ts) {
        Some(local) => format!(
            "{}, {:02}:{:02}",
            day_month_year(local.date(), lang),
            local.hour(),
            local.minute()
        ),
        None => ts.to_rfc3339(),
    }
}

/// A calendar date (no time zone): `1 januari 2024` (nl), `1 January 2024` (en).
pub fn calendar_date(date: Date, lang: Lang) -> String {
    let text = date.to_string();
    match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(day) => day_month_year(day, lang),
        Err(_) => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn brussels_is_utc_plus_two_in_summer_and_plus_one_in_winter() {
        // The demo window: 8 May 2023 09:00 to 1 June 2023 00:00, Brussels time.
        assert_eq!(
            brussels_date_time(at("2023-05-08T07:00:00Z"), Lang::Nl),
            "8 mei 2023, 09:00"
        );
        assert_eq!(
            brussels_date_time(at("2023-05-31T22:00:00Z"), Lang::En),
            "1 June 2023, 00:00"
        );
        assert_eq!(
            brussels_date_time(at("2023-01-15T12:30:00Z"), Lang::Nl),
            "15 januari 2023, 13:30"
        );
    }

    #[test]
    fn the_switch_happens_at_one_in_the_morning_utc_on_the_last_sundays() {
        // 26 March 2023 and 29 October 2023 were the last Sundays.
        assert_eq!(
            brussels_date_time(at("2023-03-26T00:59:00Z"), Lang::En),
            "26 March 2023, 01:59"
        );
        assert_eq!(
            brussels_date_time(at("2023-03-26T01:00:00Z"), Lang::En),
            "26 March 2023, 03:00"
        );
        assert_eq!(
            brussels_date_time(at("2023-10-29T00:59:00Z"), Lang::En),
            "29 October 2023, 02:59"
        );
        assert_eq!(
            brussels_date_time(at("2023-10-29T01:00:00Z"), Lang::En),
            "29 October 2023, 02:00"
        );
    }

    #[test]
    fn calendar_dates_name_the_month() {
        let date = Date::parse("2024-01-01").unwrap();
        assert_eq!(calendar_date(date, Lang::Nl), "1 januari 2024");
        assert_eq!(calendar_date(date, Lang::En), "1 January 2024");
        assert_eq!(
            brussels_date(at("2028-12-31T22:59:59Z"), Lang::Nl),
            "31 december 2028"
        );
    }
}
