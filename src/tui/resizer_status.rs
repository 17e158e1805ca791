//! The bundled resizer's background build as the learner sees it on the welcome and Lambda screens:
//! "Compilando la Lambda: 120/301 crates · 01:23", then ready or what went wrong. Never a bare
//! spinner: the count and the clock say it is moving, the crate name says what it is doing.

use super::widgets::{err_style, ok_style};
use crate::i18n::{Lang, Text};
use crate::resizer_pkg::Progress;
use crate::tr;
use ratatui::style::{Color, Style};
use ratatui::text::Line;

/// Where the background build is. `secs` is the time since it started (the runtime's clock; the
/// view stays a pure function of the state).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResizerState {
    /// Not needed (the plan has no bundled resizer) or not started.
    #[default]
    Idle,
    Building {
        progress: Option<Progress>,
        secs: u64,
    },
    Ready {
        secs: u64,
    },
    Failed(Text),
}

impl ResizerState {
    pub fn building(&self) -> bool {
        matches!(self, ResizerState::Building { .. })
    }
}

fn clock(secs: u64) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// The status line, or nothing when there is nothing to say.
pub fn line(lang: Lang, s: &ResizerState) -> Option<Line<'static>> {
    let (text, style) = match s {
        ResizerState::Idle => return None,
        ResizerState::Building { progress, secs } => {
            let t = clock(*secs);
            let what = match progress {
                Some(Progress::Crates { done, total, last }) => {
                    let of = if *total > 0 {
                        format!("{done}/{total}")
                    } else {
                        done.to_string()
                    };
                    let last = if last.is_empty() {
                        String::new()
                    } else {
                        format!(" ({last})")
                    };
                    tr!(es: "⚙ Compilando la Lambda: {of} crates · {t}{last}", en: "⚙ Compiling the Lambda: {of} crates · {t}{last}")
                }
                Some(Progress::Step(step)) => {
                    let step = step.get(lang).to_string();
                    tr!(es: "⚙ Lambda: {step} · {t}", en: "⚙ Lambda: {step} · {t}")
                }
                None => tr!(es: "⚙ Compilando la Lambda · {t}", en: "⚙ Compiling the Lambda · {t}"),
            };
            (what, Style::default().fg(Color::Yellow))
        }
        ResizerState::Ready { secs } => {
            let t = clock(*secs);
            (
                tr!(es: "✓ Lambda compilada y empaquetada ({t})", en: "✓ Lambda built and zipped ({t})"),
                ok_style(),
            )
        }
        ResizerState::Failed(why) => {
            let why = why.get(lang).lines().next().unwrap_or_default().to_string();
            (
                tr!(es: "✗ No se pudo compilar la Lambda: {why} (detalles en el log)", en: "✗ The Lambda could not be built: {why} (details in the log)"),
                err_style(),
            )
        }
    };
    Some(Line::styled(text.get(lang).to_string(), style))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &ResizerState, lang: Lang) -> String {
        line(lang, s).map(|l| l.to_string()).unwrap_or_default()
    }

    #[test]
    fn building_shows_count_and_clock_in_both_languages() {
        let s = ResizerState::Building {
            progress: Some(Progress::Crates {
                done: 120,
                total: 301,
                last: "image".into(),
            }),
            secs: 83,
        };
        assert_eq!(
            text(&s, Lang::Es),
            "⚙ Compilando la Lambda: 120/301 crates · 01:23 (image)"
        );
        assert_eq!(
            text(&s, Lang::En),
            "⚙ Compiling the Lambda: 120/301 crates · 01:23 (image)"
        );
        assert!(s.building());
    }

    #[test]
    fn ready_failed_and_idle() {
        assert!(text(&ResizerState::Ready { secs: 5 }, Lang::En).contains("00:05"));
        let f = ResizerState::Failed(tr!(es: "Falta cmake\nmás", en: "cmake is missing\nmore"));
        assert_eq!(
            text(&f, Lang::Es),
            "✗ No se pudo compilar la Lambda: Falta cmake (detalles en el log)"
        );
        assert!(line(Lang::Es, &ResizerState::Idle).is_none());
    }
}
