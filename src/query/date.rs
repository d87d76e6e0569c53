//! `since:`/`until:` values: syntax checked at parse time, turned into an instant at resolve time
//! from an injected `now` (never the system clock), so relative dates are testable.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::error::did_you_mean;

/// A date as written by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    /// `7d`, `24h`, `2w`: that long before now.
    Ago(Duration),
    /// `2021-02-01`: midnight UTC starting that day.
    Day(NaiveDate),
    /// `2021-02-01T12:00:00Z` (RFC 3339).
    Instant(DateTime<Utc>),
    /// Midnight UTC starting today.
    Today,
    /// Midnight UTC starting yesterday.
    Yesterday,
}

const WORDS: &[&str] = &["today", "yesterday"];
const FORMATS: &str = "use 7d, 24h, 2w, YYYY-MM-DD, today or yesterday";

/// Parse a date value; the error is `(message, hint)`.
pub fn parse_spec(v: &str) -> Result<DateSpec, (String, Option<String>)> {
    let bad = || {
        let hint = did_you_mean(v, WORDS.iter().copied()).or_else(|| Some(FORMATS.to_string()));
        (format!("bad date '{v}'"), hint)
    };
    match v.to_ascii_lowercase().as_str() {
        "today" => return Ok(DateSpec::Today),
        "yesterday" => return Ok(DateSpec::Yesterday),
        _ => {}
    }
    if let Some(unit) = v.chars().last()
        && v.len() > 1
        && v[..v.len() - unit.len_utf8()]
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        let n: i64 = v[..v.len() - unit.len_utf8()]
            .parse()
            .map_err(|_| (format!("date '{v}' is out of range"), None))?;
        let d = match unit {
            'h' | 'H' => Duration::try_hours(n),
            'd' | 'D' => Duration::try_days(n),
            'w' | 'W' => Duration::try_weeks(n),
            _ => return Err(bad()),
        };
        return d
            .map(DateSpec::Ago)
            .ok_or_else(|| (format!("date '{v}' is out of range"), None));
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        && v.len() == 10
    {
        return Ok(DateSpec::Day(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(DateSpec::Instant(t.with_timezone(&Utc)));
    }
    Err(bad())
}

/// The instant a spec stands for, truncated to whole seconds because the database stores
/// `published_at` at second precision and both back ends must compare the same numbers.
pub fn instant(spec: DateSpec, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
    let t = match spec {
        DateSpec::Ago(d) => now.checked_sub_signed(d)?,
        DateSpec::Day(d) => midnight(d)?,
        DateSpec::Instant(t) => t,
        DateSpec::Today => midnight(now.date_naive())?,
        DateSpec::Yesterday => midnight(now.date_naive().pred_opt()?)?,
    };
    DateTime::from_timestamp(t.timestamp(), 0)
}

/// The database's text form of an instant: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn sql_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
