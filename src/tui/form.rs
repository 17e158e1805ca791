//! The form model: fields (text, yes/no, choice, policy picker), focus and editing, and what a key
//! or a paste does to them. Text fields edit through tui-input (cursor, Home/End, Del, Ctrl-W,
//! Ctrl-U).

use crate::i18n::Text;
use crossterm::event::{Event as CEvent, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Text,
    /// "yes" / "no".
    Toggle,
    /// Left/Right cycle through the options; each may carry a mark (free tier, deprecated).
    Choice(Vec<String>),
    /// A comma-separated list filled from a search-as-you-type list (the policy picker).
    Picker,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub label: Text,
    pub value: String,
    pub kind: Kind,
    /// Where the cursor is in a text field, in characters (clamped to the value when used).
    pub cursor: usize,
}

impl Field {
    pub fn text(label: Text, value: &str) -> Field {
        Field {
            label,
            value: value.to_string(),
            kind: Kind::Text,
            cursor: usize::MAX,
        }
    }
    pub fn toggle(label: Text, on: bool) -> Field {
        Field {
            label,
            value: yes_no(on).to_string(),
            kind: Kind::Toggle,
            cursor: usize::MAX,
        }
    }
    pub fn choice(label: Text, value: &str, options: Vec<String>) -> Field {
        Field {
            label,
            value: value.to_string(),
            kind: Kind::Choice(options),
            cursor: usize::MAX,
        }
    }
    pub fn picker(label: Text, items: &[String]) -> Field {
        Field {
            label,
            value: items.join(", "),
            kind: Kind::Picker,
            cursor: usize::MAX,
        }
    }
}

fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

/// The search box and results of a picker field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picker {
    pub query: String,
    pub results: Vec<(String, String)>,
    pub hi: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
    pub editing: bool,
    pub picker: Picker,
}

/// What a key did to a form.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Ignored,
    Changed,
    /// The picker's query changed: search for it.
    Search(String),
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        Form {
            fields,
            ..Form::default()
        }
    }
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", |f| f.value.as_str())
    }
    pub fn on(&self, i: usize) -> bool {
        self.get(i) == "yes"
    }
    pub fn list(&self, i: usize) -> Vec<String> {
        split_list(self.get(i))
    }
    pub fn next(&mut self) {
        if self.editing {
            self.focus = (self.focus + 1) % self.fields.len().max(1);
        }
        self.start_editing();
    }
    pub fn prev(&mut self) {
        if self.editing {
            self.focus = (self.focus + self.fields.len().max(1) - 1) % self.fields.len().max(1);
        }
        self.start_editing();
    }
    /// Editing a field starts with the cursor at its end.
    fn start_editing(&mut self) {
        self.editing = true;
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.cursor = usize::MAX;
        }
    }
    /// The kind of the field being edited.
    pub fn editing_kind(&self) -> Option<&Kind> {
        self.fields
            .get(self.focus)
            .filter(|_| self.editing)
            .map(|f| &f.kind)
    }

    /// Pasted text goes into the field being edited (its line breaks become spaces; a trailing one
    /// is dropped), or into the picker's search. Never anything else: a paste cannot run a step.
    pub fn paste(&mut self, text: &str) -> Outcome {
        let clean: String = text
            .trim_end_matches(['\r', '\n'])
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if !self.editing {
            return Outcome::Ignored;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Outcome::Ignored;
        };
        match field.kind {
            Kind::Text => {
                let at = field.cursor.min(field.value.chars().count());
                let byte = field
                    .value
                    .char_indices()
                    .nth(at)
                    .map_or(field.value.len(), |(b, _)| b);
                field.value.insert_str(byte, &clean);
                field.cursor = at + clean.chars().count();
                Outcome::Changed
            }
            Kind::Picker => {
                self.picker.query.push_str(clean.trim());
                self.picker.hi = 0;
                Outcome::Search(self.picker.query.clone())
            }
            _ => Outcome::Ignored,
        }
    }

    /// Edits the focused field while editing; everything else is left to the key table.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        if !self.editing {
            return Outcome::Ignored;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Outcome::Ignored;
        };
        match (&field.kind, key.code) {
            (Kind::Text, _) => {
                let Some(req) = to_input_request(&CEvent::Key(key)) else {
                    return Outcome::Ignored;
                };
                let mut input =
                    Input::new(std::mem::take(&mut field.value)).with_cursor(field.cursor);
                let changed = input.handle(req);
                field.value = input.value().to_string();
                field.cursor = input.cursor();
                if changed.is_none() {
                    return Outcome::Ignored;
                }
            }
            (Kind::Toggle, KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right) => {
                let on = field.value != "yes";
                field.value = yes_no(on).into();
            }
            (Kind::Choice(opts), KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')) => {
                let n = opts.len().max(1);
                let i = opts.iter().position(|o| *o == field.value).unwrap_or(0);
                let j = if key.code == KeyCode::Left {
                    (i + n - 1) % n
                } else {
                    (i + 1) % n
                };
                if let Some(o) = opts.get(j) {
                    field.value = o.clone();
                }
            }
            (Kind::Picker, KeyCode::Char(' ')) => {
                let Some((name, _)) = self.picker.results.get(self.picker.hi) else {
                    return Outcome::Ignored;
                };
                let mut items = split_list(&field.value);
                if let Some(p) = items.iter().position(|x| x == name) {
                    items.remove(p);
                } else {
                    items.push(name.clone());
                }
                field.value = items.join(", ");
            }
            (Kind::Picker, KeyCode::Char(c)) => {
                self.picker.query.push(c);
                self.picker.hi = 0;
                return Outcome::Search(self.picker.query.clone());
            }
            (Kind::Picker, KeyCode::Backspace) => {
                if self.picker.query.pop().is_some() {
                    self.picker.hi = 0;
                    return Outcome::Search(self.picker.query.clone());
                }
                let mut items = split_list(&field.value);
                items.pop();
                field.value = items.join(", ");
            }
            (Kind::Picker, KeyCode::Down) => {
                self.picker.hi =
                    (self.picker.hi + 1).min(self.picker.results.len().saturating_sub(1));
            }
            (Kind::Picker, KeyCode::Up) => self.picker.hi = self.picker.hi.saturating_sub(1),
            _ => return Outcome::Ignored,
        }
        Outcome::Changed
    }

    pub fn picker_focused(&self) -> bool {
        self.editing
            && self
                .fields
                .get(self.focus)
                .is_some_and(|f| f.kind == Kind::Picker)
    }
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn typing_edits_only_while_editing() {
        let mut f = Form::new(vec![
            Field::text(Text::same("n"), "ab"),
            Field::toggle(Text::same("t"), true),
        ]);
        assert_eq!(f.key(key(KeyCode::Char('x'))), Outcome::Ignored);
        f.next();
        f.key(key(KeyCode::Char('c')));
        f.key(key(KeyCode::Backspace));
        f.key(key(KeyCode::Backspace));
        assert_eq!(f.get(0), "a");
        f.next();
        f.key(key(KeyCode::Char(' ')));
        assert!(!f.on(1));
    }

    #[test]
    fn picker_searches_and_toggles() {
        let mut f = Form::new(vec![Field::picker(Text::same("p"), &["A".into()])]);
        f.next();
        assert_eq!(f.key(key(KeyCode::Char('s'))), Outcome::Search("s".into()));
        f.picker.results = vec![("S3".into(), "arn:s3".into()), ("A".into(), "arn:a".into())];
        f.key(key(KeyCode::Char(' ')));
        assert_eq!(f.list(0), vec!["A", "S3"]);
        f.key(key(KeyCode::Down));
        f.key(key(KeyCode::Char(' ')));
        assert_eq!(f.list(0), vec!["S3"]);
        f.key(key(KeyCode::Backspace));
        f.key(key(KeyCode::Backspace));
        assert!(f.list(0).is_empty());
    }
}
