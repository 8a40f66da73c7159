//! Calendar days (UTC) of unix timestamps, without a date library.

const MS_PER_DAY: i64 = 86_400_000;

/// The UTC day of `unix_ms` as `YYYY-MM-DD`.
pub fn day_of(unix_ms: i64) -> String {
    let (year, month, day) = civil_from_days(unix_ms.div_euclid(MS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Unix ms at 00:00 UTC of `year-month-day`; `None` for a date that does not exist.
pub fn start_of_day_ms(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * MS_PER_DAY)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Days since 1970-01-01 in the proleptic Gregorian calendar, counted in 400-year eras (146 097
// days each) from a year that starts in March, so the leap day is the last day of the year.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_of_known_instants() {
        // Reference instants checked with `date -u -d @<seconds>`.
        let cases = [
            (0, "1970-01-01"),
            (86_399_999, "1970-01-01"),
            (86_400_000, "1970-01-02"),
            (-1, "1969-12-31"),
            (951_782_400_000, "2000-02-29"),
            (1_709_164_800_000, "2024-02-29"),
            (1_735_689_599_999, "2024-12-31"),
            (1_795_435_200_000, "2026-11-23"),
        ];
        for (ms, day) in cases {
            assert_eq!(day_of(ms), day, "{ms}");
        }
    }

    #[test]
    fn start_of_day_round_trips_and_rejects_impossible_dates() {
        assert_eq!(start_of_day_ms(1970, 1, 1), Some(0));
        assert_eq!(start_of_day_ms(2000, 2, 29), Some(951_782_400_000));
        assert_eq!(start_of_day_ms(2024, 3, 1), Some(1_709_251_200_000));
        assert_eq!(start_of_day_ms(2023, 2, 29), None);
        assert_eq!(start_of_day_ms(1900, 2, 29), None);
        assert_eq!(start_of_day_ms(2024, 13, 1), None);
        assert_eq!(start_of_day_ms(2024, 4, 31), None);
        // Both sides of the epoch, several leap cycles, and the 400-year era boundary in 2000.
        for day in (-800_000..-797_000)
            .chain(10_000..12_000)
            .chain(19_000..21_000)
        {
            let ms = day * MS_PER_DAY;
            let (y, m, d) = civil_from_days(day);
            assert_eq!(start_of_day_ms(y, m, d), Some(ms), "{}", day_of(ms));
        }
    }
}
