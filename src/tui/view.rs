//! Draws a frame: the screen tabs, the current screen, the status line, the key hints, and popups.

use super::app::{App, Screen};
use super::widgets::{self, Call, Form, dim, err_style};
use super::{ec2, keymap, keys, lambda, role, rollback, try_it, user, welcome};
use crate::i18n::{Lang, Text};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const SPIN: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// What every step screen shows besides its form.
pub struct Common {
    pub lang: Lang,
    pub show_cli: bool,
    pub checks: Vec<(String, Vec<Text>)>,
    pub log: Vec<String>,
    pub resizer: super::resizer_status::ResizerState,
    /// What the calls panels are generated with (the export generator's options).
    pub export: crate::export::Options,
    /// The plan as the forms say now.
    pub plan: crate::plan::Plan,
}

impl Common {
    pub fn of(app: &App) -> Common {
        let mut checks = app.screen.step().map(|s| app.checks(s)).unwrap_or_default();
        // After steps 1 and 2: what the new role and user may do (iam:SimulatePrincipalPolicy).
        let names: Vec<String> = match app.screen {
            Screen::Role => app
                .role
                .partial(&app.plan)
                .roles
                .into_iter()
                .map(|r| r.name)
                .collect(),
            Screen::User => vec![app.user.name()],
            _ => vec![],
        };
        checks.extend(app.teach.sim_checks(&names, app.lang));
        let region = app.ident.as_ref().map(|i| i.region.as_str());
        Common {
            lang: app.lang,
            show_cli: app.show_cli,
            checks,
            log: app.log_lines(),
            resizer: app.resizer.clone(),
            export: app.teach.options(&app.base_dir, region),
            plan: app.built_plan(),
        }
    }
}

/// A step screen: explanation and form on top, API calls (or CLI) and the checklist below.
#[allow(clippy::too_many_arguments)]
pub fn step(
    f: &mut Frame,
    area: Rect,
    c: &Common,
    explain: &Text,
    form: &Form,
    errors: &[(usize, Text)],
    marks: &dyn Fn(usize, &str) -> Option<Text>,
    extra: Vec<Line>,
    calls: &[Call],
) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(top);
    let title = Text::fixed("Qué es (e: ampliar)", "What it is (e: expand)");
    widgets::render_text(
        f,
        left,
        title.get(c.lang),
        widgets::para(explain.get(c.lang)),
    );
    let ftitle = Text::fixed("Datos (Tab: editar)", "Settings (Tab: edit)");
    widgets::render_form(f, right, c.lang, &ftitle, form, errors, marks, extra);
    let [bl, br] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    widgets::render_calls(f, bl, c.lang, calls, c.show_cli);
    widgets::render_checks(f, br, c.lang, &c.checks, &c.log);
}

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    let [head, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header(f, head, app);
    let c = Common::of(app);
    // Keys, Try it and Rollback get a calls panel in a strip below them (issue #12); rollback's
    // strip also shows the architecture as it comes down (issue #14).
    let strip = |area: Rect, h: u16| {
        Layout::vertical([Constraint::Min(6), Constraint::Length(h)]).areas::<2>(area)
    };
    match app.screen {
        Screen::Welcome => welcome::render(f, body, app.lang, &welcome::View::of(app), &|f, r| {
            super::diagram::panel(f, r, app)
        }),
        Screen::Role => role::render(f, body, &c, &app.role),
        Screen::User => user::render(f, body, &c, &app.user),
        Screen::Keys => {
            let [main, calls] = strip(body, 7);
            keys::render(f, main, app.lang, &app.keys, app.now_epoch);
            let list = super::teach::to_calls(crate::export::key_calls(&app.user.name()));
            widgets::render_calls(f, calls, app.lang, &list, app.show_cli);
        }
        Screen::Ec2 => ec2::render(f, body, &c, &app.ec2),
        Screen::Lambda => lambda::render(f, body, &c, &app.lambda, &app.today),
        Screen::TryIt => {
            let [main, calls] = strip(body, 7);
            try_it::render(f, main, app.lang, &app.try_it, &c.log);
            let photo = try_it::sample_photo()
                .map_or_else(|| "foto.jpg".to_string(), |p| p.display().to_string());
            let block = crate::export::try_it(&app.built_plan(), &photo);
            let list = super::teach::to_calls(block.commands);
            widgets::render_calls(f, calls, app.lang, &list, app.show_cli);
        }
        Screen::Rollback => {
            let [main, bottom] = strip(body, 9);
            rollback::render(f, main, app.lang, &app.rollback);
            let [arch, calls] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(bottom);
            super::diagram::panel(f, arch, app);
            let rows = &app.rollback.rows;
            let live: Vec<crate::engine::Res> = rows.iter().map(|r| r.res.clone()).collect();
            let chosen: Vec<&crate::engine::Res> =
                rows.iter().filter(|r| r.selected).map(|r| &r.res).collect();
            let list = super::teach::rollback_calls(&live, &chosen);
            widgets::render_calls(f, calls, app.lang, &list, app.show_cli);
        }
    }
    status_line(f, status, app);
    footer(f, foot, app);
    if app.help {
        help(f, area, app);
    }
    if app.explain {
        explanation(f, area, app);
    }
    super::diagram::overlay(f, area, app);
    if let Some(c) = &app.confirm {
        c.render(f, area, app.lang);
    }
}

fn header(f: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![Span::styled(
        "pasos ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for s in Screen::ALL {
        let done = app.done.contains(&s);
        let label = format!(
            "{}{}{} ",
            s.index(),
            if done { "✓" } else { ":" },
            s.title().get(app.lang)
        );
        let style = if s == app.screen {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else if done {
            Style::default().fg(Color::Green)
        } else {
            dim()
        };
        spans.push(Span::styled(label, style));
    }
    match &app.ident {
        Some(id) if id.sandbox => spans.push(Span::styled(
            " SANDBOX ",
            Style::default().bg(Color::Blue).fg(Color::White),
        )),
        Some(_) => spans.push(Span::styled(
            " AWS ",
            Style::default().bg(Color::Red).fg(Color::White),
        )),
        None => {}
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(f: &mut Frame, area: Rect, app: &App) {
    let mut spans = Vec::new();
    if app.busy.is_some() {
        spans.push(Span::styled(
            format!("{} ", SPIN[app.spinner % SPIN.len()]),
            Style::default().fg(Color::Yellow),
        ));
    }
    match &app.status {
        Some((t, true)) => spans.push(Span::styled(t.get(app.lang).to_string(), err_style())),
        Some((t, false)) => spans.push(Span::styled(
            t.get(app.lang).to_string(),
            Style::default().fg(Color::Cyan),
        )),
        None if app.ident.is_none() && app.conn_error.is_none() => {
            let t = Text::fixed("Conectando con AWS…", "Connecting to AWS…");
            spans.push(Span::styled(t.get(app.lang).to_string(), dim()));
        }
        None => {}
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn footer(f: &mut Frame, area: Rect, app: &App) {
    let mut spans = Vec::new();
    for (k, label) in keymap::footer(app.screen, app.lang) {
        spans.push(Span::styled(
            k.to_string(),
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The current screen's explanation over the whole screen, wrapped: on 80×24 the side panel cuts it.
fn explanation(f: &mut Frame, area: Rect, app: &App) {
    let text = match app.screen {
        Screen::Welcome => welcome::explain(),
        Screen::Role => role::explain(),
        Screen::User => user::explain(),
        Screen::Keys => keys::explain(),
        Screen::Ec2 => ec2::explain(),
        Screen::Lambda => lambda::explain(),
        Screen::TryIt => try_it::explain(),
        Screen::Rollback => rollback::explain(),
    };
    let r = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let mut lines = widgets::para(text.get(app.lang));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        Text::fixed("cualquier tecla cierra", "any key closes")
            .get(app.lang)
            .to_string(),
        dim(),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", app.screen.title().get(app.lang)));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

fn help(f: &mut Frame, area: Rect, app: &App) {
    let rows = keymap::help(app.screen, app.lang);
    let h = (rows.len() as u16 + 4).min(area.height);
    let w = 56.min(area.width);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, l)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:>6}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(l.to_string()),
            ])
        })
        .collect();
    lines.push(Line::styled(
        Text::fixed("cualquier tecla cierra", "any key closes")
            .get(app.lang)
            .to_string(),
        dim(),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Text::fixed(" Teclas ", " Keys ").get(app.lang).to_string());
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}
