//! Word wrapping and panels that scroll: the wizard wraps its own text (instead of letting ratatui
//! do it) so it knows how many lines a panel needs, can scroll it and say what is cut.

use super::widgets::{dim, title_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

/// Display width of a string (wide characters count two).
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Wraps `text` to `max` columns at spaces; words longer than a line are cut. Continuation lines
/// keep the first line's indentation, so list items stay readable.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(4);
    let lead = text.len() - text.trim_start_matches(' ').len();
    let indent = if lead * 2 >= max { 0 } else { lead };
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = Vec::new();
    let mut line = pad.clone();
    let mut fresh = true;
    // Splitting on single spaces keeps runs of spaces (aligned columns) inside a line; at the start
    // of a wrapped line they are dropped.
    for word in text[lead..].split(' ') {
        if fresh && word.is_empty() {
            continue;
        }
        if !fresh && width(&line) + 1 + width(word) > max {
            out.push(std::mem::replace(&mut line, pad.clone()));
            fresh = true;
            if word.is_empty() {
                continue;
            }
        }
        if !fresh {
            line.push(' ');
        }
        // A word wider than the line is cut into pieces.
        let mut rest = word;
        while width(&line) + width(rest) > max {
            let room = max.saturating_sub(width(&line)).max(1);
            let cut: String = take_width(rest, room);
            if cut.is_empty() {
                break;
            }
            line.push_str(&cut);
            rest = &rest[cut.len()..];
            out.push(std::mem::replace(&mut line, pad.clone()));
        }
        line.push_str(rest);
        fresh = false;
    }
    if !fresh || out.is_empty() {
        out.push(line);
    }
    out
}

fn take_width(s: &str, room: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let mut next = out.clone();
        next.push(c);
        if width(&next) > room {
            break;
        }
        out = next;
    }
    out
}

/// Paragraphs (separated by `\n`) wrapped to `max` columns, blank lines kept.
pub fn wrap_para(text: &str, max: usize) -> Vec<String> {
    text.split('\n').flat_map(|p| wrap(p, max)).collect()
}

/// One entry of a scrolled list: its text, style, and what `y` copies when it is under the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: String,
    pub style: Style,
    pub copy: Option<String>,
    /// A web page for it (a console deep link on real AWS), drawn as an OSC 8 hyperlink.
    pub link: Option<String>,
}

impl Item {
    pub fn new(text: impl Into<String>, style: Style) -> Item {
        Item {
            text: text.into(),
            style,
            copy: None,
            link: None,
        }
    }
    pub fn copy(mut self, value: impl Into<String>) -> Item {
        self.copy = Some(value.into());
        self
    }
    pub fn link(mut self, url: impl Into<String>) -> Item {
        self.link = Some(url.into());
        self
    }
}

/// The inner width of a bordered panel.
pub fn inner_width(area: Rect) -> usize {
    area.width.saturating_sub(2) as usize
}

/// Lines a bordered panel can show.
pub fn inner_height(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

/// Writes "↑ k · ↓ j · 3/12"-style hints on the panel's bottom border when its text is cut.
pub fn scroll_marker(
    f: &mut Frame,
    area: Rect,
    top: usize,
    shown: usize,
    total: usize,
    keys: &str,
) {
    if total <= shown || area.height < 3 || area.width < 12 {
        return;
    }
    let up = if top > 0 { "↑" } else { " " };
    let down = if top + shown < total { "↓" } else { " " };
    let last = (top + shown).min(total);
    let text = format!(" {up}{down} {keys} {last}/{total} ");
    let w = width(&text).min(area.width.saturating_sub(2) as usize) as u16;
    let r = Rect::new(
        area.x + area.width.saturating_sub(w + 1),
        area.y + area.height - 1,
        w,
        1,
    );
    f.render_widget(Paragraph::new(Line::styled(text, dim())), r);
}

/// A bordered text panel scrolled to line `offset` (clamped). `max` receives the largest useful
/// offset, so key handling can stop there; `keys` names the scroll keys in the marker.
pub fn render_scrolled(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<(String, Style)>,
    offset: usize,
    max: &Cell<usize>,
    keys: &str,
) {
    let w = inner_width(area);
    let wrapped: Vec<(String, Style)> = lines
        .into_iter()
        .flat_map(|(t, s)| wrap(&t, w).into_iter().map(move |l| (l, s)))
        .collect();
    let shown = inner_height(area);
    let top_max = wrapped.len().saturating_sub(shown);
    max.set(top_max);
    let top = offset.min(top_max);
    let visible: Vec<Line> = wrapped
        .iter()
        .skip(top)
        .take(shown)
        .map(|(t, s)| Line::styled(t.clone(), *s))
        .collect();
    f.render_widget(Paragraph::new(visible).block(title_block(title)), area);
    scroll_marker(f, area, top, shown, wrapped.len(), keys);
}

/// A bordered list of items with a cursor on item `cursor` (clamped); the view scrolls to keep it
/// visible. Returns the rectangles of the visible linked lines, for the hyperlink overlay.
pub fn render_items(
    f: &mut Frame,
    area: Rect,
    title: &str,
    items: &[Item],
    cursor: Option<usize>,
    keys: &str,
) -> Vec<(Rect, String, String)> {
    let w = inner_width(area);
    let shown = inner_height(area);
    // (item index, text) per wrapped line.
    let mut rows: Vec<(usize, String)> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        for l in wrap(&it.text, w) {
            rows.push((i, l));
        }
    }
    let cursor = cursor.map(|c| c.min(items.len().saturating_sub(1)));
    let first = cursor.and_then(|c| rows.iter().position(|(i, _)| *i == c));
    let last = cursor.and_then(|c| rows.iter().rposition(|(i, _)| *i == c));
    let top = match (first, last) {
        (Some(a), Some(b)) if b + 1 > shown => (b + 1 - shown).min(a),
        _ => 0,
    };
    let mut links = Vec::new();
    let mut lines = Vec::new();
    for (n, (i, t)) in rows.iter().enumerate().skip(top).take(shown) {
        let it = &items[*i];
        let mut style = it.style;
        if Some(*i) == cursor && (it.copy.is_some() || it.link.is_some()) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if let Some(url) = &it.link {
            let y = area.y + 1 + (n - top) as u16;
            links.push((
                Rect::new(area.x + 1, y, width(t) as u16, 1),
                url.clone(),
                t.clone(),
            ));
        }
        lines.push(Line::styled(t.clone(), style));
    }
    f.render_widget(Paragraph::new(lines).block(title_block(title)), area);
    scroll_marker(f, area, top, shown, rows.len(), keys);
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_keeps_indent_and_cuts_long_words() {
        assert_eq!(wrap("uno dos tres", 7), vec!["uno dos", "tres"]);
        assert_eq!(
            wrap("  → una frase larga", 10),
            vec!["  → una", "  frase", "  larga"]
        );
        assert_eq!(
            wrap("arn:aws:iam::000000000000:role/x", 12),
            vec!["arn:aws:iam:", ":00000000000", "0:role/x"]
        );
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("Cuenta    0000", 20), vec!["Cuenta    0000"]);
        assert_eq!(wrap_para("a\n\nb", 10), vec!["a", "", "b"]);
    }
}
