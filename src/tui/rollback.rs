//! Screen 7: roll back — the journal as a tree (by parent keys), select with Space, delete the
//! selection (D) or everything (A) after a confirmation that defaults to No; progress per item, and
//! failures stay (r retries them).

use super::confirm::{Confirm, What};
use super::keymap::Action;
use super::widgets::{self, dim, err_style, ok_style};
use crate::engine::journal::Entry;
use crate::engine::{Event, Res, Step};
use crate::i18n::{Lang, Text};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq)]
pub enum RowState {
    Idle,
    Queued,
    Working,
    Deleted,
    Failed(Text),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub res: Res,
    pub depth: usize,
    pub selected: bool,
    pub confirmed: bool,
    pub state: RowState,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RollbackScreen {
    pub rows: Vec<Row>,
    pub cursor: usize,
    pub running: bool,
    current: Option<String>,
}

impl RollbackScreen {
    /// Rebuilds the tree from the journal, keeping selections and failures by key.
    pub fn load(&mut self, live: &[Entry]) {
        let old: BTreeMap<String, Row> = self.rows.drain(..).map(|r| (r.res.key(), r)).collect();
        let keys: BTreeSet<String> = live.iter().map(|e| e.res.key()).collect();
        let parent = |e: &Entry| e.res.parent_keys().into_iter().find(|p| keys.contains(p));
        let mut children: BTreeMap<Option<String>, Vec<&Entry>> = BTreeMap::new();
        for e in live {
            children.entry(parent(e)).or_default().push(e);
        }
        fn walk(
            rows: &mut Vec<Row>,
            kids: &BTreeMap<Option<String>, Vec<&Entry>>,
            at: Option<String>,
            depth: usize,
            old: &BTreeMap<String, Row>,
            seen: &mut BTreeSet<String>,
        ) {
            let Some(list) = kids.get(&at) else { return };
            let mut list = list.clone();
            list.sort_by(|a, b| {
                b.res
                    .delete_rank()
                    .cmp(&a.res.delete_rank())
                    .reverse()
                    .then(a.res.key().cmp(&b.res.key()))
            });
            for e in list {
                let k = e.res.key();
                if !seen.insert(k.clone()) {
                    continue;
                }
                let prev = old.get(&k);
                rows.push(Row {
                    res: e.res.clone(),
                    depth,
                    selected: prev.is_some_and(|r| r.selected),
                    confirmed: e.confirmed,
                    state: prev.map_or(RowState::Idle, |r| match &r.state {
                        RowState::Failed(t) => RowState::Failed(t.clone()),
                        _ => RowState::Idle,
                    }),
                });
                walk(rows, kids, Some(k), depth + 1, old, seen);
            }
        }
        let mut seen = BTreeSet::new();
        walk(&mut self.rows, &children, None, 0, &old, &mut seen);
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn action(&mut self, a: Action) -> Option<Confirm> {
        match a {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(self.rows.len().saturating_sub(1)),
            Action::Select => {
                if let Some(r) = self.rows.get_mut(self.cursor) {
                    r.selected = !r.selected;
                }
            }
            Action::DeleteSel if !self.running => {
                let keys: Vec<String> = self
                    .rows
                    .iter()
                    .filter(|r| r.selected)
                    .map(|r| r.res.key())
                    .collect();
                if keys.is_empty() {
                    return None;
                }
                let n = keys.len();
                return Some(Confirm::new(
                    tr!(es: "¿Borrar en AWS los {n} recursos marcados y lo que cuelga de ellos? No se puede deshacer.", en: "Delete the {n} selected resources, and what hangs off them, in AWS? This cannot be undone."),
                    What::Rollback(Some(keys)),
                ));
            }
            Action::DeleteAll if !self.running && !self.rows.is_empty() => {
                let n = self.rows.len();
                return Some(Confirm::new(
                    tr!(es: "¿Borrar en AWS TODO lo que creó pasos ({n} recursos)? No se puede deshacer.", en: "Delete EVERYTHING pasos created ({n} resources) in AWS? This cannot be undone."),
                    What::Rollback(None),
                ));
            }
            _ => {}
        }
        None
    }

    /// Marks what is about to go.
    pub fn start(&mut self, keys: Option<&[String]>) {
        self.running = true;
        for r in &mut self.rows {
            if keys.is_none_or(|k| k.contains(&r.res.key())) {
                r.state = RowState::Queued;
            }
        }
    }

    pub fn failed_keys(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| matches!(r.state, RowState::Failed(_)))
            .map(|r| r.res.key())
            .collect()
    }

    fn row(&mut self, key: &str) -> Option<&mut Row> {
        self.rows.iter_mut().find(|r| r.res.key() == key)
    }

    /// Follows the rollback's events; true when the rollback finished.
    pub fn event(&mut self, ev: &Event) -> bool {
        match ev {
            Event::ApiCall {
                service, target, ..
            } if service == "rollback" => {
                self.current = Some(target.clone());
                if let Some(r) = self.row(target) {
                    r.state = RowState::Working;
                }
            }
            Event::Deleted { resource } => {
                if let Some(r) = self.row(&resource.key()) {
                    r.state = RowState::Deleted;
                    r.selected = false;
                }
            }
            Event::Failed {
                step: Step::Rollback,
                error,
            } => {
                if let Some(k) = self.current.clone()
                    && let Some(r) = self.row(&k)
                {
                    r.state = RowState::Failed(error.clone());
                }
            }
            Event::Done { .. } if self.running => {
                self.running = false;
                self.current = None;
                return true;
            }
            _ => {}
        }
        false
    }
}

pub fn explain() -> Text {
    Text::fixed(
        "Deshacer borra lo que creó pasos, en orden inverso a sus dependencias (lo que cuelga de algo se borra \
         antes). Solo toca lo anotado en el diario. Lo que falle se queda marcado para reintentar con r.",
        "Rolling back deletes what pasos created, in reverse dependency order (what hangs off something goes \
         first). It only touches what the journal holds. Whatever fails stays marked so r can retry it.",
    )
}

pub fn render(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    s: &RollbackScreen,
    view: &super::app::ViewState,
) {
    let [top, list] = Layout::vertical([Constraint::Length(5), Constraint::Min(3)]).areas(area);
    let title = Text::fixed("Deshacer (e: ampliar)", "Roll back (e: expand)");
    super::view::explanation_panel(f, top, lang, &title, &explain(), view);
    let mut lines = Vec::new();
    if s.rows.is_empty() {
        lines.push(Line::styled(
            Text::fixed(
                "El diario está vacío: no hay nada que deshacer.",
                "The journal is empty: nothing to roll back.",
            )
            .get(lang)
            .to_string(),
            dim(),
        ));
    }
    let skip = s
        .cursor
        .saturating_sub(list.height.saturating_sub(3) as usize);
    for (i, r) in s.rows.iter().enumerate().skip(skip) {
        let (mark, style) = match &r.state {
            RowState::Idle => ("  ", Style::default()),
            RowState::Queued => ("… ", dim()),
            RowState::Working => ("⟳ ", Style::default().fg(Color::Yellow)),
            RowState::Deleted => ("✓ ", ok_style()),
            RowState::Failed(_) => ("✗ ", err_style()),
        };
        let sel = if r.selected { "[x]" } else { "[ ]" };
        let unsure = if r.confirmed {
            String::new()
        } else {
            Text::fixed(" (sin confirmar)", " (unconfirmed)")
                .get(lang)
                .to_string()
        };
        let mut line = format!(
            "{mark}{sel} {}{}{unsure}",
            "  ".repeat(r.depth),
            r.res.label(lang)
        );
        if let RowState::Failed(t) = &r.state {
            line.push_str(&format!(" — {}", t.get(lang)));
        }
        let style = if i == s.cursor {
            style.add_modifier(Modifier::REVERSED)
        } else {
            style
        };
        lines.push(Line::styled(line, style));
    }
    let title = Text::fixed(
        "Diario (Espacio marca · D borra lo marcado · A todo)",
        "Journal (Space selects · D deletes selection · A all)",
    );
    widgets::render_text(f, list, title.get(lang), lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Cmd, Msg, Screen};
    use crate::tui::testing::{app, journal, key, snapshots};
    use crossterm::event::KeyCode;

    #[test]
    fn tree_select_confirm_progress_retry() {
        let mut a = app();
        a.update(key(KeyCode::Char('7')));
        a.update(Msg::Journal(journal()));
        assert_eq!(a.rollback.rows[0].res.key(), "role:ec2-s3-dynamodb");
        assert_eq!(a.rollback.rows[1].depth, 1);
        a.update(key(KeyCode::Char(' ')));
        assert!(a.update(key(KeyCode::Char('D'))).is_none());
        assert!(a.confirm.is_some());
        assert!(
            a.update(key(KeyCode::Enter)).is_none(),
            "Enter alone means No"
        );
        a.update(key(KeyCode::Char('D')));
        match a.update(key(KeyCode::Char('y'))) {
            Some(Cmd::Rollback(Some(k))) => assert_eq!(k, vec!["role:ec2-s3-dynamodb".to_string()]),
            other => panic!("{other:?}"),
        }
        let pol = Res::RolePolicy {
            role: "ec2-s3-dynamodb".into(),
            arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess".into(),
        };
        a.update(Msg::Engine(Event::ApiCall {
            service: "rollback".into(),
            operation: "Delete".into(),
            target: pol.key(),
        }));
        a.update(Msg::Engine(Event::Deleted {
            resource: pol.clone(),
        }));
        let role = Res::Role {
            name: "ec2-s3-dynamodb".into(),
        };
        a.update(Msg::Engine(Event::ApiCall {
            service: "rollback".into(),
            operation: "Delete".into(),
            target: role.key(),
        }));
        a.update(Msg::Engine(Event::Failed {
            step: Step::Rollback,
            error: Text::same("DeleteConflict"),
        }));
        assert!(matches!(
            a.update(Msg::Engine(Event::Done {
                ok: false,
                created: 0,
                existing: 1,
                deleted: 1,
                failed: 1
            })),
            Some(Cmd::RefreshJournal)
        ));
        assert_eq!(a.rollback.failed_keys(), vec![role.key()]);
        assert!(matches!(
            a.update(key(KeyCode::Char('r'))),
            Some(Cmd::Rollback(Some(_)))
        ));
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::Rollback, "rollback", |a| {
            a.rollback.load(&journal());
            a.rollback.rows[0].selected = true;
            a.rollback.rows[2].state = RowState::Failed(Text::fixed("conflicto", "conflict"));
        });
    }
}
