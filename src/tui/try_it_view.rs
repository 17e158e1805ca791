//! How Try it looks: what happened (sizes, times, commands to do it yourself), the original and the
//! resized photo side by side in half-block cells, and the function's logs with REPORT's fields
//! one per line.

use super::app::App;
use super::lambda::{BUCKET, NAME, OUT_PREFIX, PREFIX};
use super::photo::{self, Pixels};
use super::text::{self, Item};
use super::try_it::{Outcome, WAIT, explain};
use super::widgets::{dim, err_style, ok_style, title_block};
use crate::i18n::{Lang, Text};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// `2,1 MB` / `2.1 MB`, `180 KB`, `512 B`.
pub fn size(bytes: u64, lang: Lang) -> String {
    let s = match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} B"),
    };
    if lang == Lang::Es {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Log lines as a person reads them: a REPORT line's tab-separated fields go one per line.
pub fn format_logs(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        let mut parts = l.split('\t').map(str::trim).filter(|p| !p.is_empty());
        if let Some(first) = parts.next() {
            out.push(first.to_string());
        }
        out.extend(parts.map(|p| format!("  {p}")));
    }
    out
}

/// The function's own run time, from the REPORT line (`Duration: 123.45 ms`).
pub fn lambda_ms(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("REPORT"))
        .flat_map(|l| l.split('\t'))
        .map(str::trim)
        .find_map(|f| f.strip_prefix("Duration:"))
        .map(|d| d.trim().to_string())
}

/// What happened, and the commands to do the same by hand (↑/↓ pick one, y copies it).
pub fn items(app: &App) -> Vec<Item> {
    let (lang, s) = (app.lang, &app.try_it);
    let mut v = Vec::new();
    let typed = s.photo.get(0);
    let photo = if s.photo.editing {
        // The field being edited: the text with the cursor where tui-input has it.
        let f = &s.photo.fields[0];
        let at = f.cursor.min(typed.chars().count());
        let (a, b): (String, String) = (
            typed.chars().take(at).collect(),
            typed.chars().skip(at).collect(),
        );
        tr!(es: "Foto: {a}▏{b}", en: "Photo: {a}▏{b}")
    } else if typed.trim().is_empty() {
        tr!(es: "Foto: la de ejemplo (Tab: elegir otra)", en: "Photo: the sample (Tab: choose another)")
    } else {
        let t = typed.trim();
        tr!(es: "Foto: {t} (Tab: cambiar)", en: "Photo: {t} (Tab: change)")
    };
    v.push(Item::new(photo.get(lang), dim()));
    if s.running {
        let t = Text::fixed(
            "Subiendo y esperando el resultado…",
            "Uploading and waiting for the result…",
        );
        v.push(Item::new(t.get(lang), Style::default()));
    } else if let Some(o) = &s.outcome {
        outcome_items(&mut v, o, lang);
    } else {
        let t = Text::fixed("Enter: subir la foto.", "Enter: upload the photo.");
        v.push(Item::new(t.get(lang), Style::default()));
    }
    if let Some(e) = &s.error {
        v.push(Item::new(format!("✗ {}", e.get(lang)), err_style()));
    }
    let form = &app.lambda.form;
    let (b, f) = (form.get(BUCKET).trim(), form.get(NAME).trim());
    let (inp, out) = (form.get(PREFIX), form.get(OUT_PREFIX));
    let region = app
        .ident
        .as_ref()
        .map_or("us-east-1", |i| i.region.as_str());
    let t = Text::fixed("Hazlo tú mismo:", "Do it yourself:");
    v.push(Item::new(t.get(lang), dim()));
    for c in [
        format!("aws s3 cp foto.jpg s3://{b}/{inp}"),
        format!("aws s3 ls s3://{b}/{out}"),
        format!("aws logs tail /aws/lambda/{f} --follow --region {region}"),
    ] {
        v.push(Item::new(format!("$ {c}"), Style::default()).copy(c));
    }
    v
}

fn outcome_items(v: &mut Vec<Item>, o: &Outcome, lang: Lang) {
    let (ik, is) = (&o.input_key, size(o.input_size, lang));
    let t = tr!(es: "subida: {ik} ({is})", en: "uploaded: {ik} ({is})");
    v.push(Item::new(t.get(lang), Style::default()));
    match &o.output_key {
        Some(k) => {
            let os = size(o.output_size, lang);
            let pct = (o.output_size * 100).checked_div(o.input_size).unwrap_or(0);
            let t = tr!(es: "✓ resultado: {k} ({os}, {pct}% del original)", en: "✓ result: {k} ({os}, {pct}% of the original)");
            v.push(Item::new(t.get(lang), ok_style()));
            let ms = o.elapsed_ms;
            let t = match lambda_ms(&o.logs) {
                Some(d) => {
                    tr!(es: "  {ms} ms desde la subida; la función corrió {d}", en: "  {ms} ms from upload; the function ran {d}")
                }
                None => tr!(es: "  {ms} ms desde la subida", en: "  {ms} ms from upload"),
            };
            v.push(Item::new(t.get(lang), ok_style()));
        }
        None => {
            let secs = WAIT.as_secs();
            let t = tr!(es: "✗ no apareció nada en la salida en {secs} s", en: "✗ nothing appeared in the output within {secs} s");
            v.push(Item::new(t.get(lang), err_style()));
        }
    }
}

/// One photo in a titled box, with its size under it.
fn photo_box(
    f: &mut Frame,
    area: Rect,
    title: &str,
    p: Option<&Pixels>,
    bytes: Option<u64>,
    lang: Lang,
) {
    f.render_widget(title_block(title), area);
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    if inner.height < 2 {
        return;
    }
    let [pic, caption] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let dims = p.and_then(|p| p.original.or(Some((p.width, p.height))));
    let mut cap: Vec<String> = dims.map(|(w, h)| format!("{w}×{h}")).into_iter().collect();
    cap.extend(bytes.map(|b| size(b, lang)));
    f.render_widget(
        Paragraph::new(Line::styled(cap.join(" · "), dim())),
        caption,
    );
    match p {
        Some(p) => photo::render(f.buffer_mut(), pic, p),
        None => {
            let t = Text::fixed("(sin vista previa)", "(no preview)");
            f.render_widget(Paragraph::new(Line::styled(t.get(lang), dim())), pic);
        }
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let (lang, s) = (app.lang, &app.try_it);
    let title = Text::fixed("Qué pasa (e: ampliar)", "What happens (e: expand)");
    let Some(o) = s.outcome.as_ref().filter(|_| !s.running) else {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
                .areas(area);
        super::view::explanation_panel(f, left, lang, &title, &explain(), &app.view);
        let mut list = items(app);
        if s.running {
            let log = app.log_lines();
            list.extend(
                log.iter()
                    .rev()
                    .take(3)
                    .rev()
                    .map(|l| Item::new(l.clone(), dim())),
            );
        }
        text::render_items(
            f,
            right,
            Text::fixed("Probar", "Try it").get(lang),
            &list,
            Some(app.view.cursor),
            "↑↓",
        );
        return;
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let [tl, tr_] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(top);
    let [bl, br] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    super::view::explanation_panel(f, tl, lang, &title, &explain(), &app.view);
    text::render_items(
        f,
        tr_,
        Text::fixed("Probar", "Try it").get(lang),
        &items(app),
        Some(app.view.cursor),
        "↑↓",
    );
    let [p1, p2] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bl);
    photo_box(
        f,
        p1,
        Text::fixed("Original", "Original").get(lang),
        s.previews.0.as_ref(),
        Some(o.input_size),
        lang,
    );
    let out = o.output_key.as_ref().map(|_| o.output_size);
    photo_box(
        f,
        p2,
        Text::fixed("Reducida", "Resized").get(lang),
        s.previews.1.as_ref(),
        out,
        lang,
    );
    let logs: Vec<(String, Style)> = format_logs(&o.logs)
        .into_iter()
        .map(|l| (l, Style::default()))
        .collect();
    let t = Text::fixed("Registros de la función", "Function logs");
    text::render_scrolled(
        f,
        br,
        t.get(lang),
        logs,
        app.view.page,
        &app.view.page_max,
        "PgUp/PgDn",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_fields_go_one_per_line_and_give_the_run_time() {
        let logs = vec![
            "START RequestId: 42 Version: $LATEST".to_string(),
            "REPORT RequestId: 42\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 256 MB\t".to_string(),
        ];
        assert_eq!(
            format_logs(&logs),
            vec![
                "START RequestId: 42 Version: $LATEST",
                "REPORT RequestId: 42",
                "  Duration: 123.45 ms",
                "  Billed Duration: 124 ms",
                "  Memory Size: 256 MB",
            ]
        );
        assert_eq!(lambda_ms(&logs).as_deref(), Some("123.45 ms"));
        assert_eq!(size(2_123_456, Lang::Es), "2,1 MB");
        assert_eq!(size(180_500, Lang::En), "180 KB");
    }
}
