//! Tags stdin (first line = title) with the built-in gazetteer and prints the result.
//! `--each`: stdin holds articles separated by two blank lines; prints each one's tags.
//! `--bench`: same input, tags it 200 times on one thread and prints MB/s (wall clock, so run it
//! on an idle machine): `cargo run --release --example tag -- --bench < benches/articles.txt`.

use rasd::tag::{Gazetteer, Tagger};
use std::io::Read;
use std::time::Instant;

fn main() {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        eprintln!("stdin is not UTF-8");
        std::process::exit(1);
    }
    let t0 = Instant::now();
    let tagger = Tagger::new(&Gazetteer::builtin());
    eprintln!("compiled in {:?}", t0.elapsed());
    let (title, body) = input.split_once('\n').unwrap_or((input.as_str(), ""));
    if std::env::args().any(|a| a == "--bench") {
        // Articles are separated by two blank lines; each one's first line is its title.
        let articles: Vec<(&str, &str)> = input
            .split("\n\n\n")
            .map(|a| a.trim().split_once('\n').unwrap_or((a, "")))
            .collect();
        let rounds = 200;
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..rounds {
            for (title, body) in &articles {
                n += tagger.tag(title, body).actors.len();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        let mb = (input.len() * rounds) as f64 / 1e6;
        println!(
            "{:.1} MB/s on one core ({} articles x {rounds}, {mb:.1} MB in {secs:.2}s, {n} hits)",
            mb / secs,
            articles.len()
        );
        return;
    }
    if std::env::args().any(|a| a == "--each") {
        for article in input.split("\n\n\n") {
            let (title, body) = article.trim().split_once('\n').unwrap_or((article, ""));
            let tags = tagger.tag(title, body);
            let keys: Vec<&str> = tags.actors.iter().map(|a| a.key.as_str()).collect();
            let cands: Vec<String> = tags
                .candidates
                .iter()
                .map(|c| format!("{} [{}]", c.name, c.role))
                .collect();
            if !keys.is_empty() || !cands.is_empty() {
                println!(
                    "{} | {keys:?} {cands:?}",
                    title.chars().take(60).collect::<String>()
                );
            }
        }
        return;
    }
    let tags = tagger.tag(title, body);
    for a in &tags.actors {
        println!(
            "{} x{}{}",
            a.key,
            a.mentions,
            if a.in_title { " (title)" } else { "" }
        );
    }
    for c in &tags.candidates {
        println!("? {} — {} x{}", c.name, c.role, c.mentions);
    }
}
