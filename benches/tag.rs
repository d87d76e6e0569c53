//! Tagging throughput on one core with the full built-in gazetteer and topics: MB of Arabic
//! news text per second, actors only (the matcher) and the whole ingest analysis (actors,
//! candidates and every topic query). `cargo bench --bench tag`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rasd::analyze::{Analyzer, ArticleFacts};

fn articles() -> (Vec<(String, String)>, usize) {
    let text = include_str!("articles.txt");
    let v: Vec<(String, String)> = text
        .split("\n\n\n")
        .filter_map(|a| a.trim().split_once('\n'))
        .map(|(t, b)| (t.to_string(), b.to_string()))
        .collect();
    let bytes = v.iter().map(|(t, b)| t.len() + b.len()).sum();
    (v, bytes)
}

/// Topics found over all articles; with `shadows`, the index shadows computed at ingest are reused.
fn analyze_all(
    analyzer: &Analyzer,
    arts: &[(String, String)],
    shadows: Option<&[(String, String)]>,
) -> usize {
    let now = chrono::Utc::now();
    arts.iter()
        .enumerate()
        .map(|(i, (t, body))| {
            let fts = shadows.map(|s| (s[i].0.as_str(), s[i].1.as_str()));
            analyzer
                .analyze(&ArticleFacts {
                    title: t,
                    text: body,
                    source_key: "bench",
                    source_name: "bench",
                    country: None,
                    lang: Some("ar"),
                    published_at: now,
                    fts,
                })
                .topics
                .len()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let (arts, bytes) = articles();
    let analyzer = Analyzer::load(None, vec![]).expect("built-in data");
    let mut g = c.benchmark_group("tag");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("actors", |b| {
        b.iter(|| {
            arts.iter()
                .map(|(t, body)| analyzer.tagger.tag(t, body).actors.len())
                .sum::<usize>()
        })
    });
    g.bench_function("analysis", |b| {
        b.iter(|| analyze_all(&analyzer, &arts, None))
    });
    g.bench_function("fts_text", |b| {
        b.iter(|| {
            arts.iter()
                .map(|(t, body)| rasd::text::fts_text(t).len() + rasd::text::fts_text(body).len())
                .sum::<usize>()
        })
    });
    let shadows: Vec<(String, String)> = arts
        .iter()
        .map(|(t, b)| (rasd::text::fts_text(t), rasd::text::fts_text(b)))
        .collect();
    g.bench_function("analysis-at-ingest", |b| {
        b.iter(|| analyze_all(&analyzer, &arts, Some(&shadows)))
    });
    g.finish();
    c.bench_function("gazetteer compile", |b| {
        b.iter(|| Analyzer::load(None, vec![]).map(|a| a.topics.len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
