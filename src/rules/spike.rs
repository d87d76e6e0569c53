//! Spike rules (`spike = "…"` in a `[[rule]]`): a volume watch. A rule fires when the articles
//! matching its query on the current UTC day number at least `min_count` and more than
//! `multiple` times the trailing [`WINDOW_DAYS`]-day daily average — once per rule and day,
//! recorded in `rule_spikes` so that another poll, in this process or another, stays quiet.
//!
//! Checked after each poll's writes (a spike is about a day's volume, not one article); the
//! decision itself ([`spike_days`]) is a pure function over a day → count series, shared by the
//! live check, `rasd rules test` and the TUI timeline so the three never disagree.

use super::Rule;
use crate::query::Query;
use crate::store::spikes::{self, SpikeArticle};
use crate::store::{Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days in the trailing average.
pub const WINDOW_DAYS: u64 = 14;
/// Articles of the spike day handed to the alert (newest first).
pub const ALERT_ARTICLES: usize = 10;
/// Defaults of `multiple` and `min_count` (config), also used to mark the TUI timeline.
pub const DEFAULT_MULTIPLE: f64 = 3.0;
pub const DEFAULT_MIN_COUNT: u32 = 5;

/// The thresholds of a spike rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub multiple: f64,
    pub min_count: u32,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold {
            multiple: DEFAULT_MULTIPLE,
            min_count: DEFAULT_MIN_COUNT,
        }
    }
}

impl Threshold {
    /// `count` on a day against the trailing daily average `baseline`.
    pub fn is_spike(&self, count: i64, baseline: f64) -> bool {
        count >= i64::from(self.min_count) && count as f64 > self.multiple * baseline
    }
}

/// One day that crossed the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpikeDay {
    pub day: NaiveDate,
    pub count: i64,
    /// The trailing daily average the count was compared with.
    pub baseline: f64,
}

/// The days in `[from, to]` whose count crossed `t`. `counts` must hold every day with articles
/// from `from - WINDOW_DAYS` on (absent days are zero). A day is judged only once rasd had been
/// collecting before it (`since`): on the first day everything is new, and that is no spike;
/// until rasd has collected for [`WINDOW_DAYS`] days the average covers the days it has.
pub fn spike_days(
    counts: &BTreeMap<NaiveDate, i64>,
    since: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
    t: Threshold,
) -> Vec<SpikeDay> {
    let Some(since) = since else { return vec![] };
    let mut out = vec![];
    for day in from.iter_days().take_while(|d| *d <= to) {
        if day <= since {
            continue;
        }
        // Averaged over the days rasd was collecting: in its second week a database has no
        // fourteen days of history, and zeros for days it never saw would make every busy day
        // look like a spike.
        let start = (day - chrono::Days::new(WINDOW_DAYS)).max(since);
        let observed = (day - start).num_days().max(1);
        let window: i64 = counts.range(start..day).map(|(_, n)| n).sum();
        let baseline = window as f64 / observed as f64;
        let count = counts.get(&day).copied().unwrap_or(0);
        if t.is_spike(count, baseline) {
            out.push(SpikeDay {
                day,
                count,
                baseline,
            });
        }
    }
    out
}

/// What a fired spike rule reports: logged, shown by the TUI, and given to its exec hook as
/// JSON (with `"kind": "spike"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpikeAlert {
    pub rule: String,
    /// The rule's query as written in feeds.toml.
    pub query: String,
    /// The UTC day, `YYYY-MM-DD`.
    pub day: String,
    pub count: i64,
    pub baseline: f64,
    pub multiple: f64,
    pub min_count: u32,
    pub fired_at: String,
    /// The day's newest matching articles (at most [`ALERT_ARTICLES`]).
    pub articles: Vec<SpikeArticle>,
}

/// Checks the spike rules among `rules` for the UTC day of `now` and records those that fire.
/// Each rule is one IMMEDIATE transaction (count, decide, record), so two pollers on one
/// database cannot both fire the same day.
pub fn check(store: &mut Store, rules: &[Rule], now: DateTime<Utc>) -> Result<Vec<SpikeAlert>> {
    let today = now.date_naive();
    let mut fired = vec![];
    for r in rules {
        let Some(t) = r.spike else { continue };
        let tx = store
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let since = spikes::collecting_since(&tx)?;
        let from = today - chrono::Days::new(WINDOW_DAYS);
        let counts = spikes::daily_counts(&tx, &r.query, Some(from), today + chrono::Days::new(1))?;
        if let Some(s) = spike_days(&counts, since, today, today, t).pop() {
            let at = crate::util::iso(now);
            if spikes::record(&tx, &r.name, s.day, s.count, s.baseline, &at)? {
                fired.push(SpikeAlert {
                    rule: r.name.clone(),
                    query: r.source.clone(),
                    day: s.day.format("%Y-%m-%d").to_string(),
                    count: s.count,
                    baseline: s.baseline,
                    multiple: t.multiple,
                    min_count: t.min_count,
                    fired_at: at,
                    articles: spikes::day_articles(&tx, &r.query, s.day, ALERT_ARTICLES)?,
                });
            }
        }
        tx.commit()?;
    }
    Ok(fired)
}

/// The days in the last `days` days (up to the UTC day of `now`) on which a query's volume
/// crossed `t`: what `rasd rules test` lists for a spike rule and the TUI timeline marks.
pub fn history(
    store: &Store,
    q: &Query,
    t: Threshold,
    days: u64,
    now: DateTime<Utc>,
) -> Result<Vec<SpikeDay>> {
    let today = now.date_naive();
    let since = spikes::collecting_since(&store.conn)?;
    let from = today - chrono::Days::new(days.saturating_sub(1));
    let counts = spikes::daily_counts(
        &store.conn,
        q,
        Some(from - chrono::Days::new(WINDOW_DAYS)),
        today + chrono::Days::new(1),
    )?;
    Ok(spike_days(&counts, since, from, today, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn flat(until: &str, per_day: i64) -> BTreeMap<NaiveDate, i64> {
        let end = d(until);
        (1..=20)
            .map(|i| (end - chrono::Days::new(i), per_day))
            .collect()
    }

    #[test]
    fn a_jump_over_three_times_the_average_fires() {
        let mut c = flat("2026-03-20", 2);
        c.insert(d("2026-03-20"), 7);
        let s = spike_days(
            &c,
            Some(d("2026-01-01")),
            d("2026-03-20"),
            d("2026-03-20"),
            Threshold::default(),
        );
        assert_eq!(
            s,
            vec![SpikeDay {
                day: d("2026-03-20"),
                count: 7,
                baseline: 2.0
            }]
        );
    }

    #[test]
    fn exactly_the_multiple_or_under_the_minimum_does_not() {
        let mut c = flat("2026-03-20", 2);
        c.insert(d("2026-03-20"), 6);
        let t = Threshold::default();
        let day = d("2026-03-20");
        assert!(spike_days(&c, Some(d("2026-01-01")), day, day, t).is_empty());
        // A quiet subject: 4 after nothing at all is still under min_count.
        let mut quiet = BTreeMap::new();
        quiet.insert(day, 4);
        assert!(spike_days(&quiet, Some(d("2026-01-01")), day, day, t).is_empty());
        quiet.insert(day, 5);
        assert_eq!(
            spike_days(&quiet, Some(d("2026-01-01")), day, day, t).len(),
            1
        );
    }

    #[test]
    fn nothing_fires_on_the_first_day_of_collecting() {
        let day = d("2026-03-20");
        let mut c = BTreeMap::new();
        c.insert(day, 50);
        assert!(spike_days(&c, Some(day), day, day, Threshold::default()).is_empty());
        assert!(spike_days(&c, None, day, day, Threshold::default()).is_empty());
        assert_eq!(
            spike_days(&c, Some(d("2026-03-19")), day, day, Threshold::default()).len(),
            1
        );
    }

    #[test]
    fn a_young_archive_averages_over_the_days_it_has() {
        // Collecting since the 17th at 6 a day: the 20th's 12 is twice the average, no spike;
        // zeros for the eleven unseen days would have made the average 1.3.
        let since = d("2026-03-17");
        let mut c: BTreeMap<NaiveDate, i64> = (1..=3)
            .map(|i| (d("2026-03-20") - chrono::Days::new(i), 6))
            .collect();
        let day = d("2026-03-20");
        c.insert(day, 12);
        assert!(spike_days(&c, Some(since), day, day, Threshold::default()).is_empty());
        c.insert(day, 19);
        assert_eq!(
            spike_days(&c, Some(since), day, day, Threshold::default()),
            vec![SpikeDay {
                day,
                count: 19,
                baseline: 6.0
            }]
        );
    }

    #[test]
    fn the_window_is_the_fourteen_days_before() {
        // A burst 15 days back is outside the window; one 14 days back is inside.
        let day = d("2026-03-20");
        let mut c = BTreeMap::new();
        c.insert(day - chrono::Days::new(15), 1000);
        c.insert(day, 10);
        let t = Threshold::default();
        assert_eq!(spike_days(&c, Some(d("2026-01-01")), day, day, t).len(), 1);
        c.insert(day - chrono::Days::new(14), 1000);
        assert!(spike_days(&c, Some(d("2026-01-01")), day, day, t).is_empty());
    }
}
