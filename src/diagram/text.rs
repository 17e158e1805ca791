//! The diagram as lines of toned text: one lane per service, one chain per line, wrapped at the
//! width given (compact for a panel at 80×24, full with each node's facts). The wizard maps tones to
//! colours; `pasos diagram --format text` prints the same lines plain.

use super::build::loop_label;
use super::{Arrow, Cycle, Diagram, Kind, State};
use crate::i18n::{Lang, Text};

/// How a piece of text should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Title,
    Dim,
    /// Work in progress (creating, deleting) or a risk.
    Busy,
    Ok,
    /// Failed, or a loop.
    Bad,
    Gone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

pub type Line = Vec<Span>;

fn span(text: impl Into<String>, tone: Tone) -> Span {
    Span {
        text: text.into(),
        tone,
    }
}

pub fn tone_of(s: State) -> Tone {
    match s {
        State::Planned => Tone::Dim,
        State::Creating | State::Deleting => Tone::Busy,
        State::Created | State::Verified => Tone::Ok,
        State::Failed => Tone::Bad,
        State::Deleted => Tone::Gone,
        State::None => Tone::Plain,
    }
}

fn width(line: &Line) -> usize {
    line.iter().map(|s| s.text.chars().count()).sum()
}

/// How much each node says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Mark and name only (a side panel at 80×24).
    Tiny,
    /// Mark, kind and name.
    Compact,
    /// Also each node's facts, the function's role and a legend.
    Full,
}

fn tiny_token(d: &Diagram, id: &str, lang: Lang) -> String {
    match d.node(id) {
        Some(n) => match n.kind {
            Kind::Output => n.name.clone(),
            Kind::Profile => format!("{}{}", n.state.mark(), n.kind.word().get(lang)),
            Kind::Function => format!("{}λ {}", n.state.mark(), n.name),
            _ => format!("{}{}", n.state.mark(), n.name),
        },
        None => id.to_string(),
    }
}

/// Lanes and chains as lines at most `width` wide (a token longer than that gets a line of its own).
pub fn lines(d: &Diagram, lang: Lang, max: usize, level: Level) -> Vec<Line> {
    let full = level == Level::Full;
    let indent = if level == Level::Tiny {
        "    "
    } else {
        "      "
    };
    let mut out: Vec<Line> = Vec::new();
    for (title, chains) in &d.lanes {
        for (ci, chain) in chains.iter().enumerate() {
            let head = match (ci, level) {
                (0, Level::Tiny) => format!("{:<3} ", title.get(lang)),
                (0, _) => format!("{:<5} ", title.get(lang)),
                _ => indent.to_string(),
            };
            let mut line: Line = vec![span(head, Tone::Title)];
            for (arrow, id) in &chain.parts {
                let Some(n) = d.node(id) else { continue };
                let mut token = if level == Level::Tiny {
                    tiny_token(d, id, lang)
                } else {
                    d.token(id, lang)
                };
                if full && !n.detail.is_empty() && n.kind != Kind::Trigger {
                    token.push_str(&format!(" [{}]", n.detail.join(", ")));
                }
                let arrow = match arrow {
                    Arrow::Start => "",
                    Arrow::Right => " → ",
                    Arrow::Left => " ← ",
                };
                let need = arrow.chars().count() + token.chars().count();
                if width(&line) + need > max && line.len() > 1 {
                    out.push(std::mem::take(&mut line));
                    line.push(span(indent, Tone::Plain));
                }
                if !arrow.is_empty() {
                    line.push(span(arrow, Tone::Dim));
                }
                line.push(span(token, tone_of(n.state)));
            }
            out.push(line);
            if chain.cycle != Cycle::No {
                let (mark, tone) = if chain.cycle == Cycle::Loop {
                    ("↻ ✗", Tone::Bad)
                } else {
                    ("↻ ⚠", Tone::Busy)
                };
                let text = format!("{indent}{mark} {}", loop_label(chain.cycle).get(lang));
                out.push(vec![span(text, tone)]);
            }
            if let Some(note) = &chain.note
                && full
            {
                out.push(vec![span(format!("{indent}{}", note.get(lang)), Tone::Dim)]);
            }
        }
    }
    if full {
        out.push(Vec::new());
        out.push(vec![span(legend(lang), Tone::Dim)]);
    }
    out
}

/// `· planned  ⟳ creating  + created  ✓ verified  ✗ failed  − deleted`
pub fn legend(lang: Lang) -> String {
    [
        State::Planned,
        State::Creating,
        State::Created,
        State::Verified,
        State::Failed,
        State::Deleted,
    ]
    .iter()
    .map(|s| format!("{} {}", s.mark(), s.word().get(lang)))
    .collect::<Vec<_>>()
    .join("  ")
}

/// The lines without tones, right-trimmed, one per line.
pub fn plain(lines: &[Line]) -> String {
    let mut s = String::new();
    for l in lines {
        let text: String = l.iter().map(|x| x.text.as_str()).collect();
        s.push_str(text.trim_end());
        s.push('\n');
    }
    s
}

/// What `pasos diagram --format text` prints: a title, the full picture.
pub fn render(d: &Diagram, lang: Lang, width: usize) -> String {
    let title = Text::fixed(
        "Arquitectura del plan (EC2, IAM, S3)",
        "The plan's architecture (EC2, IAM, S3)",
    );
    format!(
        "{}\n\n{}",
        title.get(lang),
        plain(&lines(d, lang, width, Level::Full))
    )
}
