//! Actor tagging: which gazetteer actors an article names, how often and whether in its title,
//! plus candidates — people introduced by a title or role whom the gazetteer does not know yet.
//!
//! The tagger compiles a [`Gazetteer`] once into a token vocabulary and Aho–Corasick automata
//! over token-id sequences, then tags text with no further allocation per actor. It reads text
//! only through `crate::text` (normalize, tokenize) and never touches storage or display; the
//! words it compares are match keys, never shown.

mod candidates;
mod gazetteer;
mod lexicon;
mod roles;

pub use gazetteer::{Actor, Gazetteer, Kind, TagError};

use crate::text::{Token, normalize, tokenize};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use lexicon::{FxMap, fold_regional, nisba_base, nisba_stem, readings};
use std::collections::HashSet;
use std::collections::hash_map::Entry;

/// What [`Tagger::tag`] found in one article.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tags {
    /// Actors in order of first mention.
    pub actors: Vec<ActorHit>,
    /// Unknown people introduced by a role, in order of first mention.
    pub candidates: Vec<Candidate>,
}

/// One gazetteer actor named in an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActorHit {
    pub key: String,
    pub mentions: u32,
    pub in_title: bool,
}

/// A person the gazetteer does not know, found after a title or role phrase.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// The name as the article spells it.
    pub name: String,
    /// The title or role phrase that introduced it, as the article spells it.
    pub role: String,
    pub mentions: u32,
}

/// Token ids are written into the haystack as chars of one fixed UTF-8 width (three bytes), so
/// a match's byte offsets convert to token positions by division and can never start mid-token.
const ID_BASE: u32 = 0x0800;
const MAX_IDS: u32 = 0xF000 - 0x0800 - 0x0800;
/// A token outside the vocabulary.
const UNKNOWN: u32 = 0;
/// Punctuation or the title/body boundary: no name runs across it.
const BREAK: u32 = 1;
/// How far (in tokens) a context word may be from an ambiguous alias.
const CONTEXT_WINDOW: usize = 12;

fn id_char(id: u32) -> char {
    let mut v = ID_BASE + id;
    if v >= 0xD800 {
        v += 0x0800;
    }
    char::from_u32(v).unwrap_or('\u{0800}')
}

/// One alias → actor link of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Link {
    actor: u32,
    /// A one-word alias of an actor with `context`: counts only with a context word nearby.
    gated: bool,
}

/// The compiled gazetteer.
pub struct Tagger {
    actors: Vec<Actor>,
    vocab: FxMap<String, u32>,
    actor_ac: AhoCorasick,
    links: Vec<Vec<Link>>,
    /// Nisba stem → country or place (عراق ← العراقيين).
    nisba: FxMap<String, u32>,
    /// Per actor: context phrases as canonical words.
    context: Vec<Vec<Vec<String>>>,
    roles: candidates::Roles,
    lookup: FxMap<String, u32>,
}

/// A token of the article being tagged, title and body in one sequence.
struct Word<'a> {
    tok: Token,
    src: &'a str,
    in_title: bool,
}

/// Per-article state shared by the matcher and the candidate finder.
pub(crate) struct Text<'a> {
    words: Vec<Word<'a>>,
    /// Haystack position → word index, `None` for a break.
    pos: Vec<Option<usize>>,
    haystack: String,
    /// Word index → actor that a match assigned to it.
    owner: Vec<Option<u32>>,
}

impl Tagger {
    /// Compiles the gazetteer: vocabulary, spelling variants, automata, lookup tables.
    pub fn new(g: &Gazetteer) -> Tagger {
        let mut b = Builder::default();
        let mut patterns: FxMap<Vec<u32>, usize> = FxMap::default();
        let mut links: Vec<Vec<Link>> = Vec::new();
        let mut nisba: FxMap<String, u32> = FxMap::default();
        let mut context = Vec::with_capacity(g.actors.len());
        let mut lookup: FxMap<String, u32> = FxMap::default();

        // Every word of every name, so that a preposition glued inside a name (التابع للأمم
        // المتحدة، الأمين العام لمجلس …) can be split off when the bare word is also a name word;
        // left glued, it would shadow the bare word in text and hide the shorter name.
        let known: HashSet<String> = g
            .actors
            .iter()
            .flat_map(|a| a.aliases_ar.iter().chain(std::iter::once(&a.name_ar)))
            .flat_map(|n| canonical_words(n))
            .collect();
        for (idx, actor) in g.actors.iter().enumerate() {
            let ai = u32::try_from(idx).unwrap_or(u32::MAX);
            let foreign_person = actor.kind == Kind::Person
                && !actor
                    .country
                    .as_deref()
                    .is_some_and(lexicon::is_arab_country);
            lookup.entry(actor.key.clone()).or_insert(ai);
            let names = std::iter::once(&actor.name_ar)
                .chain(&actor.aliases_ar)
                .chain(std::iter::once(&actor.name_en))
                .chain(&actor.aliases_en);
            for (n, alias) in names.enumerate() {
                let mut words = canonical_words(alias);
                for w in words.iter_mut().skip(1) {
                    let bare = readings(w)
                        .skip(1)
                        .find(|r| known.contains(*r))
                        .map(str::to_owned);
                    if let Some(bare) = bare {
                        *w = bare;
                    }
                }
                if words.is_empty() {
                    continue;
                }
                lookup.entry(normalize(alias.trim())).or_insert(ai);
                lookup.entry(words.join(" ")).or_insert(ai);
                let latin = !words.iter().any(|w| w.chars().any(is_arabic));
                if words.len() == 1 {
                    // One-word aliases that are function words (على → علي) or short Latin
                    // acronyms (US, UN) would match ordinary words.
                    if lexicon::is_function_word(&words[0]) || (latin && words[0].len() < 4) {
                        continue;
                    }
                    if matches!(actor.kind, Kind::Country | Kind::Place) && !latin {
                        // Capitals make bad nisbas (الرياضي is "sporting"), so only the proper
                        // name and -a/-ia spellings (أمريكا, سورية) give one.
                        let w = &words[0];
                        if n == 0 || w.ends_with('ا') || w.ends_with('ه') {
                            let base = nisba_base(w);
                            // Short place stems collide with verbs (تنفي "denies" ← التنف).
                            let min = if actor.kind == Kind::Place { 4 } else { 3 };
                            if base.chars().count() >= min {
                                nisba.entry(base.to_owned()).or_insert(ai);
                            }
                        }
                    }
                }
                let ids: Vec<u32> = words.iter().map(|w| b.intern(w)).collect();
                if ids.contains(&UNKNOWN) {
                    continue;
                }
                if foreign_person {
                    for (w, &id) in words.iter().zip(&ids) {
                        for v in lexicon::translit_variants(w) {
                            b.vocab.entry(v).or_insert(id);
                        }
                    }
                }
                // Short forms of an actor that has `context` are ambiguous: one word (الأسد)
                // or two (مجلس الأمن is also Russia's security council). Its proper Arabic name
                // and longer aliases are not.
                let gated =
                    !actor.context.is_empty() && (words.len() == 1 || (words.len() == 2 && n != 0));
                let slot = *patterns.entry(ids).or_insert_with(|| {
                    links.push(Vec::new());
                    links.len() - 1
                });
                if let Some(l) = links.get_mut(slot) {
                    let link = Link { actor: ai, gated };
                    if !l.iter().any(|x| x.actor == ai) {
                        l.push(link);
                    } else if !gated {
                        // The same words as a multi-word alias elsewhere in the entry count freely.
                        l.retain(|x| x.actor != ai);
                        l.push(link);
                    }
                }
            }
            context.push(actor.context.iter().map(|c| canonical_words(c)).collect());
        }

        let mut ordered: Vec<(usize, String)> = patterns
            .into_iter()
            .map(|(ids, slot)| (slot, ids.into_iter().map(id_char).collect()))
            .collect();
        ordered.sort_by_key(|(slot, _)| *slot);
        let actor_ac = build_ac(ordered.iter().map(|(_, p)| p.as_str()));
        let roles = candidates::Roles::new(&mut |w| b.intern(w));
        Tagger {
            actors: g.actors.clone(),
            vocab: b.vocab,
            actor_ac,
            links,
            nisba,
            context,
            roles,
            lookup,
        }
    }

    /// Tags one article.
    pub fn tag(&self, title: &str, body: &str) -> Tags {
        let mut text = self.prepare(title, body);
        let mut hits: Vec<(u32, ActorHit, usize)> = Vec::new();
        let mut record = |actor: u32, at: usize, in_title: bool, actors: &[Actor]| {
            if let Some(h) = hits.iter_mut().find(|h| h.0 == actor) {
                h.1.mentions += 1;
                h.1.in_title |= in_title;
            } else if let Some(a) = actors.get(actor as usize) {
                let key = a.key.clone();
                hits.push((
                    actor,
                    ActorHit {
                        key,
                        mentions: 1,
                        in_title,
                    },
                    at,
                ));
            }
        };

        // Matches first, decisions second: a one-word alias that lacks context still counts when
        // the same actor is named unambiguously anywhere in the article ("نوري المالكي" … later
        // "المالكي").
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut named = vec![false; self.actors.len()];
        for m in self.actor_ac.find_iter(text.haystack.as_bytes()) {
            let (a, b) = (m.start() / 3, m.end() / 3);
            let Some(first) = text.pos.get(a).copied().flatten() else {
                continue;
            };
            let Some(last) = text.pos.get(b - 1).copied().flatten() else {
                continue;
            };
            let slot = m.pattern().as_usize();
            for link in self.links.get(slot).into_iter().flatten() {
                if !link.gated
                    && let Some(n) = named.get_mut(link.actor as usize)
                {
                    *n = true;
                }
            }
            found.push((first, last + 1, slot));
        }
        for (first, end, slot) in found {
            let mut owner = None;
            for link in self.links.get(slot).into_iter().flatten() {
                let known = named.get(link.actor as usize).copied().unwrap_or(false);
                if link.gated && !known && !self.gate_ok(link.actor, first, end, &text) {
                    continue;
                }
                let in_title = text.words.get(first).is_some_and(|w| w.in_title);
                record(link.actor, first, in_title, &self.actors);
                owner.get_or_insert(link.actor);
            }
            if let Some(o) = owner {
                for slot in text.owner.iter_mut().take(end).skip(first) {
                    *slot = Some(o);
                }
            }
        }

        for i in 0..text.words.len() {
            if text.owner.get(i).copied().flatten().is_some() {
                continue;
            }
            let Some(actor) = text
                .words
                .get(i)
                .and_then(|w| self.nisba_actor(&w.tok.norm))
            else {
                continue;
            };
            // A nisba of an ambiguous name (مالي "Mali" / مالية "financial") needs context too.
            let ambiguous = self
                .context
                .get(actor as usize)
                .is_some_and(|c| !c.is_empty());
            let known = named.get(actor as usize).copied().unwrap_or(false);
            if !ambiguous || known || self.gate_ok(actor, i, i + 1, &text) {
                let in_title = text.words.get(i).is_some_and(|w| w.in_title);
                record(actor, i, in_title, &self.actors);
                if let Some(slot) = text.owner.get_mut(i) {
                    *slot = Some(actor);
                }
            }
        }

        hits.sort_by_key(|h| h.2);
        let candidates = self.roles.find(self, &text);
        Tags {
            actors: hits.into_iter().map(|h| h.1).collect(),
            candidates,
        }
    }

    /// The actor with this key.
    pub fn actor(&self, key: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.key == key)
    }

    /// Maps a key, alias or English name (any spelling that normalizes the same) to an actor key,
    /// for the query language's `actor:` field.
    pub fn resolve(&self, text: &str) -> Option<&str> {
        let n = normalize(text.trim());
        let idx = self
            .lookup
            .get(&n)
            .or_else(|| self.lookup.get(&canonical_words(text).join(" ")))?;
        self.actors.get(*idx as usize).map(|a| a.key.as_str())
    }

    /// Every actor key, in gazetteer order (for did-you-mean suggestions).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.actors.iter().map(|a| a.key.as_str())
    }

    fn prepare<'a>(&self, title: &'a str, body: &'a str) -> Text<'a> {
        let mut words = Vec::new();
        for (src, in_title) in [(title, true), (body, false)] {
            words.extend(
                tokenize(src)
                    .into_iter()
                    .map(|tok| Word { tok, src, in_title }),
            );
        }
        let mut haystack = String::with_capacity(words.len() * 3 + 8);
        let mut pos = Vec::with_capacity(words.len() + 8);
        for (i, w) in words.iter().enumerate() {
            if i > 0 && words.get(i - 1).is_some_and(|p| breaks_between(p, w)) {
                haystack.push(id_char(BREAK));
                pos.push(None);
            }
            let folded = fold_regional(&w.tok.norm);
            let id = readings(&folded)
                .find_map(|r| self.vocab.get(r).copied())
                .unwrap_or(UNKNOWN);
            haystack.push(id_char(id));
            pos.push(Some(i));
        }
        let owner = vec![None; words.len()];
        Text {
            words,
            pos,
            haystack,
            owner,
        }
    }

    /// Whether an ambiguous one-word alias at words `a..b` may count.
    fn gate_ok(&self, actor: u32, a: usize, b: usize, text: &Text<'_>) -> bool {
        // "الجيش السوداني": a definite word right after a definite noun is an adjective.
        if let (Some(prev), Some(w)) = (
            a.checked_sub(1).and_then(|p| text.words.get(p)),
            text.words.get(a),
        ) && w.tok.norm.starts_with("ال")
            && prev.tok.norm.starts_with("ال")
            && !breaks_between(prev, w)
        {
            return false;
        }
        let Some(phrases) = self.context.get(actor as usize) else {
            return false;
        };
        let lo = a.saturating_sub(CONTEXT_WINDOW);
        let hi = (b + CONTEXT_WINDOW).min(text.words.len());
        let title_end = text.words.iter().take_while(|w| w.in_title).count();
        // Each nearby word's readings are computed once and compared with every phrase's first
        // word; only then is the rest of a multi-word phrase checked.
        (lo..hi).chain(0..title_end).any(|k| {
            let Some(w) = text.words.get(k) else {
                return false;
            };
            let folded = fold_regional(&w.tok.norm);
            readings(&folded).any(|r| {
                phrases.iter().any(|p| {
                    p.first().is_some_and(|f| f == r) && (p.len() == 1 || phrase_at(p, k, text))
                })
            })
        })
    }

    /// A country or place named by a nisba adjective (العراقيين, والأمريكية).
    fn nisba_actor(&self, norm: &str) -> Option<u32> {
        if !norm.ends_with(['ي', 'ه', 'ن', 'ت']) {
            return None;
        }
        let folded = fold_regional(norm);
        // ألمانيا normalizes to المانيا, whose own "ال" the canonical form drops (مانيا); its
        // nisba الألماني needs the same second drop to reach the stem.
        readings(&folded).find_map(|r| {
            let stem = nisba_stem(r)?;
            self.nisba
                .get(stem)
                .or_else(|| self.nisba.get(lexicon::core(stem)))
                .copied()
        })
    }

    pub(crate) fn lookup_name(&self, norm: &str) -> bool {
        self.lookup.contains_key(norm)
    }
}

fn phrase_at(phrase: &[String], k: usize, text: &Text<'_>) -> bool {
    !phrase.is_empty()
        && phrase.iter().enumerate().all(|(j, word)| {
            text.words.get(k + j).is_some_and(|w| {
                let folded = fold_regional(&w.tok.norm);
                readings(&folded).any(|r| r == word)
            })
        })
}

/// Punctuation (anything but spaces) between two words, or the title/body boundary.
fn breaks_between(prev: &Word<'_>, next: &Word<'_>) -> bool {
    if prev.in_title != next.in_title {
        return true;
    }
    next.src
        .get(prev.tok.end..next.tok.start)
        .is_some_and(|gap| gap.chars().any(|c| !c.is_whitespace() && !is_invisible(c)))
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' | '\u{0640}'
    )
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

/// The canonical words of a name or phrase: normalized, regional letters folded, article dropped.
pub(crate) fn canonical_words(s: &str) -> Vec<String> {
    tokenize(s)
        .into_iter()
        .map(|t| lexicon::canonical(&t.norm))
        .collect()
}

pub(crate) fn build_ac<'p>(patterns: impl Iterator<Item = &'p str>) -> AhoCorasick {
    let patterns: Vec<&str> = patterns.collect();
    // Only exceeding aho-corasick's size limits can fail, and a gazetteer is orders of
    // magnitude below them.
    #[allow(clippy::expect_used)]
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .expect("gazetteer automaton within aho-corasick limits")
}

/// Assigns token ids while the gazetteer and role phrases are compiled.
#[derive(Default)]
struct Builder {
    vocab: FxMap<String, u32>,
}

impl Builder {
    fn intern(&mut self, word: &str) -> u32 {
        let next = u32::try_from(self.vocab.len())
            .unwrap_or(u32::MAX)
            .saturating_add(2);
        match self.vocab.entry(word.to_owned()) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) if next < MAX_IDS => *e.insert(next),
            Entry::Vacant(_) => UNKNOWN,
        }
    }
}
