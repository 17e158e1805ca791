//! What a learner checks on the wizard as a whole: the badge and the footer at 80×24, the focus
//! model, paste, NO_COLOR, warnings that stay, results with ids and commands, copying, scrolling,
//! help, the loop verdict's reasons and the free-tier type.

use super::app::{Cmd, Msg, Screen};
use super::testing::{app, key, ran, render, typed};
use super::tests_snapshots::{ec2_events, role_events};
use crate::i18n::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn the_badge_comes_first_on_every_screen_in_both_languages_at_80_columns() {
    for lang in [Lang::Es, Lang::En] {
        for s in Screen::ALL {
            let mut a = app();
            a.lang = lang;
            a.screen = s;
            let screen = render(&a, 80, 24);
            assert!(screen.starts_with(" SANDBOX "), "{s:?} {lang:?}:\n{screen}");
        }
    }
}

#[test]
fn the_footer_shows_the_screens_own_keys_at_80_columns() {
    let mut a = app();
    a.lang = Lang::Es;
    let footer = |a: &super::app::App| {
        let screen = render(a, 80, 24);
        screen.lines().last().unwrap_or("").trim_end().to_string()
    };
    a.screen = Screen::Keys;
    assert!(footer(&a).contains("x borrar"), "{}", footer(&a));
    a.screen = Screen::Rollback;
    assert!(footer(&a).contains("r reintentar"), "{}", footer(&a));
    a.screen = Screen::Lambda;
    assert!(footer(&a).starts_with("! acepto"), "{}", footer(&a));
    a.screen = Screen::Ec2;
    assert!(footer(&a).contains("c CLI") && footer(&a).ends_with("? ayuda"));
    // While a field is edited the footer says how to move and how to stop.
    a.update(key(KeyCode::Tab));
    assert!(footer(&a).starts_with("Tab campo siguiente  S-Tab anterior  Enter/Esc terminar"));
}

#[test]
fn enter_in_a_field_only_ends_editing_and_a_paste_never_runs_a_step() {
    let mut a = app();
    a.screen = Screen::Role;
    a.update(key(KeyCode::Tab));
    // A pasted value with its trailing newline goes into the field, and nothing runs.
    assert!(a.update(Msg::Paste("-web\n".into())).is_none());
    assert_eq!(a.role.name(), "ec2-s3-dynamodb-web");
    assert!(a.busy.is_none() && a.editing());
    // Enter ends editing and does nothing else; the next Enter runs the step.
    assert!(a.update(key(KeyCode::Enter)).is_none());
    assert!(!a.editing() && a.busy.is_none());
    // A paste outside a field is refused, never treated as keys.
    assert!(a.update(Msg::Paste("x\n".into())).is_none());
    assert!(a.busy.is_none() && a.status.as_ref().is_some_and(|s| s.1));
    assert!(matches!(a.update(key(KeyCode::Enter)), Some(Cmd::Apply(_))));
}

#[test]
fn text_fields_have_a_real_cursor() {
    let mut a = app();
    a.screen = Screen::User;
    a.update(key(KeyCode::Tab)); // user name "alumno", cursor at the end
    a.update(key(KeyCode::Home));
    typed(&mut a, "el-");
    assert_eq!(a.user.name(), "el-alumno");
    a.update(key(KeyCode::End));
    a.update(ctrl('w'));
    assert_eq!(a.user.name(), "el-");
    a.update(key(KeyCode::Home));
    a.update(key(KeyCode::Delete));
    assert_eq!(a.user.name(), "l-");
    a.update(ctrl('u'));
    assert_eq!(a.user.name(), "");
    // Shift-Tab goes back round to the last field, Esc ends editing, Esc again stays put.
    a.update(key(KeyCode::BackTab));
    assert_eq!(a.user.form.focus, super::user::KEYS);
    a.update(key(KeyCode::Esc));
    a.update(key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::User);
}

#[test]
fn no_color_draws_without_colours_but_keeps_the_badge_visible() {
    let mut a = app();
    a.no_color = true;
    a.screen = Screen::Ec2;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("t");
    term.draw(|f| super::view::draw(f, &a)).expect("draw");
    let buf = term.backend().buffer();
    use ratatui::style::{Color, Modifier};
    assert!(
        buf.content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    assert!(buf[(1, 0)].modifier.contains(Modifier::REVERSED), "badge");
}

#[test]
fn warnings_stay_beside_the_results_until_the_step_runs_again() {
    let mut a = app();
    ran(&mut a, Screen::Ec2, ec2_events());
    let screen = render(&a, 120, 40);
    assert!(
        screen.contains("⚠ t2.micro is not free-tier eligible"),
        "{screen}"
    );
    assert!(screen.contains("i-0abc1234def567890") && screen.contains("sg-0123456789abcdef0"));
    assert!(screen.contains("$ curl http://203.0.113.7"));
    // A new run starts clean.
    a.done.clear();
    a.ec2.form.fields[super::ec2::TYPE].value = "t3.micro".into();
    assert!(matches!(a.update(key(KeyCode::Enter)), Some(Cmd::Apply(_))));
    assert!(!render(&a, 120, 40).contains("⚠ t2.micro"));
}

#[test]
fn y_copies_the_arn_or_command_under_the_cursor() {
    let mut a = app();
    ran(&mut a, Screen::Role, role_events());
    let items = super::detail::items(&a);
    let arn = "arn:aws:iam::000000000000:role/ec2-s3-dynamodb";
    let at = items.iter().position(|i| i.copy.as_deref() == Some(arn));
    let Some(at) = at else {
        panic!("no ARN in {items:?}")
    };
    for _ in 0..at {
        a.update(key(KeyCode::Down));
    }
    assert!(matches!(a.update(key(KeyCode::Char('y'))), Some(Cmd::Copy(v)) if v == arn));
    // Further down, the command that shows the role.
    let cmd = "aws iam get-role --role-name ec2-s3-dynamodb";
    let Some(c) = items.iter().position(|i| i.copy.as_deref() == Some(cmd)) else {
        panic!("no get-role command in {items:?}")
    };
    assert!(c > at);
    for _ in at..c {
        a.update(key(KeyCode::Down));
    }
    assert!(matches!(a.update(key(KeyCode::Char('y'))), Some(Cmd::Copy(v)) if v == cmd));
    // A line with nothing to copy says so instead.
    a.view.cursor = 0;
    let first_copyable = items[0].copy.is_some();
    assert_eq!(a.update(key(KeyCode::Char('y'))).is_some(), first_copyable);
}

#[test]
fn j_scrolls_the_explanation_and_stops_at_its_end() {
    let mut a = app();
    a.screen = Screen::Ec2;
    let first = render(&a, 80, 24);
    a.update(key(KeyCode::Char('j')));
    assert_ne!(render(&a, 80, 24), first);
    for _ in 0..200 {
        a.update(key(KeyCode::Char('j')));
    }
    let end = render(&a, 80, 24);
    assert!(
        end.contains("termínala") || end.contains("terminate it"),
        "{end}"
    );
    assert_eq!(a.view.text, a.view.text_max.get());
}
#[test]
fn a_safe_verdict_leads_with_why_and_the_trigger_warnings_show() {
    let mut a = app();
    a.lang = Lang::En;
    a.screen = Screen::Lambda;
    let items = super::detail::items(&a);
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert!(texts[0].starts_with("✓ No loop. Why:"), "{texts:?}");
    assert!(
        texts[1].contains("do not overlap"),
        "the decisive reason first: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("multipart")),
        "PUT-only warning: {texts:?}"
    );
    // python3.9 is flagged although provided.al2023 is selected.
    assert!(
        texts.iter().any(|t| t.contains("python3.9 (2025-12-15)")),
        "{texts:?}"
    );
}

#[test]
fn ec2_starts_on_a_free_tier_type_and_a_paid_one_needs_the_cost_accepted() {
    use super::ec2::{ALLOW_PAID, TYPE};
    // The walkthrough plan asks for `free-tier`: it stays, and its mark names the type it means.
    let mut a = app();
    a.screen = Screen::Ec2;
    assert_eq!(a.ec2.form.get(TYPE), crate::plan::model::FREE_TIER);
    a.update(Msg::FreeTier(vec!["t3.micro".into(), "t3.small".into()]));
    assert_eq!(a.ec2.form.get(TYPE), crate::plan::model::FREE_TIER);
    assert!(render(&a, 120, 40).contains("your account's free one: t3.micro"));
    assert!(a.ec2.blocked().is_none());
    // A plan that names the walkthrough's t2.micro, on an account whose free tier is t3.micro:
    // the untouched field moves to t3.micro and says why.
    let mut a = app();
    a.screen = Screen::Ec2;
    a.ec2.planned_type = "t2.micro".into();
    a.ec2.form.fields[TYPE].value = "t2.micro".into();
    a.update(Msg::FreeTier(vec!["t3.micro".into(), "t3.small".into()]));
    assert_eq!(a.ec2.form.get(TYPE), "t3.micro");
    assert!(
        render(&a, 120, 40)
            .contains("t3.micro: the free-tier type for this account (t2.micro is not)")
    );
    // A type that costs money is refused until the learner accepts paying, and the plan says so.
    a.ec2.form.fields[TYPE].value = "c7i-flex.large".into();
    assert!(a.update(key(KeyCode::Enter)).is_none());
    assert!(a.busy.is_none());
    a.ec2.form.fields[ALLOW_PAID].value = "yes".into();
    match a.update(key(KeyCode::Enter)) {
        Some(Cmd::Apply(lp)) => assert!(lp.plan.instances[0].allow_paid),
        other => panic!("{other:?}"),
    }
    // A type the learner already changed is left alone.
    let mut b = app();
    b.ec2.form.fields[TYPE].value = "t3.small".into();
    b.update(Msg::FreeTier(vec!["t3.micro".into()]));
    assert_eq!(b.ec2.form.get(TYPE), "t3.small");
}
#[test]
fn the_full_screen_explanation_scrolls_and_closes() {
    let mut a = app();
    a.screen = Screen::Ec2;
    a.update(key(KeyCode::Char('e')));
    assert!(render(&a, 80, 24).contains("j/k"));
    for _ in 0..60 {
        a.update(key(KeyCode::Char('j')));
    }
    let end = render(&a, 80, 24);
    assert!(end.contains("any other key closes"), "{end}");
    assert!(
        a.update(key(KeyCode::Enter)).is_none(),
        "closing does nothing else"
    );
    assert!(!a.explain && a.busy.is_none());
}
#[test]
fn help_lists_every_key_at_80x24() {
    let mut a = app();
    a.screen = Screen::Ec2;
    a.lang = Lang::Es;
    a.update(key(KeyCode::Char('?')));
    let shown = render(&a, 80, 24);
    for k in [
        "Al editar un campo:",
        "Ctrl-U/W",
        "ejecutar",
        "0-7 ir a la pantalla",
        "w guardar",
    ] {
        assert!(shown.contains(k), "{k}:\n{shown}");
    }
    assert!(
        a.update(key(KeyCode::Enter)).is_none() && !a.help,
        "any key closes it"
    );
}
