//! Drawing issue #14 in the wizard: the architecture panel (welcome and rollback screens, tiny form
//! for 80×24), the full-screen diagram under `g` (with the cost of what is alive), and the JSON view
//! under `J` (trust policies and the notification configuration).

use super::app::App;
use super::teach::Overlay;
use super::widgets::{self, dim};
use crate::diagram::text::{self as dtext, Level, Tone};
use crate::i18n::Text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn style(t: Tone) -> Style {
    match t {
        Tone::Plain => Style::default(),
        Tone::Title => Style::default().add_modifier(Modifier::BOLD),
        Tone::Dim => dim(),
        Tone::Busy => Style::default().fg(Color::Yellow),
        Tone::Ok => Style::default().fg(Color::Green),
        Tone::Bad => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        Tone::Gone => Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT),
    }
}

/// The diagram of the plan the forms describe now, as styled lines.
pub fn lines(app: &App, width: u16, level: Level) -> Vec<Line<'static>> {
    let d = app.teach.diagram(&app.built_plan());
    dtext::lines(&d, app.lang, width as usize, level)
        .into_iter()
        .map(|l| {
            Line::from(
                l.into_iter()
                    .map(|s| Span::styled(s.text, style(s.tone)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

fn cost_lines(app: &App) -> Vec<Line<'static>> {
    let region = app
        .ident
        .as_ref()
        .map_or("us-east-1", |i| i.region.as_str());
    app.teach
        .cost_lines(region, app.lang)
        .into_iter()
        .map(|(t, paid)| {
            let st = if paid {
                Style::default().fg(Color::Yellow)
            } else {
                dim()
            };
            Line::styled(t, st)
        })
        .collect()
}

/// The architecture panel: tiny diagram, then the cost of what is alive.
pub fn panel(f: &mut Frame, area: Rect, app: &App) {
    let mut l = lines(app, area.width.saturating_sub(2), Level::Tiny);
    l.extend(cost_lines(app));
    let title = Text::fixed("Arquitectura (g: ampliar)", "Architecture (g: expand)");
    widgets::render_text(f, area, title.get(app.lang), l);
}

/// The current overlay, if any, over the whole screen.
pub fn overlay(f: &mut Frame, area: Rect, app: &App) {
    let Some(o) = app.teach.overlay else { return };
    let r = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let (title, mut body) = match o {
        Overlay::Diagram => {
            let mut l = lines(app, r.width.saturating_sub(2), Level::Full);
            let costs = cost_lines(app);
            if !costs.is_empty() {
                l.push(Line::raw(""));
                l.extend(costs);
            }
            // What each simulated identity may do (after steps 1 and 2).
            let names: Vec<String> = app.teach.sims.keys().cloned().collect();
            for (title, checks) in app.teach.sim_checks(&names, app.lang) {
                l.push(Line::raw(""));
                l.push(Line::styled(
                    title,
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                for c in checks {
                    let t = c.get(app.lang).to_string();
                    let st = if t.starts_with('✓') {
                        Style::default().fg(Color::Green)
                    } else {
                        dim()
                    };
                    l.push(Line::styled(format!("  {t}"), st));
                }
            }
            (
                Text::fixed(" Arquitectura del plan ", " The plan's architecture "),
                l,
            )
        }
        Overlay::Json => (
            Text::fixed(" Documentos JSON ", " JSON documents "),
            json_lines(app),
        ),
    };
    body.push(Line::styled(
        Text::fixed(
            "↑/↓ PgUp/PgDn desplazan · cualquier otra tecla cierra",
            "↑/↓ PgUp/PgDn scroll · any other key closes",
        )
        .get(app.lang)
        .to_string(),
        dim(),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.get(app.lang).to_string());
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(body)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.teach.scroll, 0)),
        r,
    );
}

fn json_lines(app: &App) -> Vec<Line<'static>> {
    let plan = app.built_plan();
    let (acct, region) = match &app.ident {
        Some(i) => (Some(i.account.as_str()), Some(i.region.as_str())),
        None => (None, None),
    };
    let mut out = Vec::new();
    for d in crate::export::documents(&plan, acct, region) {
        out.push(Line::styled(
            d.title.get(app.lang).to_string(),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        out.extend(d.json.lines().map(|l| Line::raw(l.to_string())));
        out.push(Line::raw(""));
    }
    out
}

#[cfg(test)]
#[path = "diagram_tests.rs"]
mod tests;
