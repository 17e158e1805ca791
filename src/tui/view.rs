//! Draws a frame: the header, the current screen, the status line, the key hints, and popups.
//!
//! A step screen puts the explanation on the left and the form on the right. Before a run there is
//! nothing to report, so the explanation takes the whole left column and the API calls sit under
//! the form; once the step has something to say (warnings, the loop check, results) the calls move
//! under the explanation and the result panel takes their place.

use super::app::{App, Screen, ViewState};
use super::text::{self, Item};
use super::widgets::{self, Call, Form, dim};
use super::{chrome, ec2, keys, lambda, role, rollback, term, try_it, user, welcome};
use crate::i18n::{Lang, Text};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// What every step screen shows besides its form.
pub struct Common<'a> {
    pub lang: Lang,
    pub show_cli: bool,
    /// The result panel (warnings, loop check, progress, results).
    pub items: Vec<Item>,
    /// A step of this screen is running: the result panel follows its progress.
    pub busy: bool,
    pub view: &'a ViewState,
    pub resizer: super::resizer_status::ResizerState,
    /// For date-bound marks (deprecated runtimes).
    pub today: String,
    /// What the calls panels are generated with (the export generator's options).
    pub export: crate::export::Options,
    /// The plan as the forms say now.
    pub plan: crate::plan::Plan,
}

impl Common<'_> {
    pub fn of(app: &App) -> Common<'_> {
        let region = app.ident.as_ref().map(|i| i.region.as_str());
        Common {
            lang: app.lang,
            show_cli: app.show_cli,
            items: if app.screen.has_form() {
                super::detail::items(app)
            } else {
                Vec::new()
            },
            busy: app.busy == Some(app.screen),
            view: &app.view,
            resizer: app.resizer.clone(),
            today: app.today.clone(),
            export: app.teach.options(&app.base_dir, region),
            plan: app.built_plan(),
        }
    }
}

/// The explanation panel, scrolled with j/k.
pub fn explanation_panel(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    title: &Text,
    text: &Text,
    view: &ViewState,
) {
    let lines = text
        .get(lang)
        .split('\n')
        .map(|p| (p.to_string(), Style::default()))
        .collect();
    text::render_scrolled(
        f,
        area,
        title.get(lang),
        lines,
        view.text,
        &view.text_max,
        "j/k",
    );
}

/// Lines a form needs at `width` in `lang` (fields with their marks, errors, extra lines, borders).
fn form_height(
    form: &Form,
    lang: Lang,
    marks: &dyn Fn(usize, &str) -> Option<Text>,
    errors: &[(usize, Text)],
    extra: &[Line],
    width: u16,
) -> u16 {
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let errors: usize = errors
        .iter()
        .map(|(_, e)| (6 + text::width(e.get(lang))).div_ceil(inner_w))
        .sum();
    let inner = width.saturating_sub(2).max(1) as usize;
    let field_lines: usize = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mark = marks(i, &f.value).map_or(0, |m| text::width(m.get(lang)) + 2);
            let w = 4 + text::width(f.label.get(lang)) + text::width(&f.value) + 5 + mark;
            w.div_ceil(inner)
        })
        .sum();
    let extra_lines: usize = extra.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let picker = if form.picker_focused() { 8 } else { 0 };
    (field_lines + errors + extra_lines + picker + 2) as u16
}

/// The calls panel, scrolled with PgUp/PgDn by whole calls (render_calls draws what it is given).
fn calls_panel(f: &mut Frame, area: Rect, c: &Common, calls: &[Call]) {
    let inner = text::inner_width(area).max(1);
    let lines = |cs: &[Call]| -> usize {
        cs.iter()
            .map(|x| text::width(if c.show_cli { &x.cli } else { &x.api }) + 2)
            .map(|w| w.div_ceil(inner))
            .sum()
    };
    // The last useful start: the one from which the remaining calls fit.
    let shown = text::inner_height(area);
    let max = (0..calls.len())
        .find(|i| lines(&calls[*i..]) <= shown)
        .unwrap_or(calls.len().saturating_sub(1));
    c.view.page_max.set(max);
    let top = c.view.page.min(max);
    widgets::render_calls(f, area, c.lang, &calls[top..], c.show_cli);
    let total = lines(calls);
    if total > shown {
        let done = lines(&calls[..top]);
        text::scroll_marker(f, area, done, shown, total, "PgUp/PgDn");
    }
}

/// A calls strip as tall as its calls (at most 7 rows): on 80×24 every row counts.
fn strip_height(calls: &[Call], cli: bool) -> u16 {
    let lines: usize = calls
        .iter()
        .map(|c| if cli { c.cli.lines().count().max(1) } else { 1 })
        .sum();
    (lines as u16 + 2).min(7)
}

/// A step screen: explanation and form on top of the calls, or beside the result panel.
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
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(area);
    // The form comes first (a field the learner must set cannot be cut); what is under it scrolls.
    let min_bottom = 4.min(right.height / 3);
    let form_h = form_height(form, c.lang, marks, errors, &extra, right.width)
        .min(right.height.saturating_sub(min_bottom));
    let [form_area, below] =
        Layout::vertical([Constraint::Length(form_h), Constraint::Min(0)]).areas(right);
    let title = Text::fixed("Qué es (e: ampliar)", "What it is (e: expand)");
    let ftitle = Text::fixed("Datos (Tab: editar)", "Settings (Tab: edit)");
    widgets::render_form(f, form_area, c.lang, &ftitle, form, errors, marks, extra);
    if c.items.is_empty() {
        explanation_panel(f, left, c.lang, &title, explain, c.view);
        calls_panel(f, below, c, calls);
        return;
    }
    let [ex, calls_area] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(left);
    explanation_panel(f, ex, c.lang, &title, explain, c.view);
    calls_panel(f, calls_area, c, calls);
    let cursor = if c.busy {
        Some(c.items.len().saturating_sub(1))
    } else {
        Some(c.view.cursor)
    };
    let t = Text::fixed("Resultado y avisos", "Result and warnings");
    let links = text::render_items(f, below, t.get(c.lang), &c.items, cursor, "↑↓");
    for (r, url, shown) in links {
        term::hyperlink(f.buffer_mut(), r, &url, &shown);
    }
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
    chrome::header(f, head, app);
    let c = Common::of(app);
    // Keys, Try it and Rollback get a calls panel in a strip below them (issue #12); rollback's
    // strip also shows the architecture as it comes down (issue #14).
    let strip = |area: Rect, h: u16| {
        Layout::vertical([Constraint::Min(6), Constraint::Length(h)]).areas::<2>(area)
    };
    match app.screen {
        Screen::Welcome => {
            let side = |f: &mut Frame, r: Rect| super::diagram::panel(f, r, app);
            welcome::render(f, body, app.lang, &welcome::View::of(app), &app.view, &side)
        }
        Screen::Role => role::render(f, body, &c, &app.role),
        Screen::User => user::render(f, body, &c, &app.user),
        Screen::Keys => {
            let list = super::teach::to_calls(crate::export::key_calls(&app.user.name()));
            let [main, calls] = strip(body, strip_height(&list, app.show_cli));
            keys::render(f, main, app.lang, &app.keys, app.now_epoch, &app.view);
            widgets::render_calls(f, calls, app.lang, &list, app.show_cli);
        }
        Screen::Ec2 => ec2::render(f, body, &c, &app.ec2),
        Screen::Lambda => lambda::render(f, body, &c, &app.lambda),
        Screen::TryIt => {
            let photo = try_it::sample_photo()
                .map_or_else(|| "foto.jpg".to_string(), |p| p.display().to_string());
            let block = crate::export::try_it(&app.built_plan(), &photo);
            let list = super::teach::to_calls(block.commands);
            let [main, calls] = strip(body, strip_height(&list, app.show_cli));
            try_it::render(f, main, app);
            widgets::render_calls(f, calls, app.lang, &list, app.show_cli);
        }
        Screen::Rollback => {
            let [main, bottom] = strip(body, 9);
            rollback::render(f, main, app.lang, &app.rollback, &app.view);
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
    chrome::status_line(f, status, app);
    chrome::footer(f, foot, app);
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
    if app.no_color {
        term::strip_colors(f.buffer_mut());
    }
}

/// The explanation of a screen.
pub fn explain_text(s: Screen) -> Text {
    match s {
        Screen::Welcome => welcome::explain(),
        Screen::Role => role::explain(),
        Screen::User => user::explain(),
        Screen::Keys => keys::explain(),
        Screen::Ec2 => ec2::explain(),
        Screen::Lambda => lambda::explain(),
        Screen::TryIt => try_it::explain(),
        Screen::Rollback => rollback::explain(),
    }
}

/// The current screen's explanation over the whole screen (on 80×24 the side panel cuts it); it
/// scrolls with j/k like the panel, from where the panel was.
fn explanation(f: &mut Frame, area: Rect, app: &App) {
    let text = explain_text(app.screen);
    let r = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let mut lines: Vec<(String, Style)> = text
        .get(app.lang)
        .split('\n')
        .map(|p| (p.to_string(), Style::default()))
        .collect();
    lines.push((String::new(), Style::default()));
    let close = Text::fixed(
        "j/k o ↑↓ desplazan · cualquier otra tecla cierra",
        "j/k or ↑↓ scroll · any other key closes",
    );
    lines.push((close.get(app.lang).to_string(), dim()));
    f.render_widget(Clear, r);
    let title = format!(" {} ", app.screen.title().get(app.lang));
    text::render_scrolled(
        f,
        r,
        &title,
        lines,
        app.view.text,
        &app.view.text_max,
        "j/k",
    );
}

/// Every key of the screen; in two columns when one does not fit the terminal's height.
fn help(f: &mut Frame, area: Rect, app: &App) {
    let rows = keymap_help(app);
    let two = rows.len() as u16 + 3 > area.height && area.width >= 60;
    let per_col = if two {
        rows.len().div_ceil(2)
    } else {
        rows.len()
    };
    let h = (per_col as u16 + 3).min(area.height);
    let w = if two {
        area.width.min(100)
    } else {
        64.min(area.width)
    };
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let line = |(k, l): &(&str, String)| {
        if k.is_empty() {
            return Line::styled(l.clone(), Style::default().add_modifier(Modifier::BOLD));
        }
        Line::from(vec![
            Span::styled(
                format!("{k:>10} "),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(l.clone()),
        ])
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Text::fixed(" Teclas ", " Keys ").get(app.lang).to_string())
        .title_bottom(Line::styled(
            Text::fixed(" cualquier tecla cierra ", " any key closes ")
                .get(app.lang)
                .to_string(),
            dim(),
        ));
    f.render_widget(Clear, r);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let cols: Vec<Rect> = if two {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .split(inner)
            .to_vec()
    } else {
        vec![inner]
    };
    for (i, col) in cols.iter().enumerate() {
        let lines: Vec<Line> = rows
            .iter()
            .skip(i * per_col)
            .take(per_col)
            .map(line)
            .collect();
        f.render_widget(Paragraph::new(lines), *col);
    }
}

fn keymap_help(app: &App) -> Vec<(&'static str, String)> {
    super::keymap::help(app.screen, app.lang)
}
