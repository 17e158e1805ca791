//! A yes/no popup for destructive actions (delete a key, roll back, quit while working); No is the default.

use crate::i18n::{Lang, Text};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// What happens on Yes.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    Quit,
    DeleteKey(String),
    /// Keys to roll back (with what hangs off them); None for everything.
    Rollback(Option<Vec<String>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    pub question: Text,
    pub what: What,
    pub yes: bool,
}

pub enum Answer {
    Pending,
    No,
    Yes(What),
}

impl Confirm {
    pub fn new(question: Text, what: What) -> Confirm {
        Confirm {
            question,
            what,
            yes: false,
        }
    }

    pub fn key(&mut self, k: KeyEvent) -> Answer {
        match k.code {
            KeyCode::Left | KeyCode::Right | KeyCode::Tab | KeyCode::BackTab => {
                self.yes = !self.yes;
                Answer::Pending
            }
            KeyCode::Char('y' | 's' | 'Y' | 'S') => Answer::Yes(self.what.clone()),
            KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Char('q') => Answer::No,
            KeyCode::Enter if self.yes => Answer::Yes(self.what.clone()),
            KeyCode::Enter => Answer::No,
            _ => Answer::Pending,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, lang: Lang) {
        let w = area.width.saturating_sub(8).min(64);
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + area.height / 3,
            w,
            7.min(area.height),
        );
        f.render_widget(Clear, r);
        let sel = Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        let (y, n) = if self.yes {
            (sel, Style::default())
        } else {
            (Style::default(), sel)
        };
        let lines = vec![
            Line::raw(self.question.get(lang).to_string()),
            Line::raw(""),
            Line::from(vec![
                Span::styled(
                    format!(" {} ", Text::fixed("Sí (s)", "Yes (y)").get(lang)),
                    y,
                ),
                Span::raw("   "),
                Span::styled(
                    format!(" {} ", Text::fixed("No (n)", "No (n)").get(lang)),
                    n,
                ),
            ]),
        ];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(Style::default().fg(Color::Red))
            .title(
                Text::fixed(" Confirmar ", " Confirm ")
                    .get(lang)
                    .to_string(),
            );
        f.render_widget(
            Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
            r,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn enter_defaults_to_no() {
        let mut c = Confirm::new(Text::same("?"), What::Quit);
        assert!(matches!(c.key(key(KeyCode::Enter)), Answer::No));
        c.key(key(KeyCode::Left));
        assert!(matches!(
            c.key(key(KeyCode::Enter)),
            Answer::Yes(What::Quit)
        ));
        assert!(matches!(c.key(key(KeyCode::Char('y'))), Answer::Yes(_)));
    }
}
