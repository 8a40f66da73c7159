//! Parsing of the HTTP `Retry-After` header, which holds either seconds or an HTTP date.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long to wait according to a `Retry-After` value, measured from `now`.
/// A date in the past means "now" (zero); an unreadable value gives `None`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_imf_fixdate(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Seconds since the Unix epoch of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`,
/// the only date format RFC 9110 lets servers send.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    let mut parts = value.split_ascii_whitespace();
    let _weekday = parts.next()?.strip_suffix(',')?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month = month_number(parts.next()?)?;
    let year: u64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if year < 1970 || day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 {
        return None;
    }
    // Leap seconds (60) are allowed by the grammar; counting them as the next second is harmless.
    if second > 60 {
        return None;
    }
    let days_before_year: u64 = (1970..year)
        .map(|y| if is_leap(y) { 366 } else { 365 })
        .sum();
    let days_before_month: u64 = (1..month).map(|m| days_in_month(year, m)).sum();
    let days = days_before_year + days_before_month + (day - 1);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn month_number(name: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS.iter().position(|m| *m == name).map(|i| i as u64 + 1)
}

fn is_leap(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_values() {
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (the RFC's own example).
        let now = at(784_111_777);
        let table: &[(&str, Option<u64>)] = &[
            ("7", Some(7)),
            (" 120 ", Some(120)),
            ("0", Some(0)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(0)),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(10)),
            ("Sun, 06 Nov 1994 08:48:37 GMT", Some(0)),
            ("Mon, 07 Nov 1994 08:49:37 GMT", Some(86_400)),
            (
                "Tue, 01 Mar 1996 00:00:00 GMT",
                Some(825_638_400 - 784_111_777),
            ),
            ("", None),
            ("-3", None),
            ("1.5", None),
            ("soon", None),
            ("Sun, 06 Nov 1994 08:49:37 UTC", None),
            ("Sun, 31 Feb 1994 08:49:37 GMT", None),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
        ];
        for (value, expected) in table {
            assert_eq!(
                parse_retry_after(value, now),
                expected.map(Duration::from_secs),
                "Retry-After: {value:?}"
            );
        }
    }

    /// Expected values computed independently (Python `calendar.timegm`).
    #[test]
    fn known_epoch_anchors() {
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_imf_fixdate("Sat, 01 Jan 2000 00:00:00 GMT"),
            Some(946_684_800)
        );
        assert_eq!(
            parse_imf_fixdate("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400)
        );
    }
}
