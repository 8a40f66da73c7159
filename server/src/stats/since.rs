//! `--since`: a span back from now (`7d`, `12h`, `30m`, `2w`) or a UTC date (`2026-11-01`).

use super::day::start_of_day_ms;

/// `--since` could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--since {0:?}: expected a span back from now such as 30m, 12h, 7d or 2w, or a UTC date \
     such as 2026-11-01"
)]
pub struct BadSince(pub String);

/// The unix ms `text` stands for, counting spans back from `now_ms`.
pub fn parse_since(text: &str, now_ms: i64) -> Result<i64, BadSince> {
    let bad = || BadSince(text.to_string());
    let trimmed = text.trim();
    if let Some(ms) = parse_date(trimmed) {
        return Ok(ms);
    }
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(bad)?;
    let (number, unit) = trimmed.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms: i64 = match unit.trim() {
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    number
        .checked_mul(unit_ms)
        .and_then(|span| now_ms.checked_sub(span))
        .ok_or_else(bad)
}

fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    start_of_day_ms(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_435_200_000; // 2026-11-23 12:00 UTC

    #[test]
    fn spans_count_back_from_now_and_dates_are_utc_midnights() {
        let cases = [
            ("7d", NOW - 7 * 86_400_000),
            ("12h", NOW - 12 * 3_600_000),
            ("30m", NOW - 30 * 60_000),
            ("45min", NOW - 45 * 60_000),
            ("90s", NOW - 90_000),
            ("2w", NOW - 14 * 86_400_000),
            (" 1d ", NOW - 86_400_000),
            ("0d", NOW),
            ("2026-11-01", 1_793_491_200_000),
            ("2024-02-29", 1_709_164_800_000),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_since(text, NOW), Ok(expected), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_examples() {
        for text in [
            "",
            "d",
            "7",
            "7y",
            "-7d",
            "seven days",
            "2026-02-30",
            "2026-1-1",
            "99999999999999999999d",
        ] {
            let error = parse_since(text, NOW).expect_err(text);
            assert!(error.to_string().contains("7d"), "{error}");
        }
    }
}
