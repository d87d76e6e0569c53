//! Candidate discovery: people the gazetteer does not know, found where news copy introduces
//! them — a title or role phrase (الأمين العام، عضو لجنة …، المتحدث باسم …), its complement,
//! then a name of two to four words.
//!
//! It proposes names for an analyst to add; it never changes the gazetteer and never reports a
//! name the tagger already knows.

use super::lexicon::{core, fold_regional, readings};
use super::roles::{ADJECTIVES, GOVERNED, LINKS, ROLES, STOP, VERB_LIKE_NAMES};
use super::{Candidate, Kind, Tagger, Text, build_ac, canonical_words, id_char};
use crate::text::{normalize, sanitize};
use aho_corasick::AhoCorasick;
use std::collections::HashSet;

/// Compiled role phrases and the word lists used around them.
pub(crate) struct Roles {
    ac: AhoCorasick,
    governed: HashSet<String>,
    links: HashSet<String>,
    adjectives: HashSet<String>,
    stop: HashSet<String>,
    verb_like_names: HashSet<String>,
}

fn canon_set(words: &[&str]) -> HashSet<String> {
    words
        .iter()
        .map(|w| core(&fold_regional(&normalize(w))).to_owned())
        .collect()
}

impl Roles {
    pub(crate) fn new(intern: &mut dyn FnMut(&str) -> u32) -> Roles {
        let mut seen = HashSet::new();
        let patterns: Vec<String> = ROLES
            .iter()
            .map(|r| {
                canonical_words(r)
                    .iter()
                    .map(|w| id_char(intern(w)))
                    .collect::<String>()
            })
            .filter(|p| seen.insert(p.clone()))
            .collect();
        Roles {
            ac: build_ac(patterns.iter().map(String::as_str)),
            governed: canon_set(GOVERNED),
            links: canon_set(LINKS),
            adjectives: canon_set(ADJECTIVES),
            stop: canon_set(STOP),
            verb_like_names: canon_set(VERB_LIKE_NAMES),
        }
    }

    /// Candidates in order of first mention, deduplicated by normalized name.
    pub(crate) fn find(&self, tagger: &Tagger, text: &Text<'_>) -> Vec<Candidate> {
        let mut out: Vec<(String, Vec<String>, Candidate)> = Vec::new();
        let mut role_ends: Vec<(usize, usize)> = Vec::new();
        for m in self.ac.find_iter(text.haystack.as_bytes()) {
            let (a, b) = (m.start() / 3, m.end() / 3);
            let (Some(first), Some(last)) = (
                text.pos.get(a).copied().flatten(),
                text.pos.get(b - 1).copied().flatten(),
            ) else {
                continue;
            };
            role_ends.push((first, last + 1));
        }
        let role_starts: HashSet<usize> = role_ends.iter().map(|r| r.0).collect();
        for &(start, end) in &role_ends {
            // "الأسواق الرئيسة": a definite role word right after a definite word is an
            // adjective ("main"), not a title.
            if end == start + 1 && adjective_position(text, start) {
                continue;
            }
            let Some((comp_end, name)) = self.name_after(tagger, end, text, &role_starts) else {
                continue;
            };
            let cores: Vec<String> = name.clone().map(|i| word_core(text, i)).collect();
            let key = cores.join(" ");
            if tagger.lookup_name(&key) {
                continue;
            }
            if let Some(c) = out.iter_mut().find(|c| c.0 == key) {
                c.2.mentions += 1;
                continue;
            }
            let role = span(text, start, comp_end);
            let display = span(text, name.start, name.end);
            out.push((
                key,
                cores,
                Candidate {
                    name: display,
                    role,
                    mentions: 1,
                },
            ));
        }
        // Later bare mentions of the full name count too (the role is usually given once).
        if out.is_empty() {
            return Vec::new();
        }
        let all: Vec<String> = (0..text.words.len()).map(|i| word_core(text, i)).collect();
        for (_, cores, cand) in &mut out {
            let total = all.windows(cores.len()).filter(|w| w == cores).count();
            cand.mentions = cand.mentions.max(u32::try_from(total).unwrap_or(u32::MAX));
        }
        out.into_iter().map(|c| c.2).collect()
    }

    /// Skips the role's complement and takes the name that follows: returns where the
    /// complement ends and the name's word range.
    fn name_after(
        &self,
        tagger: &Tagger,
        mut j: usize,
        text: &Text<'_>,
        role_starts: &HashSet<usize>,
    ) -> Option<(usize, std::ops::Range<usize>)> {
        let limit = j + 7;
        while j < limit && j < text.words.len() {
            if broken(text, j) {
                return None;
            }
            let norm = &text.words.get(j)?.tok.norm;
            let owned_by_actor = text.owner.get(j).copied().flatten().is_some();
            let c = word_core(text, j);
            let governed = readings(norm).any(|r| self.governed.contains(r));
            let link = (self.links.contains(&c) || self.adjectives.contains(&c))
                && j + 1 < text.words.len();
            if owned_by_actor {
                // A known person right after the role: nothing to propose.
                let person = text.owner.get(j).copied().flatten().is_some_and(|a| {
                    tagger
                        .actors
                        .get(a as usize)
                        .is_some_and(|x| x.kind == Kind::Person)
                });
                if person {
                    return None;
                }
            } else if !(is_definite(norm) || governed || link) {
                break;
            }
            j += 1;
        }
        let comp_end = j;
        let first = text.words.get(j)?;
        // Stacked titles (ولي العهد رئيس مجلس الوزراء …): the next title gets its own turn.
        if role_starts.contains(&j)
            || broken(text, j)
            || is_definite(&first.tok.norm)
            || !self.name_word(text, j, true)
        {
            return None;
        }
        let mut k = j + 1;
        while k < j + 4 && k < text.words.len() {
            if broken(text, k) || role_starts.contains(&k) || !self.name_word(text, k, false) {
                break;
            }
            k += 1;
        }
        (k - j >= 2).then_some((comp_end, j..k))
    }

    fn name_word(&self, text: &Text<'_>, i: usize, first: bool) -> bool {
        let Some(w) = text.words.get(i) else {
            return false;
        };
        if text.owner.get(i).copied().flatten().is_some() {
            return false;
        }
        let norm = &w.tok.norm;
        if !norm.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c)) || norm.chars().count() < 2
        {
            return false;
        }
        let c = word_core(text, i);
        // وقال، وإن: a conjunction glued to a stop word. فان stays a name particle (van).
        let stripped = match norm.strip_prefix(['و', 'ف']) {
            Some(rest) if norm.starts_with('و') || rest.chars().nth(2).is_some() => rest,
            _ => norm,
        };
        // علي right after a role is the name Ali: the preposition على cannot follow a title.
        let ali = first && norm == "علي";
        if !ali
            && (self.stop.contains(&c)
                || self.stop.contains(norm.as_str())
                || self.stop.contains(stripped))
        {
            return false;
        }
        if self.governed.contains(&c) && first {
            return false;
        }
        // An imperfect verb (يطالب، تؤكد) is not a name word: after a role it means the role
        // was the sentence's subject, after a name it would otherwise be swallowed.
        if norm.starts_with(['ي', 'ت', 'ن'])
            && norm.chars().count() >= 4
            && !self.verb_like_names.contains(norm.as_str())
        {
            return false;
        }
        true
    }
}

fn adjective_position(text: &Text<'_>, i: usize) -> bool {
    match (
        i.checked_sub(1).and_then(|p| text.words.get(p)),
        text.words.get(i),
    ) {
        (Some(p), Some(w)) => {
            w.tok.norm.starts_with("ال") && p.tok.norm.starts_with("ال") && !broken(text, i)
        }
        _ => false,
    }
}

fn word_core(text: &Text<'_>, i: usize) -> String {
    text.words
        .get(i)
        .map(|w| core(&fold_regional(&w.tok.norm)).to_owned())
        .unwrap_or_default()
}

/// Punctuation or the title/body boundary right before word `i`.
fn broken(text: &Text<'_>, i: usize) -> bool {
    match (
        i.checked_sub(1).and_then(|p| text.words.get(p)),
        text.words.get(i),
    ) {
        (Some(p), Some(w)) => super::breaks_between(p, w),
        _ => false,
    }
}

/// Definite: the article, alone or after proclitics (الـ، والـ، بالـ، للـ).
fn is_definite(norm: &str) -> bool {
    let mut s = norm;
    for _ in 0..2 {
        if s.starts_with("ال") || s.starts_with("لل") {
            return true;
        }
        match s.strip_prefix(['و', 'ف', 'ب', 'ك', 'ل']) {
            Some(rest) => s = rest,
            None => return false,
        }
    }
    s.starts_with("ال")
}

fn span(text: &Text<'_>, a: usize, b: usize) -> String {
    match (
        text.words.get(a),
        b.checked_sub(1).and_then(|l| text.words.get(l)),
    ) {
        (Some(x), Some(y)) if x.in_title == y.in_title => {
            sanitize(x.src.get(x.tok.start..y.tok.end).unwrap_or_default())
        }
        _ => String::new(),
    }
}
