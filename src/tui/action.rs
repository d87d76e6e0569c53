//! Key → Action: a pure function of the input mode and the key, so every binding is testable
//! without a terminal. It knows nothing of the articles or the store; `App::update` gives the
//! actions their meaning. The help overlay is generated from [`HELP`], the same table the docs
//! quote, so the two cannot drift.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the keyboard is talking to right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing in the filter bar.
    Filter,
    /// Typing a note.
    Note,
    FlagPicker,
    Help,
    Timeline,
    /// The selected article's story across outlets, then related articles.
    Similar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: open the article / apply the facet.
    Select,
    /// Tab / Shift-Tab: next / previous pane.
    NextPane,
    PrevPane,
    /// Esc: close the overlay, leave the reader.
    Back,
    StartFilter,
    FlagPicker,
    StartNote,
    Unflag,
    OpenLink,
    CopyLink,
    PollNow,
    Help,
    Timeline,
    /// "Watch for more like this": the selected article's proposed rule in the filter bar.
    ProposeRule,
    Similar,
    ClearFilter,
    /// A key typed into the filter bar or the note.
    Input(char),
    Backspace,
    /// ↑/↓ in the filter bar: history.
    HistoryPrev,
    HistoryNext,
    /// Tab in the filter bar: complete the word under the cursor.
    Complete,
    Submit,
    Cancel,
    /// A label's key in the flag picker.
    PickLabel(char),
    ScrollUp,
    ScrollDown,
}

/// (keys, what they do), in the order the help overlay lists them.
pub const HELP: &[(&str, &str)] = &[
    ("j k ↑ ↓", "move"),
    ("PgUp PgDn", "page"),
    ("g G", "first / last"),
    ("Enter", "open article / add facet to filter"),
    ("Tab S-Tab", "next / previous pane"),
    ("Esc", "back"),
    ("/", "filter (↑↓ history, Tab completes)"),
    ("x", "clear the filter"),
    ("f", "flag: pick a label by its key"),
    ("n", "note on the article's flag"),
    ("u", "remove the last flag"),
    ("o", "open the link in the browser"),
    ("y", "copy the link (OSC 52)"),
    ("t", "timeline of the actor / filter"),
    ("W", "more like this: draft a rule, Enter saves"),
    ("s", "the story across outlets, then similar"),
    ("r", "poll now"),
    ("?", "this help"),
    ("q", "quit"),
];

/// The action for `key` in `mode`, if any.
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Normal => normal(key, ctrl),
        Mode::Filter | Mode::Note => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Up if mode == Mode::Filter => Some(Action::HistoryPrev),
            KeyCode::Down if mode == Mode::Filter => Some(Action::HistoryNext),
            KeyCode::Tab if mode == Mode::Filter => Some(Action::Complete),
            KeyCode::Char('u') if ctrl => Some(Action::ClearFilter),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        Mode::FlagPicker => match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Action::Cancel),
            KeyCode::Char(c) => Some(Action::PickLabel(c)),
            _ => None,
        },
        Mode::Help | Mode::Timeline | Mode::Similar => match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                Some(Action::Back)
            }
            KeyCode::Char('t') if mode == Mode::Timeline => Some(Action::Back),
            KeyCode::Char('s') if mode == Mode::Similar => Some(Action::Back),
            _ => None,
        },
    }
}

fn normal(key: KeyEvent, ctrl: bool) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Action::Select,
        KeyCode::Tab => Action::NextPane,
        KeyCode::BackTab => Action::PrevPane,
        KeyCode::Esc | KeyCode::Char('h') | KeyCode::Left => Action::Back,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('x') => Action::ClearFilter,
        KeyCode::Char('f') => Action::FlagPicker,
        KeyCode::Char('n') => Action::StartNote,
        KeyCode::Char('u') => Action::Unflag,
        KeyCode::Char('o') => Action::OpenLink,
        KeyCode::Char('y') => Action::CopyLink,
        KeyCode::Char('r') => Action::PollNow,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('t') => Action::Timeline,
        KeyCode::Char('W') => Action::ProposeRule,
        KeyCode::Char('s') => Action::Similar,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn normal_mode_bindings() {
        let n = |c| action_for(Mode::Normal, k(c));
        assert_eq!(n(KeyCode::Char('j')), Some(Action::Down));
        assert_eq!(n(KeyCode::Down), Some(Action::Down));
        assert_eq!(n(KeyCode::Char('k')), Some(Action::Up));
        assert_eq!(n(KeyCode::Up), Some(Action::Up));
        assert_eq!(n(KeyCode::PageDown), Some(Action::PageDown));
        assert_eq!(n(KeyCode::PageUp), Some(Action::PageUp));
        assert_eq!(n(KeyCode::Char('g')), Some(Action::Top));
        assert_eq!(n(KeyCode::Char('G')), Some(Action::Bottom));
        assert_eq!(n(KeyCode::Enter), Some(Action::Select));
        assert_eq!(n(KeyCode::Tab), Some(Action::NextPane));
        assert_eq!(n(KeyCode::Char('/')), Some(Action::StartFilter));
        assert_eq!(n(KeyCode::Char('f')), Some(Action::FlagPicker));
        assert_eq!(n(KeyCode::Char('n')), Some(Action::StartNote));
        assert_eq!(n(KeyCode::Char('u')), Some(Action::Unflag));
        assert_eq!(n(KeyCode::Char('o')), Some(Action::OpenLink));
        assert_eq!(n(KeyCode::Char('y')), Some(Action::CopyLink));
        assert_eq!(n(KeyCode::Char('r')), Some(Action::PollNow));
        assert_eq!(n(KeyCode::Char('?')), Some(Action::Help));
        assert_eq!(n(KeyCode::Char('t')), Some(Action::Timeline));
        assert_eq!(n(KeyCode::Char('s')), Some(Action::Similar));
        assert_eq!(n(KeyCode::Char('q')), Some(Action::Quit));
        assert_eq!(n(KeyCode::Char('Z')), None);
    }

    #[test]
    fn typing_modes_take_letters_literally() {
        for mode in [Mode::Filter, Mode::Note] {
            assert_eq!(
                action_for(mode, k(KeyCode::Char('q'))),
                Some(Action::Input('q'))
            );
            assert_eq!(
                action_for(mode, k(KeyCode::Char('ن'))),
                Some(Action::Input('ن'))
            );
            assert_eq!(action_for(mode, k(KeyCode::Enter)), Some(Action::Submit));
            assert_eq!(action_for(mode, k(KeyCode::Esc)), Some(Action::Cancel));
        }
        assert_eq!(
            action_for(Mode::Filter, k(KeyCode::Up)),
            Some(Action::HistoryPrev)
        );
        assert_eq!(action_for(Mode::Note, k(KeyCode::Up)), None);
        assert_eq!(
            action_for(Mode::Filter, k(KeyCode::Tab)),
            Some(Action::Complete)
        );
    }

    #[test]
    fn picker_passes_label_keys() {
        assert_eq!(
            action_for(Mode::FlagPicker, k(KeyCode::Char('1'))),
            Some(Action::PickLabel('1'))
        );
        assert_eq!(
            action_for(Mode::FlagPicker, k(KeyCode::Esc)),
            Some(Action::Cancel)
        );
    }

    #[test]
    fn ctrl_c_always_quits() {
        let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::Normal, Mode::Filter, Mode::Note, Mode::FlagPicker] {
            assert_eq!(action_for(mode, key), Some(Action::Quit));
        }
    }

    #[test]
    fn overlays_close_on_escape() {
        assert_eq!(action_for(Mode::Help, k(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(
            action_for(Mode::Timeline, k(KeyCode::Char('t'))),
            Some(Action::Back)
        );
        assert_eq!(
            action_for(Mode::Similar, k(KeyCode::Char('s'))),
            Some(Action::Back)
        );
    }
}
