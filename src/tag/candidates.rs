//! Candidate discovery: people the gazetteer does not know, found where news copy introduces
//! them — a title or role phrase (الأمين العام، عضو لجنة …، المتحدث باسم …), its complement,
//! then a name of two to four words.
//!
//! It proposes names for an analyst to add; it never changes the gazetteer and never reports a
//! name the tagger already knows.

use super::lexicon::{core, fold_regional, readings};
use super::{Candidate, Kind, Tagger, Text, build_ac, canonical_words, id_char};
use crate::text::{normalize, sanitize};
use aho_corasick::AhoCorasick;
use std::collections::HashSet;

/// Titles and roles that introduce a person. Longest match wins, so "رئيس" only applies when
/// no longer phrase does.
const ROLES: &[&str] = &[
    "الأمين العام",
    "مساعد الأمين العام",
    "نائب الأمين العام",
    "الأمين العام المساعد",
    "مستشار الأمن القومي",
    "مستشار الأمن الوطني",
    "المستشار",
    "مستشار",
    "رئيس الوزراء",
    "رئيسة الوزراء",
    "رئيس الحكومة",
    "رئيس الجمهورية",
    "رئيس مجلس النواب",
    "رئيس البرلمان",
    "رئيس اللجنة",
    "رئيس لجنة",
    "رئيس",
    "رئيسة",
    "الرئيس",
    "الرئيسة",
    "نائب رئيس",
    "نائبة رئيس",
    "نائب",
    "النائب",
    "النائبة",
    "النائب عن",
    "النائبة عن",
    "النائب الأول",
    "وزير",
    "وزيرة",
    "وزير الخارجية",
    "وزير الدفاع",
    "وزير الداخلية",
    "وزير المالية",
    "وزير النفط",
    "وزير الدولة",
    "وكيل وزارة",
    "وكيل وزارة الخارجية",
    "عضو",
    "عضو لجنة",
    "عضو لجنة الأمن والدفاع النيابية",
    "عضو لجنة العلاقات الخارجية",
    "عضو مجلس النواب",
    "عضو البرلمان",
    "عضو الكونغرس",
    "عضو المكتب السياسي",
    "عضو مجلس الشيوخ",
    "المتحدث باسم",
    "المتحدثة باسم",
    "المتحدث الرسمي باسم",
    "الناطق باسم",
    "الناطقة باسم",
    "الناطق الرسمي باسم",
    "المتحدث الرسمي",
    "الناطق الرسمي",
    "المتحدث",
    "الناطق",
    "السفير",
    "السفيرة",
    "سفير",
    "القائم بالأعمال",
    "القيادي في",
    "القيادية في",
    "القيادي",
    "القيادي البارز في",
    "قائد",
    "القائد",
    "زعيم",
    "الزعيم",
    "زعيمة",
    "المحلل السياسي",
    "المحللة السياسية",
    "المحلل العسكري",
    "المحلل الاستراتيجي",
    "المحلل الأمني",
    "الخبير",
    "الخبيرة",
    "الخبير الأمني",
    "الخبير العسكري",
    "الخبير الاستراتيجي",
    "الخبير في الشأن",
    "الخبير القانوني",
    "الخبير الاقتصادي",
    "الباحث",
    "الباحثة",
    "الباحث في الشأن",
    "الأكاديمي",
    "الأستاذ",
    "الكاتب",
    "الكاتب الصحفي",
    "الصحفي",
    "الإعلامي",
    "المسؤول في حلف",
    "المسؤول في",
    "المسؤول",
    "مسؤول في",
    "مسؤول",
    "المسؤولة",
    "مدير",
    "مديرة",
    "المدير العام",
    "المدير التنفيذي",
    "محافظ",
    "قائممقام",
    "المندوب الدائم",
    "مندوب",
    "المندوب",
    "المبعوث الخاص",
    "المبعوث",
    "المبعوث الأممي",
    "الممثل الخاص",
    "ممثل",
    "الدكتور",
    "الشيخ",
    "اللواء",
    "العميد",
    "الفريق",
    "العقيد",
    "الجنرال",
    "الأدميرال",
    "السيناتور",
    "المرشح",
    "المرشحة",
    "ولي العهد",
    "الأمير",
    "الملك",
    "قاضي",
    "القاضي",
    "المدعي العام",
    "السكرتير الصحفي",
];

/// Nouns that head an organization's name in a role's complement (عضو لجنة …، المتحدث باسم
/// وزارة …); a name never starts with one.
const GOVERNED: &[&str] = &[
    "لجنة",
    "وزارة",
    "حلف",
    "حركة",
    "حزب",
    "مجلس",
    "هيئة",
    "جماعة",
    "منظمة",
    "قوات",
    "جيش",
    "شمال",
    "ائتلاف",
    "تحالف",
    "كتلة",
    "جبهة",
    "دولة",
    "مكتب",
    "جامعة",
    "مركز",
    "معهد",
    "شركة",
    "وكالة",
    "صحيفة",
    "قناة",
    "تيار",
    "مجموعة",
    "فصائل",
    "فصيل",
    "كتائب",
    "عصائب",
    "سرايا",
    "جهاز",
    "إدارة",
    "بعثة",
    "قيادة",
    "إقليم",
    "محافظة",
    "شؤون",
    "شأن",
    "مؤسسة",
    "مفوضية",
    "سفارة",
    "قنصلية",
    "نقابة",
    "اتحاد",
    "رابطة",
    "مجلة",
    "برلمان",
    "حكومة",
    "رئاسة",
    "أمانة",
    "دائرة",
    "لواء",
    "فرقة",
    "عمليات",
    "خلية",
    "مديرية",
    "دول",
    "منطقة",
    "مدينة",
    "بلدية",
    "ملف",
    "قسم",
    "كلية",
    "مجمع",
    "غرفة",
    "سلطة",
    "حرس",
    "فيلق",
    "بنك",
    "صندوق",
    "برنامج",
    "مؤتمر",
    "منتدى",
    "أكاديمية",
    "مستشفى",
    "سجن",
    "أمن",
    "مكافحة",
    "الدفاع",
    "النيابية",
    "الخارجية",
];

/// Words that follow a role but open its complement rather than the name.
const LINKS: &[&str] = &[
    "في",
    "عن",
    "باسم",
    "لدى",
    "لدي",
    "لشؤون",
    "داخل",
    "ضمن",
    "لدولة",
];

/// Words that end a name: verbs of saying, particles, prepositions, time words.
const STOP: &[&str] = &[
    "قال",
    "قالت",
    "أكد",
    "أكدت",
    "إن",
    "أن",
    "انه",
    "إنه",
    "أنه",
    "أعلن",
    "أعلنت",
    "أشار",
    "أشارت",
    "أوضح",
    "أوضحت",
    "لفت",
    "لفتت",
    "شدد",
    "شددت",
    "دعا",
    "دعت",
    "كشف",
    "كشفت",
    "أضاف",
    "أضافت",
    "تابع",
    "صرح",
    "صرحت",
    "ذكر",
    "ذكرت",
    "بين",
    "بينت",
    "نفى",
    "نفت",
    "رأى",
    "يرى",
    "ترى",
    "اعتبر",
    "اعتبرت",
    "حذر",
    "حذرت",
    "يقول",
    "تقول",
    "يؤكد",
    "تؤكد",
    "يعلن",
    "تعلن",
    "أفاد",
    "أفادت",
    "أبلغ",
    "قوله",
    "في",
    "من",
    "على",
    "إلى",
    "عن",
    "مع",
    "خلال",
    "بعد",
    "قبل",
    "عبر",
    "حول",
    "ضد",
    "منذ",
    "حتى",
    "لدى",
    "عند",
    "بين",
    "أمس",
    "اليوم",
    "يوم",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "الماضي",
    "الحالي",
    "المقبل",
    "الجاري",
    "لقد",
    "قد",
    "لن",
    "لم",
    "ما",
    "لا",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "أو",
    "ثم",
    "بل",
    "لكن",
    "كما",
    "حيث",
    "إذ",
    "إذا",
    "هو",
    "هي",
    "وهو",
    "وهي",
    "كان",
    "كانت",
    "يكون",
    "بأن",
    "لأن",
    "إنها",
    "أنها",
    "فيه",
    "فيها",
    "عليه",
    "له",
    "لها",
    "الذي",
    "جديد",
    "جديدة",
    "السابق",
    "السابقة",
    "الأسبق",
    "بشأن",
    "لوكالة",
    "لصحيفة",
    "لقناة",
    "لموقع",
    "وكالة",
    "صحيفة",
    "موقع",
    "مساء",
    "صباح",
    "تصريح",
    "تصريحات",
    "بيان",
    "مؤتمر",
    "كلمة",
    "حديث",
    "مقابلة",
    "نحو",
    "أيضا",
    "بدوره",
    "بدورها",
    "جهته",
    "جهتها",
    "يجب",
    "ستكون",
    "سيكون",
    "وفق",
    "وفقا",
    "إثر",
    "عقب",
    "لدعم",
];

/// First names that look like imperfect verbs (ي/ت/ن + stem) and must not end a name.
const VERB_LIKE_NAMES: &[&str] = &[
    "يوسف",
    "يحيى",
    "يونس",
    "ياسر",
    "ياسين",
    "يزن",
    "يعقوب",
    "يوسي",
    "تامر",
    "توفيق",
    "تركي",
    "تميم",
    "تيسير",
    "نبيل",
    "نصر",
    "نوري",
    "ناصر",
    "نجيب",
    "نعيم",
    "نزار",
    "نادر",
    "نايف",
    "نواف",
    "نجم",
    "نديم",
    "يائير",
    "يسرائيل",
    "تيد",
    "توني",
    "نيكولا",
    "نيكولاس",
    "ناجي",
];

/// Compiled role phrases and the word lists used around them.
pub(crate) struct Roles {
    ac: AhoCorasick,
    governed: HashSet<String>,
    links: HashSet<String>,
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
        for (_, cores, cand) in &mut out {
            let total = (0..text.words.len())
                .filter(|&k| {
                    cores.iter().enumerate().all(|(j, c)| {
                        text.words
                            .get(k + j)
                            .is_some_and(|_| word_core(text, k + j) == *c)
                    })
                })
                .count();
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
            let link = self.links.contains(&c) && j + 1 < text.words.len();
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
        if broken(text, j) || is_definite(&first.tok.norm) || !self.name_word(text, j, true) {
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
        // An imperfect verb (يطالب، تؤكد) after the name would otherwise be swallowed.
        if !first
            && norm.starts_with(['ي', 'ت', 'ن'])
            && norm.chars().count() >= 4
            && !self.verb_like_names.contains(norm.as_str())
        {
            return false;
        }
        true
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
