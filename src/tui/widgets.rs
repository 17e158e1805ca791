//! Form fields (text, yes/no, choice, policy picker), their key handling and the shared panels.

use crate::i18n::{Lang, Text};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

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
}

impl Field {
    pub fn text(label: Text, value: &str) -> Field {
        Field {
            label,
            value: value.to_string(),
            kind: Kind::Text,
        }
    }
    pub fn toggle(label: Text, on: bool) -> Field {
        Field {
            label,
            value: yes_no(on).to_string(),
            kind: Kind::Toggle,
        }
    }
    pub fn choice(label: Text, value: &str, options: Vec<String>) -> Field {
        Field {
            label,
            value: value.to_string(),
            kind: Kind::Choice(options),
        }
    }
    pub fn picker(label: Text, items: &[String]) -> Field {
        Field {
            label,
            value: items.join(", "),
            kind: Kind::Picker,
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
        self.editing = true;
    }
    pub fn prev(&mut self) {
        if self.editing {
            self.focus = (self.focus + self.fields.len().max(1) - 1) % self.fields.len().max(1);
        }
        self.editing = true;
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
            (Kind::Text, KeyCode::Char(c)) => field.value.push(c),
            (Kind::Text, KeyCode::Backspace) => {
                field.value.pop();
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

pub fn title_block(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(Span::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

pub fn err_style() -> Style {
    Style::default().fg(Color::Red)
}
pub fn ok_style() -> Style {
    Style::default().fg(Color::Green)
}
pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// Renders a form: one line per field, its error below it, and the picker under a focused picker.
/// `marks(field, option)` decorates choice values (free tier ✓, deprecated ⚠).
#[allow(clippy::too_many_arguments)]
pub fn render_form(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    title: &Text,
    form: &Form,
    errors: &[(usize, Text)],
    marks: &dyn Fn(usize, &str) -> Option<Text>,
    extra: Vec<Line>,
) {
    let mut lines: Vec<Line> = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus && form.editing;
        let marker = if focused { "▸ " } else { "  " };
        let shown = match &field.kind {
            Kind::Toggle => if field.value == "yes" {
                Text::fixed("sí", "yes")
            } else {
                Text::fixed("no", "no")
            }
            .get(lang)
            .to_string(),
            Kind::Choice(_) => format!("‹ {} ›", field.value),
            _ => field.value.clone(),
        };
        let mut spans = vec![
            Span::raw(marker),
            Span::styled(format!("{}: ", field.label.get(lang)), dim()),
            Span::styled(
                shown,
                if focused {
                    Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                } else {
                    Style::default().add_modifier(Modifier::BOLD)
                },
            ),
        ];
        if focused && matches!(field.kind, Kind::Text) {
            spans.push(Span::raw("▏"));
        }
        if let Some(m) = marks(i, &field.value) {
            spans.push(Span::styled(
                format!("  {}", m.get(lang)),
                Style::default().fg(Color::Yellow),
            ));
        }
        lines.push(Line::from(spans));
        for (_, e) in errors.iter().filter(|(j, _)| *j == i) {
            lines.push(Line::styled(format!("    ✗ {}", e.get(lang)), err_style()));
        }
        if focused && field.kind == Kind::Picker {
            let q = &form.picker.query;
            let search = Text::fixed("buscar", "search");
            lines.push(Line::styled(
                format!("    / {}: {q}▏", search.get(lang)),
                dim(),
            ));
            let chosen = split_list(&field.value);
            for (j, (name, _)) in form.picker.results.iter().take(6).enumerate() {
                let mark = if chosen.contains(name) { "[x]" } else { "[ ]" };
                let style = if j == form.picker.hi {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                lines.push(Line::styled(format!("    {mark} {name}"), style));
            }
        }
    }
    lines.extend(extra);
    let p = Paragraph::new(lines)
        .block(title_block(title.get(lang)))
        .wrap(Wrap { trim: false });
    f.render_widget(p, area);
}

/// Paragraph text as lines (blank lines kept).
pub fn para(s: &str) -> Vec<Line<'static>> {
    s.split('\n').map(|l| Line::raw(l.to_string())).collect()
}

/// A wrapped text panel.
pub fn render_text(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>) {
    let p = Paragraph::new(lines)
        .block(title_block(title))
        .wrap(Wrap { trim: false });
    f.render_widget(p, area);
}

/// One API call the step is about to make, and the AWS CLI command that does the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub api: String,
    pub cli: String,
}

impl Call {
    pub fn new(api: impl Into<String>, cli: impl Into<String>) -> Call {
        Call {
            api: api.into(),
            cli: cli.into(),
        }
    }
}

pub fn render_calls(f: &mut Frame, area: Rect, lang: Lang, calls: &[Call], cli: bool) {
    let title = if cli {
        Text::fixed(
            "Equivalente en AWS CLI (c: llamadas)",
            "AWS CLI equivalent (c: API calls)",
        )
    } else {
        Text::fixed(
            "Llamadas a la API que hará (c: AWS CLI)",
            "API calls it will make (c: AWS CLI)",
        )
    };
    // A command may span lines (a heredoc, an `if`): each line is shown, continuation lines indented.
    let lines: Vec<Line> = calls
        .iter()
        .flat_map(|c| {
            if cli {
                c.cli
                    .lines()
                    .enumerate()
                    .map(|(i, l)| Line::raw(format!("{} {l}", if i == 0 { "$" } else { " " })))
                    .collect::<Vec<_>>()
            } else {
                vec![Line::raw(format!("→ {}", c.api))]
            }
        })
        .collect();
    render_text(f, area, title.get(lang), lines);
}

/// The checklist from `Verified` events (and the step's own progress lines).
pub fn render_checks(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    checks: &[(String, Vec<Text>)],
    log: &[String],
) {
    let mut lines: Vec<Line> = Vec::new();
    for (label, cs) in checks {
        lines.push(Line::styled(
            format!("✓ {label}"),
            ok_style().add_modifier(Modifier::BOLD),
        ));
        for c in cs {
            // A line that carries its own mark (a simulation's ✓ allowed / ✗ denied) keeps it.
            let t = c.get(lang);
            lines.push(match t.strip_prefix("✗ ") {
                Some(rest) => Line::styled(format!("   ✗ {rest}"), dim()),
                None => Line::styled(
                    format!("   ✓ {}", t.strip_prefix("✓ ").unwrap_or(t)),
                    ok_style(),
                ),
            });
        }
    }
    if lines.is_empty() {
        let tail = log
            .len()
            .saturating_sub(area.height.saturating_sub(2) as usize);
        for l in &log[tail..] {
            lines.push(Line::raw(l.clone()));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            Text::fixed("Aún no se ha ejecutado (Enter).", "Not run yet (Enter).")
                .get(lang)
                .to_string(),
            dim(),
        ));
    }
    render_text(
        f,
        area,
        Text::fixed("Comprobado", "Verified").get(lang),
        lines,
    );
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
