//! Terminal escapes the wizard uses beyond drawing: OSC 52 (copy to the clipboard, which works over
//! SSH and through tmux with `set-clipboard on`), OSC 8 hyperlinks (console deep links), and
//! `NO_COLOR` (every colour dropped, emphasis kept).

use base64::Engine;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use std::num::NonZeroU16;

/// The OSC 52 sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Drops every colour from a drawn frame. A cell that had a background (the badge, key hints, a
/// highlighted row) is shown reversed instead, so it still stands out without colour.
pub fn strip_colors(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}

/// Turns the text already drawn in `r` (one line) into an OSC 8 hyperlink to `url`. The whole
/// link is written by the first cell with its width forced to the text's, and the cells it covers
/// are skipped, so ratatui's diff neither counts the escape's characters nor redraws over them.
pub fn hyperlink(buf: &mut Buffer, r: Rect, url: &str, text: &str) {
    let area = buf.area;
    let Some(w) = NonZeroU16::new(r.width.min(area.right().saturating_sub(r.x))) else {
        return;
    };
    if r.y >= area.bottom() || r.x < area.x || !url.is_ascii() || url.contains('\x1b') {
        return;
    }
    let seq = format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\");
    buf[(r.x, r.y)]
        .set_symbol(&seq)
        .set_diff_option(CellDiffOption::ForcedWidth(w));
    for x in r.x + 1..r.x + w.get() {
        buf[(x, r.y)].set_diff_option(CellDiffOption::Skip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(
            osc52("aws iam get-role"),
            "\x1b]52;c;YXdzIGlhbSBnZXQtcm9sZQ==\x07"
        );
    }

    #[test]
    fn no_color_keeps_badges_visible_as_reversed() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "AB", Style::default().bg(Color::Red).fg(Color::White));
        buf.set_string(2, 0, "cd", Style::default().fg(Color::Green));
        strip_colors(&mut buf);
        assert!(
            buf.content
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
        );
        assert!(buf[(0, 0)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(2, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn hyperlink_wraps_the_text_and_skips_the_covered_cells() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "role", Style::default());
        hyperlink(&mut buf, Rect::new(0, 0, 4, 1), "https://x.test/r", "role");
        assert_eq!(
            buf[(0, 0)].symbol(),
            "\x1b]8;;https://x.test/r\x1b\\role\x1b]8;;\x1b\\"
        );
        assert_eq!(buf[(1, 0)].diff_option, CellDiffOption::Skip);
        assert_eq!(buf[(4, 0)].diff_option, CellDiffOption::None);
    }
}
