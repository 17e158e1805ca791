//! The result panel of a step screen: the step's warnings and failures (they stay until it runs
//! again), what the screen itself has to say (the loop check), the engine's progress while it
//! runs, then what exists and how to check it.

use super::app::{App, NoteKind, Screen};
use super::text::Item;
use super::widgets::{dim, err_style, ok_style};
use ratatui::style::Modifier;
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
    v.extend(simulations(app));
    if app.screen == Screen::Lambda {
        v.extend(super::lambda_check::items(&app.lambda, lang, &app.today));
    }
    v
}

/// After steps 1 and 2: what the new role and user may do (iam:SimulatePrincipalPolicy, issue #14).
fn simulations(app: &App) -> Vec<Item> {
    let names: Vec<String> = match app.screen {
        Screen::Role => app
            .role
            .partial(&app.plan)
            .roles
            .into_iter()
            .map(|r| r.name)
            .collect(),
        Screen::User => vec![app.user.name()],
        _ => return Vec::new(),
    };
    let mut v = Vec::new();
    for (title, lines) in app.teach.sim_checks(&names, app.lang) {
        v.push(Item::new(title, ok_style().add_modifier(Modifier::BOLD)));
        for l in lines {
            // Each line carries its own mark: ✓ allowed, ✗ denied.
            let t = l.get(app.lang);
            v.push(match t.strip_prefix("✗ ") {
                Some(rest) => Item::new(format!("  ✗ {rest}"), dim()),
                None => Item::new(
                    format!("  ✓ {}", t.strip_prefix("✓ ").unwrap_or(t)),
                    ok_style(),
                ),
            });
        }
    }
    v
}
