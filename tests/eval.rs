//! Tagging quality on `tests/fixtures/tagging/eval.toml`: micro precision and recall over
//! actors (both must reach 0.90), candidate recall, and per-case differences for tuning.

use rasd::tag::{Gazetteer, Tagger};
use rasd::text::normalize;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    #[allow(dead_code)]
    outlet: String,
    title: String,
    body: String,
    actors: Vec<String>,
    #[serde(default)]
    not_actors: Vec<String>,
    #[serde(default)]
    candidates: Vec<String>,
    /// Topics a human analyst assigned, by reading (not by running rasd).
    #[serde(default)]
    topics: Vec<String>,
}

const THRESHOLD: f64 = 0.90;

#[test]
fn actor_precision_and_recall() {
    let src = include_str!("fixtures/tagging/eval.toml");
    let eval: EvalFile = toml::from_str(src).expect("eval.toml parses");
    assert!(eval.case.len() >= 40, "the set must keep at least 40 cases");
    let gazetteer = Gazetteer::builtin();
    let tagger = Tagger::new(&gazetteer);

    let unknown: Vec<&str> = eval
        .case
        .iter()
        .flat_map(|c| c.actors.iter().chain(&c.not_actors))
        .filter(|k| tagger.actor(k).is_none())
        .map(String::as_str)
        .collect();
    assert!(unknown.is_empty(), "keys not in the gazetteer: {unknown:?}");

    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut cand_found, mut cand_expected) = (0usize, 0usize);
    let mut cand_extra = Vec::new();
    let mut trap_hits = Vec::new();
    for case in &eval.case {
        let tags = tagger.tag(&case.title, &case.body);
        let got: BTreeSet<&str> = tags.actors.iter().map(|a| a.key.as_str()).collect();
        let want: BTreeSet<&str> = case.actors.iter().map(String::as_str).collect();
        let missed: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        tp += want.intersection(&got).count();
        fp += extra.len();
        fn_ += missed.len();
        for trap in &case.not_actors {
            if got.contains(trap.as_str()) {
                trap_hits.push(format!("{}: {trap}", case.id));
            }
        }
        let names: BTreeSet<String> = tags.candidates.iter().map(|c| normalize(&c.name)).collect();
        let found = case
            .candidates
            .iter()
            .filter(|c| names.contains(&normalize(c)))
            .count();
        cand_found += found;
        let wanted: BTreeSet<String> = case.candidates.iter().map(|c| normalize(c)).collect();
        cand_extra.extend(
            tags.candidates
                .iter()
                .filter(|c| !wanted.contains(&normalize(&c.name)))
                .map(|c| format!("{}: {} ({})", case.id, c.name, c.role)),
        );
        cand_expected += case.candidates.len();
        if !missed.is_empty() || !extra.is_empty() || found < case.candidates.len() {
            println!("{:<26} missed {missed:?} extra {extra:?}", case.id);
            if found < case.candidates.len() {
                println!(
                    "{:<26} candidates want {:?} got {:?}",
                    "", case.candidates, names
                );
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "actors: precision {precision:.3} recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_}) over {} cases",
        eval.case.len()
    );
    println!("candidates: {cand_found}/{cand_expected} found; unexpected: {cand_extra:?}");
    println!("traps tagged: {trap_hits:?}");
    assert!(
        precision >= THRESHOLD,
        "precision {precision:.3} < {THRESHOLD}"
    );
    assert!(recall >= THRESHOLD, "recall {recall:.3} < {THRESHOLD}");
    assert!(trap_hits.is_empty(), "trap actors tagged: {trap_hits:?}");
}

/// The goal of issue #3 is 0.85 for both; it is not met yet (precision 0.847, recall 0.753 on
/// 2026-12-06): the remaining misses are judgments that need background knowledge (talks in
/// Muscat are the nuclear talks) or broader topic vocabularies. This floor guards against
/// regressions while the topic queries are tuned.
const TOPIC_GOAL: f64 = 0.85;
const TOPIC_PRECISION_FLOOR: f64 = 0.80;
const TOPIC_RECALL_FLOOR: f64 = 0.70;

#[test]
fn topic_precision_and_recall() {
    let eval: EvalFile =
        toml::from_str(include_str!("fixtures/tagging/eval.toml")).expect("eval.toml parses");
    let analyzer = rasd::analyze::Analyzer::load(None, vec![]).expect("built-in data");
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for case in &eval.case {
        let a = analyzer.analyze(&rasd::analyze::ArticleFacts {
            title: &case.title,
            text: &case.body,
            source_key: "eval",
            source_name: "eval",
            country: None,
            lang: Some("ar"),
            published_at: chrono::Utc::now(),
            fts: None,
        });
        let got: BTreeSet<&str> = a.topics.iter().map(String::as_str).collect();
        let want: BTreeSet<&str> = case.topics.iter().map(String::as_str).collect();
        let missed: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        tp += want.intersection(&got).count();
        fp += extra.len();
        fn_ += missed.len();
        if !missed.is_empty() || !extra.is_empty() {
            println!("{:<26} topics missed {missed:?} extra {extra:?}", case.id);
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "topics: precision {precision:.3}, recall {recall:.3} ({tp} right, {fp} wrong, {fn_} missed)"
    );
    println!(
        "goal {TOPIC_GOAL}: {}",
        if precision >= TOPIC_GOAL && recall >= TOPIC_GOAL {
            "met"
        } else {
            "not met"
        }
    );
    assert!(
        precision >= TOPIC_PRECISION_FLOOR && recall >= TOPIC_RECALL_FLOOR,
        "topic precision {precision:.3} recall {recall:.3} fell below the floor"
    );
}
