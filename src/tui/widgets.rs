//! Shared panels and styles: the form panel, text panels, the calls panel.

pub use super::form::{Field, Form, Kind, Outcome, Picker, split_list};
use crate::i18n::{Lang, Text};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

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
        ];
        let bold = Style::default().add_modifier(Modifier::BOLD);
        if focused && matches!(field.kind, Kind::Text) {
            // The cursor is the reversed character (a reversed space at the end).
            let at = field.cursor.min(shown.chars().count());
            let before: String = shown.chars().take(at).collect();
            let under: String = shown.chars().nth(at).map_or(" ".into(), String::from);
            let after: String = shown.chars().skip(at + 1).collect();
            spans.push(Span::styled(
                before,
                bold.add_modifier(Modifier::UNDERLINED),
            ));
            spans.push(Span::styled(under, bold.add_modifier(Modifier::REVERSED)));
            spans.push(Span::styled(after, bold.add_modifier(Modifier::UNDERLINED)));
        } else if focused {
            spans.push(Span::styled(shown, bold.add_modifier(Modifier::UNDERLINED)));
        } else {
            spans.push(Span::styled(shown, bold));
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
