//! The frame around every screen: the header (where we are connected, first, then the screen tabs),
//! the status line and the key hints. The badge comes first because on real AWS it is a safety
//! warning: at 80 columns the tabs shrink, the badge never does.

use super::app::{App, Screen};
use super::keymap;
use super::text::width;
use super::widgets::{dim, err_style};
use crate::cloud::Identity;
use crate::i18n::Text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const SPIN: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// What the endpoint is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// pasos's own local sandbox (`--sandbox`).
    Sandbox,
    /// Real AWS: things cost money.
    Aws,
    /// Another endpoint (an emulator the learner started, a proxy): named by its host.
    Other(String),
}

/// `host[:port]` of a URL.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.rsplit_once('@').map_or(host, |(_, h)| h).to_string()
}

pub fn target(id: &Identity) -> Target {
    if id.sandbox {
        return Target::Sandbox;
    }
    let host = host_of(&id.endpoint);
    let bare = host.split(':').next().unwrap_or(&host).to_ascii_lowercase();
    let aws = ["amazonaws.com", "amazonaws.com.cn", "api.aws"]
        .iter()
        .any(|d| bare == *d || bare.ends_with(&format!(".{d}")));
    if aws {
        Target::Aws
    } else {
        Target::Other(host)
    }
}

/// The badge text and style: blue SANDBOX, red AWS with the account, yellow for anything else.
pub fn badge(ident: Option<&Identity>) -> (String, Style) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    match ident.map(|id| (target(id), id)) {
        Some((Target::Sandbox, _)) => (" SANDBOX ".into(), bold.bg(Color::Blue).fg(Color::White)),
        Some((Target::Aws, id)) => (
            format!(" AWS {} ", id.account),
            bold.bg(Color::Red).fg(Color::White),
        ),
        Some((Target::Other(host), _)) => {
            (format!(" {host} "), bold.bg(Color::Yellow).fg(Color::Black))
        }
        None => (" … ".into(), dim()),
    }
}

pub fn header(f: &mut Frame, area: Rect, app: &App) {
    let (b, bstyle) = badge(app.ident.as_ref());
    let mut spans = vec![Span::styled(b.clone(), bstyle), Span::raw(" ")];
    // The tabs shrink to fit: every title; the current one and the others cut to three letters;
    // the current one and the others as digits.
    let tab = |s: Screen, level: usize| {
        let done = app.done.contains(&s);
        let mark = if done { "✓" } else { ":" };
        let title = s.title();
        let title = title.get(app.lang);
        match level {
            _ if s == app.screen => format!("{}{mark}{title} ", s.index()),
            0 => format!("{}{mark}{title} ", s.index()),
            1 => format!(
                "{}{mark}{} ",
                s.index(),
                title.chars().take(3).collect::<String>()
            ),
            _ if done => format!("{}✓ ", s.index()),
            _ => format!("{} ", s.index()),
        }
    };
    let room = (area.width as usize).saturating_sub(width(&b) + 1);
    let needs = |level: usize| {
        Screen::ALL
            .iter()
            .map(|s| width(&tab(*s, level)))
            .sum::<usize>()
    };
    let level = (0..2).find(|l| needs(*l) <= room).unwrap_or(2);
    if needs(level) + 6 <= room {
        spans.push(Span::styled(
            "pasos ",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    for s in Screen::ALL {
        let done = app.done.contains(&s);
        let style = if s == app.screen {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else if done {
            Style::default().fg(Color::Green)
        } else {
            dim()
        };
        spans.push(Span::styled(tab(s, level), style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status_line(f: &mut Frame, area: Rect, app: &App) {
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

/// The key hints that fit: the screen's own keys first, then the form's, then the global ones;
/// `?` (every key) always shows, last.
pub fn footer(f: &mut Frame, area: Rect, app: &App) {
    let can_copy = app.list_items().iter().any(|i| i.copy.is_some());
    let hints = keymap::footer(app.screen, app.editing(), can_copy, app.lang);
    let key_style = Style::default().fg(Color::Black).bg(Color::Gray);
    let help = keymap::help_hint(app.lang);
    let reserve = width(help.0) + width(help.1) + 1;
    let mut used = 0;
    let mut spans = Vec::new();
    for (k, label) in hints {
        let w = width(k) + width(label) + 3;
        if used + w + reserve > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(k.to_string(), key_style));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    spans.push(Span::styled(help.0.to_string(), key_style));
    spans.push(Span::raw(format!(" {}", help.1)));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(endpoint: &str, sandbox: bool) -> Identity {
        Identity {
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/a".into(),
            region: "us-east-1".into(),
            endpoint: endpoint.into(),
            sandbox,
        }
    }

    #[test]
    fn the_badge_says_what_the_endpoint_is() {
        assert_eq!(target(&id("http://127.0.0.1:4566", true)), Target::Sandbox);
        assert_eq!(
            target(&id("https://sts.us-east-1.amazonaws.com", false)),
            Target::Aws
        );
        assert_eq!(
            target(&id("https://sts.cn-north-1.amazonaws.com.cn", false)),
            Target::Aws
        );
        assert_eq!(
            target(&id("http://localhost:5000/", false)),
            Target::Other("localhost:5000".into())
        );
        // A look-alike host is not AWS.
        assert_eq!(
            target(&id("https://evilamazonaws.com", false)),
            Target::Other("evilamazonaws.com".into())
        );
        let (text, _) = badge(Some(&id("http://localhost:5000", false)));
        assert!(!text.contains("AWS") && text.contains("localhost:5000"));
    }
}
