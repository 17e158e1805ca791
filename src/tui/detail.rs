//! The result panel of a step screen: the step's warnings and failures (they stay until it runs
//! again), what the screen itself has to say (the loop check), the engine's progress while it
//! runs, then what exists and how to check it.

use super::app::{App, NoteKind, Screen};
use super::text::Item;
use super::widgets::{dim, err_style};
use ratatui::style::{Color, Style};

/// Progress lines kept while a step runs.
const PROGRESS: usize = 40;

pub fn items(app: &App) -> Vec<Item> {
    let lang = app.lang;
    let Some(step) = app.screen.step() else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for (_, n) in app.notes.iter().filter(|(s, _)| *s == step) {
        let (mark, style) = match n.kind {
            NoteKind::Error => ("✗", err_style()),
            NoteKind::Warning => ("⚠", Style::default().fg(Color::Yellow)),
            NoteKind::Info => ("ℹ", Style::default().fg(Color::Cyan)),
        };
        v.push(Item::new(format!("{mark} {}", n.text.get(lang)), style));
    }
    if app.busy == Some(app.screen) {
        let lines = app.log_lines();
        let tail = lines.len().saturating_sub(PROGRESS);
        v.extend(lines[tail..].iter().map(|l| Item::new(l.clone(), dim())));
        return v;
    }
    // What exists comes before the screen's own analysis: after a run it is what matters.
    let step_outcomes = app.outcomes(step);
    v.extend(super::results::items(&step_outcomes, &app.facts(), lang));
    if app.screen == Screen::Lambda {
        v.extend(super::lambda_check::items(&app.lambda, lang, &app.today));
    }
    v
}
