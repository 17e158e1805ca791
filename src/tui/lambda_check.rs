//! The loop check as the Lambda screen shows it: the verdict with every reason (a safe verdict
//! leads with why it is safe), an example key, the fix, the trigger's warnings, and the deprecated
//! runtimes (the walkthrough's python3.9 among them) even when another runtime is selected.

use super::lambda::LambdaScreen;
use super::text::Item;
use super::widgets::{dim, err_style, ok_style};
use crate::i18n::{Lang, Text};
use crate::loopcheck::Verdict;
use crate::plan::validate::RUNTIMES;
use crate::tr;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

fn warn_style() -> Style {
    Style::default().fg(Color::Yellow)
}

fn headline(v: Verdict) -> (Text, Style) {
    match v {
        Verdict::Safe => (Text::fixed("✓ Sin bucle", "✓ No loop"), ok_style()),
        Verdict::Risk => (
            Text::fixed("⚠ RIESGO de bucle", "⚠ Loop RISK"),
            warn_style(),
        ),
        Verdict::Loop => (
            Text::fixed("✗ BUCLE infinito", "✗ Infinite LOOP"),
            err_style(),
        ),
    }
}

/// One line under the form: the verdict, where the reasons are.
pub fn summary(s: &LambdaScreen, lang: Lang) -> Line<'static> {
    match s.verdict() {
        Ok(r) => {
            let (t, style) = headline(r.verdict);
            let more = Text::fixed("(por qué: abajo)", "(why: below)");
            Line::styled(
                format!("  {} {}", t.get(lang), more.get(lang)),
                style.add_modifier(Modifier::BOLD),
            )
        }
        Err(t) => Line::styled(format!("  ✗ {}", t.get(lang)), err_style()),
    }
}

/// Everything the loop check found, for the result panel.
pub fn items(s: &LambdaScreen, lang: Lang, today: &str) -> Vec<Item> {
    let mut v = Vec::new();
    match s.verdict() {
        Ok(r) => {
            let (t, style) = headline(r.verdict);
            let why = Text::fixed("Por qué:", "Why:");
            v.push(Item::new(
                format!("{}. {}", t.get(lang), why.get(lang)),
                style.add_modifier(Modifier::BOLD),
            ));
            // The reasons build up to the verdict; for a safe one the last is the decisive fact,
            // so it comes first and the context after it.
            let mut reasons: Vec<&Text> = r.reasons.iter().collect();
            if r.verdict == Verdict::Safe {
                reasons.rotate_right(1);
            }
            for (i, reason) in reasons.iter().enumerate() {
                let st = if i == 0 || r.verdict != Verdict::Safe {
                    Style::default()
                } else {
                    dim()
                };
                v.push(Item::new(format!("  • {}", reason.get(lang)), st));
            }
            if let Some(k) = &r.example_key {
                let t = tr!(es: "  p. ej.: subir {k} vuelve a disparar la función", en: "  e.g. uploading {k} fires the function again");
                v.push(Item::new(t.get(lang), dim()));
            }
            if let Some(fix) = &r.fix {
                v.push(Item::new(
                    format!("  → {}", fix.get(lang)),
                    Style::default(),
                ));
            }
            if r.verdict != Verdict::Safe {
                let t = if s.ack {
                    Text::fixed(
                        "  riesgo aceptado: allow_recursion, y AWS corta la cadena (RecursiveLoop = Terminate)",
                        "  risk accepted: allow_recursion, and AWS stops the chain (RecursiveLoop = Terminate)",
                    )
                } else {
                    Text::fixed(
                        "  bloqueado: ! para aceptar el riesgo",
                        "  blocked: ! to accept the risk",
                    )
                };
                v.push(Item::new(t.get(lang), style));
            }
            for w in &r.warnings {
                v.push(Item::new(format!("⚠ {}", w.get(lang)), warn_style()));
            }
        }
        Err(t) => v.push(Item::new(format!("✗ {}", t.get(lang)), err_style())),
    }
    let old: Vec<String> = RUNTIMES
        .iter()
        .filter(|(_, dep, _)| *dep <= today)
        .map(|(n, dep, _)| format!("{n} ({dep})"))
        .collect();
    if !old.is_empty() {
        let list = old.join(", ");
        let t = tr!(
            es: "⚠ Runtimes obsoletos (desde): {list}. El tutorial usaba python3.9: AWS ya no lo actualiza y pronto no dejará crear funciones con él.",
            en: "⚠ Deprecated runtimes (since): {list}. The walkthrough used python3.9: AWS no longer patches it and will soon refuse new functions on it."
        );
        v.push(Item::new(t.get(lang), warn_style()));
    }
    v
}
