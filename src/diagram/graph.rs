//! The diagram as Mermaid (`flowchart LR`) or Graphviz dot, for slides: node state as a class or a
//! style, a looping trigger as a red edge back to it.

use super::build::loop_label;
use super::{Cycle, Diagram, Kind, State};
use crate::i18n::Lang;

/// A node id both languages accept: letters, digits and `_`.
fn ident(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn label(d: &Diagram, id: &str, lang: Lang) -> String {
    let Some(n) = d.node(id) else {
        return id.to_string();
    };
    let mut s = if n.kind == Kind::Output {
        n.name.clone()
    } else {
        format!("{} {}", n.kind.word().get(lang), n.name)
    };
    if n.state != State::None && n.state != State::Planned {
        s.push_str(&format!(" ({})", n.state.word().get(lang)));
    }
    s.replace('"', "'")
}

fn class(s: State) -> &'static str {
    match s {
        State::Planned => "planned",
        State::Creating | State::Deleting => "busy",
        State::Created | State::Verified => "ok",
        State::Failed => "failed",
        State::Deleted => "gone",
        State::None => "place",
    }
}

pub fn mermaid(d: &Diagram, lang: Lang) -> String {
    let mut s = String::from("flowchart LR\n");
    for n in &d.nodes {
        let l = label(d, &n.id, lang);
        let shape = match n.kind {
            Kind::Output => format!("[/\"{l}\"/]"),
            Kind::Trigger => format!("{{{{\"{l}\"}}}}"),
            Kind::Function => format!("([\"{l}\"])"),
            _ => format!("[\"{l}\"]"),
        };
        s.push_str(&format!("  {}{shape}:::{}\n", ident(&n.id), class(n.state)));
    }
    let mut red = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        if e.cycle == Cycle::No {
            s.push_str(&format!("  {} --> {}\n", ident(&e.from), ident(&e.to)));
        } else {
            s.push_str(&format!(
                "  {} -. \"{}\" .-> {}\n",
                ident(&e.from),
                loop_label(e.cycle).get(lang).replace('"', "'"),
                ident(&e.to)
            ));
        }
        if e.cycle != Cycle::No {
            red.push((i, e.cycle));
        }
    }
    s.push_str("  classDef planned stroke-dasharray: 4 4\n");
    s.push_str("  classDef busy fill:#fff3c4\n");
    s.push_str("  classDef ok fill:#d6f5d6\n");
    s.push_str("  classDef failed fill:#f8d0d0,stroke:#c00\n");
    s.push_str("  classDef gone fill:#eeeeee,color:#888\n");
    s.push_str("  classDef place fill:#ffffff\n");
    for (i, c) in red {
        let colour = if c == Cycle::Loop { "red" } else { "orange" };
        s.push_str(&format!(
            "  linkStyle {i} stroke:{colour},stroke-width:3px\n"
        ));
    }
    s
}

pub fn dot(d: &Diagram, lang: Lang) -> String {
    let mut s =
        String::from("digraph pasos {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans\"];\n");
    for n in &d.nodes {
        let style = match n.state {
            State::Planned => "style=dashed",
            State::Creating | State::Deleting => "style=filled, fillcolor=\"#fff3c4\"",
            State::Created | State::Verified => "style=filled, fillcolor=\"#d6f5d6\"",
            State::Failed => "style=filled, fillcolor=\"#f8d0d0\", color=red",
            State::Deleted => "style=filled, fillcolor=\"#eeeeee\", fontcolor=gray",
            State::None => "shape=folder",
        };
        s.push_str(&format!(
            "  {} [label=\"{}\", {style}];\n",
            ident(&n.id),
            label(d, &n.id, lang)
        ));
    }
    for e in &d.edges {
        let l = loop_label(e.cycle).get(lang).replace('"', "'");
        let attrs = match e.cycle {
            Cycle::Loop => format!(" [color=red, penwidth=2, label=\"{l}\"]"),
            Cycle::Risk => format!(" [color=orange, penwidth=2, label=\"{l}\"]"),
            Cycle::No => String::new(),
        };
        s.push_str(&format!(
            "  {} -> {}{attrs};\n",
            ident(&e.from),
            ident(&e.to)
        ));
    }
    s.push_str("}\n");
    s
}
