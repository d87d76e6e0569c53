//! Dates as real feeds write them: RFC 822 and RFC 3339 with their common mistakes, SQL-style
//! `2018-12-13 00:00:00`, Arabic month names (Egyptian/Gulf, Levantine and Maghrebi sets),
//! Arabic-Indic digits, and time-zone abbreviations. What cannot be read yields `None` and the
//! raw string is kept; deciding whether a date is plausible is the store's job.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Month names as outlets write them, normalized (alef and taa marbuta folded). Longer names
/// first so that "تشرين الثاني" wins over "تشرين".
const MONTHS: &[(&str, u32)] = &[
    ("كانون الثاني", 1),
    ("كانون الاول", 12),
    ("تشرين الاول", 10),
    ("تشرين الثاني", 11),
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("ابريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("شباط", 2),
    ("اذار", 3),
    ("نيسان", 4),
    ("ايار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("اب", 8),
    ("ايلول", 9),
    ("جانفي", 1),
    ("فيفري", 2),
    ("افريل", 4),
    ("ماي", 5),
    ("جوان", 6),
    ("جويليه", 7),
    ("اوت", 8),
];

const ENGLISH_MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Offsets in minutes. AST in Arabic feeds is Arabia Standard Time (+03), not Atlantic.
const ZONES: &[(&str, i32)] = &[
    ("gmt", 0),
    ("utc", 0),
    ("ut", 0),
    ("z", 0),
    ("ast", 180),
    ("ksa", 180),
    ("msk", 180),
    ("trt", 180),
    ("eet", 120),
    ("eest", 180),
    ("cet", 60),
    ("cest", 120),
    ("bst", 60),
    ("irst", 210),
    ("est", -300),
    ("edt", -240),
    ("cst", -360),
    ("cdt", -300),
    ("mst", -420),
    ("mdt", -360),
    ("pst", -480),
    ("pdt", -420),
];

/// Parses a feed date leniently.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let s = prepare(raw);
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    generic(s)
}

/// ASCII digits, Arabic month names replaced by numbers' English names, punctuation unified.
fn prepare(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '٠'..='٩' => s.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '۰'..='۹' => s.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            'أ' | 'إ' | 'آ' => s.push('ا'),
            'ة' => s.push('ه'),
            '،' | '\u{200f}' | '\u{200e}' => s.push(' '),
            c => s.push(c),
        }
    }
    if s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        for (name, m) in MONTHS {
            if let Some(i) = find_word(&s, name) {
                s.replace_range(
                    i..i + name.len(),
                    &format!(" {} ", ENGLISH_MONTHS[*m as usize - 1]),
                );
                break;
            }
        }
        s = s.replace(" ص", " am").replace(" م", " pm");
    }
    s
}

/// Finds `word` in `s` as a whole word (Arabic letters on neither side).
fn find_word(s: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(word).map(|i| i + from) {
        let before = s[..i].chars().next_back();
        let after = s[i + word.len()..].chars().next();
        let is_letter = |c: Option<char>| c.is_some_and(|c| ('\u{0621}'..='\u{064A}').contains(&c));
        if !is_letter(before) && !is_letter(after) {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// A token scan for everything the fixed formats miss: finds a year, month, day, time and zone
/// in any order.
fn generic(s: &str) -> Option<DateTime<Utc>> {
    let (mut y, mut m, mut d) = (None, None, None);
    let mut time = None;
    let mut offset_min = 0i32;
    let mut pm = None;
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c == ',' || c == 'T' && s.contains('-') {
                ' '
            } else {
                c
            }
        })
        .collect();
    for tok in cleaned.split_whitespace() {
        let low = tok.to_ascii_lowercase();
        if let Some((date, rest)) = split_numeric_date(&low) {
            (y, m, d) = (Some(date.0), Some(date.1), Some(date.2));
            if let Some(t) = rest {
                time = parse_time(t).or(time);
            }
        } else if low.contains(':') && low.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let (t, z) = match low.find(['+', '-', 'z']) {
                Some(i) => (&low[..i], Some(&low[i..])),
                None => (low.as_str(), None),
            };
            time = parse_time(t);
            if let Some(z) = z.and_then(parse_offset) {
                offset_min = z;
            }
        } else if low.starts_with(['+', '-']) && low.len() >= 3 {
            offset_min = parse_offset(&low)?;
        } else if let Some(&(_, z)) = ZONES.iter().find(|(n, _)| *n == low) {
            offset_min = z;
        } else if let Some(rest) = low.strip_prefix("gmt").or_else(|| low.strip_prefix("utc")) {
            offset_min = parse_offset(rest).unwrap_or(0);
        } else if low == "am" || low == "pm" {
            pm = Some(low == "pm");
        } else if let Some(i) = ENGLISH_MONTHS.iter().position(|n| low.starts_with(n)) {
            m = Some(i as u32 + 1);
        } else if low.chars().all(|c| c.is_ascii_digit()) {
            let n: u32 = low.parse().ok()?;
            if low.len() == 4 {
                y = Some(n as i32);
            } else if d.is_none() && n <= 31 {
                d = Some(n);
            }
        }
    }
    let date = NaiveDate::from_ymd_opt(y?, m?, d?)?;
    let mut t = time.unwrap_or(NaiveTime::MIN);
    if let Some(pm) = pm {
        use chrono::Timelike;
        let h = t.hour() % 12 + if pm { 12 } else { 0 };
        t = t.with_hour(h)?;
    }
    let offset = FixedOffset::east_opt(offset_min * 60)?;
    let local = offset
        .from_local_datetime(&NaiveDateTime::new(date, t))
        .single()?;
    Some(local.with_timezone(&Utc))
}

/// `2018-12-13`, `2018/12/13`, `13/12/2018`, `13-12-2018`, possibly followed by `T10:00:00`.
type Ymd = (i32, u32, u32);

fn split_numeric_date(tok: &str) -> Option<(Ymd, Option<&str>)> {
    let (date, rest) = match tok.find('t') {
        Some(i) => (&tok[..i], Some(&tok[i + 1..])),
        None => (tok, None),
    };
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return None;
    }
    if parts[0].len() == 4 {
        Some(((n[0] as i32, n[1], n[2]), rest))
    } else if parts[2].len() == 4 {
        Some(((n[2] as i32, n[1], n[0]), rest))
    } else {
        None
    }
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.split('.').next()?;
    let parts: Vec<u32> = t
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
        [h, m, s] => NaiveTime::from_hms_opt(*h, *m, (*s).min(59)),
        _ => None,
    }
}

/// `+0300`, `+03:00`, `-5`, `z` → minutes east of UTC.
fn parse_offset(z: &str) -> Option<i32> {
    if z == "z" {
        return Some(0);
    }
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => (
            digits[..digits.len() - 2].parse::<i32>().ok()?,
            digits[digits.len() - 2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::iso;

    fn p(s: &str) -> Option<String> {
        parse(s).map(iso)
    }

    #[test]
    fn standard_and_broken_forms() {
        assert_eq!(
            p("Mon, 01 Jan 0001 00:00:00 +0000").as_deref(),
            Some("0001-01-01T00:00:00Z")
        );
        assert_eq!(
            p("Tue, 10 Jun 2003 04:00:00 GMT").as_deref(),
            Some("2003-06-10T04:00:00Z")
        );
        assert_eq!(
            p("2021-02-01T10:00:00+03:00").as_deref(),
            Some("2021-02-01T07:00:00Z")
        );
        assert_eq!(
            p("2018-12-13 00:00:00").as_deref(),
            Some("2018-12-13T00:00:00Z")
        );
        assert_eq!(
            p("Sun, 7 Feb 2021 10:00 AST").as_deref(),
            Some("2021-02-07T07:00:00Z")
        );
        assert_eq!(
            p("Sun, 07 Feb 2021 10:00:00 +03:00").as_deref(),
            Some("2021-02-07T07:00:00Z")
        );
        assert_eq!(
            p("9999-12-31T00:00:00Z").as_deref(),
            Some("9999-12-31T00:00:00Z")
        );
        assert_eq!(p("0000-00-00"), None);
        assert_eq!(p("soon"), None);
        assert_eq!(p(""), None);
    }

    #[test]
    fn arabic_dates() {
        assert_eq!(
            p("الأحد، 07 فبراير 2021 - 10:30 ص").as_deref(),
            Some("2021-02-07T10:30:00Z")
        );
        assert_eq!(
            p("٧ شباط ٢٠٢١ ٠٣:١٥ م").as_deref(),
            Some("2021-02-07T15:15:00Z")
        );
        assert_eq!(
            p("12 تشرين الثاني 2020").as_deref(),
            Some("2020-11-12T00:00:00Z")
        );
        assert_eq!(
            p("١٢ كانون الأول ٢٠٢٠").as_deref(),
            Some("2020-12-12T00:00:00Z")
        );
        assert_eq!(
            p("03 جويلية 2022 14:00 +0100").as_deref(),
            Some("2022-07-03T13:00:00Z")
        );
        assert_eq!(p("٢٠٢١/٠٢/٠١").as_deref(), Some("2021-02-01T00:00:00Z"));
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in [
            "::::",
            "+99999",
            "31/02/2021",
            "٣١ ماي",
            "2021-13-45T99:99:99",
            "gmt+",
            "\u{0}",
        ] {
            let _ = parse(s);
        }
    }
}
