//! Arabic in a terminal cell grid: the ARABIC.md pipeline from logical text to the cells the
//! app writes. It owns sanitizing for display, wrapping, shaping (ar-reshaper, ALLAH ligature
//! off), visual reordering (unicode-bidi, paragraph level forced RTL for Arabic items), bracket
//! mirroring, reversal by grapheme and alignment. It returns display strings only: shaped
//! presentation forms must never travel back to the store or the clipboard, so nothing here is
//! used on a write path.

use ar_reshaper::ArabicReshaper;
use ar_reshaper::prelude::{LigatureNames, ReshaperConfig};
use std::sync::OnceLock;
use unicode_bidi::{BidiInfo, Level};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Who lays out right-to-left text: the app (explicit mode, the default) or the terminal
/// (`rtl = "terminal"` for Konsole, mlterm, Apple Terminal which cannot be switched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BidiMode {
    #[default]
    App,
    Terminal,
}

impl BidiMode {
    pub fn from_setting(s: &str) -> BidiMode {
        match s {
            "terminal" => BidiMode::Terminal,
            _ => BidiMode::App,
        }
    }
}

/// One display row: the visual string, how many cells it takes, and per grapheme of `text` (in
/// visual order) the style index it carries (see [`layout_styled`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub text: String,
    pub width: usize,
    pub rtl: bool,
    /// Per visual grapheme, the mark it carries (0 = plain).
    pub marks: Vec<u8>,
}

impl Row {
    /// The row padded on the left to `width` cells when it is right-to-left.
    pub fn aligned(&self, width: usize) -> String {
        if self.rtl && self.width < width {
            format!("{}{}", " ".repeat(width - self.width), self.text)
        } else {
            self.text.clone()
        }
    }
}

fn reshaper() -> &'static ArabicReshaper {
    static R: OnceLock<ArabicReshaper> = OnceLock::new();
    R.get_or_init(|| {
        let mut c = ReshaperConfig::default();
        // U+FDF2 is one cell to unicode-width but a wide glyph in every font: it would overlap
        // its neighbour.
        c.update_ligature(LigatureNames::ARABIC_LIGATURE_ALLAH, false);
        // Harakat stay: reversal is by grapheme, so they stay after their base letter.
        c.delete_harakat = false;
        c.to_reshaper()
    })
}

/// Characters that must never reach the terminal from feed text: C0/C1 controls (escape
/// sequences start here), DEL, explicit bidi controls (we do the bidi ourselves; an override
/// would scramble the row) and the line/paragraph separators.
fn is_inert_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}'
        | '\u{200E}' | '\u{200F}' | '\u{061C}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Text made safe for one display line: whitespace controls become spaces, every other
/// control and bidi control is dropped.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if is_inert_unsafe(c) => None,
            c => Some(c),
        })
        .collect()
}

fn is_arabic(c: char) -> bool {
    ('\u{0590}'..='\u{08FF}').contains(&c)
        || ('\u{FB1D}'..='\u{FDFF}').contains(&c)
        || ('\u{FE70}'..='\u{FEFC}').contains(&c)
}

/// An "Arabic item": more right-to-left letters than left-to-right ones. A headline that opens
/// with "NATO" is still Arabic, so the first strong character does not decide.
pub fn is_rtl(s: &str) -> bool {
    let (mut r, mut l) = (0usize, 0usize);
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        if is_arabic(c) { r += 1 } else { l += 1 }
    }
    r > 0 && r >= l
}

fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        '⁅' => '⁆',
        '⁆' => '⁅',
        '﴾' => '﴿',
        '﴿' => '﴾',
        c => c,
    }
}

/// Shapes logical text (keeping logical order). Harmless on text without Arabic.
pub fn shape(s: &str) -> String {
    let r = reshaper();
    if r.need_reshape(s) {
        r.reshape(s)
    } else {
        s.to_string()
    }
}

/// One logical, already shaped line (no newlines) to visual order, carrying a mark per
/// char of `line` through to each visual grapheme.
fn reorder(line: &str, marks: &[u8], rtl: bool) -> (String, Vec<u8>) {
    if line.is_empty() {
        return (String::new(), vec![]);
    }
    let level = if rtl { Level::rtl() } else { Level::ltr() };
    let info = BidiInfo::new(line, Some(level));
    // Byte offset → char index, to look marks up.
    let char_at: Vec<usize> = {
        let mut v = vec![0; line.len() + 1];
        for (i, (b, _)) in line.char_indices().enumerate() {
            v[b] = i;
        }
        v
    };
    let mark_of = |byte: usize| marks.get(char_at[byte]).copied().unwrap_or(0);
    let mut out = String::with_capacity(line.len());
    let mut out_marks = vec![];
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for run in runs {
            let text = &line[run.clone()];
            let run_rtl = levels[run.start].is_rtl();
            let gs: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            let mut push = |(b, g): (usize, &str)| {
                if run_rtl {
                    let mut cs = g.chars();
                    if let Some(first) = cs.next() {
                        out.push(mirror(first));
                        out.push_str(cs.as_str());
                    }
                } else {
                    out.push_str(g);
                }
                out_marks.push(mark_of(run.start + b));
            };
            if run_rtl {
                gs.into_iter().rev().for_each(&mut push);
            } else {
                gs.into_iter().for_each(&mut push);
            }
        }
    }
    (out, out_marks)
}

/// Splits shaped logical text into rows of at most `width` cells, at spaces when it can.
/// Wrapping happens before reordering: otherwise the end of the sentence lands on row one.
fn wrap(s: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut rows = vec![];
    let mut start = 0; // byte
    let mut w = 0;
    let mut last_space: Option<usize> = None; // byte index of a space in the current row
    for (b, g) in s.grapheme_indices(true) {
        let gw = g.width();
        if w + gw > width && b > start {
            let cut = match last_space {
                Some(sp) if sp > start => sp,
                _ => b,
            };
            rows.push((start, cut));
            start = if s[cut..].starts_with(' ') {
                cut + 1
            } else {
                cut
            };
            w = s[start..b].width();
            last_space = None;
        }
        if g == " " {
            last_space = Some(b);
        }
        w += gw;
    }
    rows.push((start, s.len()));
    rows
}

/// Lays a paragraph out in rows of `width` cells, marks per logical char of `text` carried to
/// the visual graphemes (0 where absent). Used for the reader, where search terms are marked.
pub fn layout_styled(text: &str, marks: &[u8], width: usize, mode: BidiMode) -> Vec<Row> {
    let (clean_text, clean_marks) = clean_with_marks(text, marks);
    if mode == BidiMode::Terminal {
        return wrap(&clean_text, width)
            .into_iter()
            .map(|(a, b)| {
                let t = clean_text[a..b].to_string();
                let from = clean_text[..a].chars().count();
                let marks = clean_marks_for(&clean_text[a..b], &clean_marks[from..]);
                Row {
                    width: t.width(),
                    text: t,
                    rtl: false,
                    marks,
                }
            })
            .collect();
    }
    let rtl = is_rtl(&clean_text);
    let (shaped, shaped_marks) = shape_with_marks(&clean_text, &clean_marks);
    wrap(&shaped, width)
        .into_iter()
        .map(|(a, b)| {
            let from = shaped[..a].chars().count();
            let n = shaped[a..b].chars().count();
            let (t, m) = reorder(&shaped[a..b], &shaped_marks[from..from + n], rtl);
            Row {
                width: t.width(),
                text: t,
                rtl,
                marks: m,
            }
        })
        .collect()
}

fn clean_marks_for(s: &str, marks: &[u8]) -> Vec<u8> {
    // Per grapheme: the mark of its first char.
    let mut out = vec![];
    let mut i = 0;
    for g in s.graphemes(true) {
        out.push(marks.get(i).copied().unwrap_or(0));
        i += g.chars().count();
    }
    out
}

fn clean_with_marks(text: &str, marks: &[u8]) -> (String, Vec<u8>) {
    let mut s = String::with_capacity(text.len());
    let mut m = Vec::with_capacity(marks.len());
    for (i, c) in text.chars().enumerate() {
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            c if is_inert_unsafe(c) => continue,
            c => c,
        };
        s.push(c);
        m.push(marks.get(i).copied().unwrap_or(0));
    }
    (s, m)
}

/// Shapes the whole line at once (splitting it into separately shaped spans would break letter
/// joining at a highlight's edge) and aligns the marks with the shaped chars: every
/// presentation form folds back (NFKC) to the letters it came from.
fn shape_with_marks(s: &str, marks: &[u8]) -> (String, Vec<u8>) {
    use unicode_normalization::UnicodeNormalization;
    let shaped = shape(s);
    if marks.iter().all(|&m| m == 0) {
        let n = shaped.chars().count();
        return (shaped, vec![0; n]);
    }
    let logical: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(logical.len());
    let mut i = 0;
    for c in shaped.chars() {
        out.push(marks.get(i).copied().unwrap_or(0));
        let folded = std::iter::once(c).nfkc().count().max(1);
        // A ligature folds to several letters; anything unexpected advances by one.
        let ok = std::iter::once(c)
            .nfkc()
            .zip(logical.iter().skip(i))
            .all(|(a, b)| std::iter::once(*b).nfkc().next() == Some(a));
        i += if ok { folded } else { 1 };
    }
    (shaped, out)
}

/// One line for a list cell or a chip: cut to `width` cells with an ellipsis at the logical
/// end, shaped and reordered; right-aligned when it is an Arabic item and `align` is set.
pub fn line(text: &str, width: usize, mode: BidiMode, align: bool) -> String {
    if width == 0 {
        return String::new();
    }
    let clean_text = clean(text);
    if mode == BidiMode::Terminal {
        return fit(&clean_text, width);
    }
    let rtl = is_rtl(&clean_text);
    let shaped = fit(&shape(&clean_text), width);
    let n = shaped.chars().count();
    let (t, _) = reorder(&shaped, &vec![0; n], rtl);
    let row = Row {
        width: t.width(),
        text: t,
        rtl,
        marks: vec![],
    };
    if align { row.aligned(width) } else { row.text }
}

/// Cuts logical text to `width` cells, the ellipsis at the logical end (after the last kept
/// grapheme, so in an Arabic line it shows on the left).
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for g in s.graphemes(true) {
        let gw = g.width();
        if w + gw + 1 > width {
            break;
        }
        out.push_str(g);
        w += gw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_latin_is_untouched() {
        assert_eq!(line("hello world", 20, BidiMode::App, false), "hello world");
    }

    #[test]
    fn arabic_is_reversed_and_shaped() {
        // «كتب»: kaf initial, teh medial, beh final; visual order reversed.
        let v: Vec<char> = line("كتب", 10, BidiMode::App, false).chars().collect();
        assert_eq!(v, ['\u{FE90}', '\u{FE98}', '\u{FEDB}']);
    }

    #[test]
    fn lam_alef_is_one_cell_and_widths_agree() {
        let v = line("لا", 10, BidiMode::App, false);
        assert_eq!(v.chars().count(), 1);
        assert_eq!(v.width(), 1);
    }

    #[test]
    fn allah_ligature_is_off() {
        let v = line("الله", 10, BidiMode::App, false);
        assert!(!v.contains('\u{FDF2}'));
    }

    #[test]
    fn numbers_and_acronyms_keep_their_order_inside_arabic() {
        let v = line("الناتو NATO يرسل 4000 جندي", 40, BidiMode::App, false);
        assert!(v.contains("NATO"), "{v}");
        assert!(v.contains("4000"), "{v}");
        // The first logical word sits at the right edge.
        assert!(
            v.ends_with(&line("الناتو", 10, BidiMode::App, false)),
            "{v}"
        );
    }

    #[test]
    fn brackets_are_mirrored_in_rtl_runs() {
        let v = line("العراق (بغداد)", 40, BidiMode::App, false);
        // Visually: ")" is replaced by "(" on the left end… the leftmost is the logical end.
        assert!(v.starts_with('('), "{v}");
        assert!(v.contains(')'), "{v}");
    }

    #[test]
    fn truncation_puts_the_ellipsis_at_the_logical_end() {
        let v = line("الناتو يرفع عدد قواته في العراق", 10, BidiMode::App, false);
        assert!(v.starts_with('…'), "{v}");
        assert!(v.width() <= 10);
        let l = line("NATO raises troops in Iraq", 10, BidiMode::App, false);
        assert!(l.ends_with('…'));
    }

    #[test]
    fn hostile_controls_are_dropped() {
        let v = line("a\u{1b}[31mb\u{202E}c\u{7}d", 20, BidiMode::App, false);
        assert_eq!(v, "a[31mbcd");
    }

    #[test]
    fn terminal_mode_passes_logical_text() {
        assert_eq!(line("سلام", 10, BidiMode::Terminal, false), "سلام");
    }

    #[test]
    fn wrapping_keeps_the_sentence_start_on_the_first_row() {
        let rows = layout_styled("واحد اثنان ثلاثة أربعة", &[], 12, BidiMode::App);
        assert!(rows.len() >= 2);
        assert!(
            rows[0]
                .text
                .ends_with(&line("واحد", 10, BidiMode::App, false))
        );
        assert!(rows.iter().all(|r| r.width <= 12 && r.rtl));
    }

    #[test]
    fn marks_follow_the_graphemes() {
        let text = "في العراق اليوم";
        let mut marks = vec![0u8; text.chars().count()];
        for m in marks.iter_mut().skip(3).take(6) {
            *m = 1;
        }
        let rows = layout_styled(text, &marks, 40, BidiMode::App);
        let marked: String = rows[0]
            .text
            .graphemes(true)
            .zip(&rows[0].marks)
            .filter(|(_, m)| **m == 1)
            .map(|(g, _)| g)
            .collect();
        assert_eq!(marked, line("العراق", 10, BidiMode::App, false));
    }
}
