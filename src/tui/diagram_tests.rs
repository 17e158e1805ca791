//! Snapshots of the architecture at 80×24 in each state (planned, creating, verified, failed,
//! deleted, and a looping trigger), both languages: the full-screen view (`g`), and the panels.

use crate::diagram::State;
use crate::engine::{Event, Res, Step};
use crate::i18n::{Lang, Text};
use crate::tui::app::{App, Msg, Screen};
use crate::tui::testing::{app, key, render};
use crossterm::event::KeyCode;

/// Moves the app's diagram through the engine's events up to `state`.
fn drive(a: &mut App, state: State) {
    let ev = |a: &mut App, e: Event| {
        a.update(Msg::Engine(e));
    };
    let role = Res::Role {
        name: "ec2-s3-dynamodb".into(),
    };
    let user = Res::User {
        name: "alumno".into(),
    };
    if state == State::Planned {
        return;
    }
    ev(
        a,
        Event::StepStarted {
            step: Step::Role,
            title: Step::Role.title(),
        },
    );
    ev(
        a,
        Event::StepStarted {
            step: Step::UserGroup,
            title: Step::UserGroup.title(),
        },
    );
    if state == State::Creating {
        ev(
            a,
            Event::Created {
                step: Step::Role,
                resource: role.clone(),
            },
        );
        return;
    }
    ev(
        a,
        Event::Created {
            step: Step::Role,
            resource: role.clone(),
        },
    );
    let profile = Res::InstanceProfile {
        name: "ec2-s3-dynamodb".into(),
    };
    ev(
        a,
        Event::Created {
            step: Step::Role,
            resource: profile,
        },
    );
    ev(
        a,
        Event::Verified {
            step: Step::Role,
            resource: role.clone(),
            checks: vec![],
        },
    );
    let group = Res::Group {
        name: "ec2-admins".into(),
    };
    ev(
        a,
        Event::Created {
            step: Step::UserGroup,
            resource: group.clone(),
        },
    );
    let policy = Res::GroupPolicy {
        group: "ec2-admins".into(),
        arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess".into(),
    };
    ev(
        a,
        Event::Created {
            step: Step::UserGroup,
            resource: policy,
        },
    );
    ev(
        a,
        Event::Verified {
            step: Step::UserGroup,
            resource: group,
            checks: vec![],
        },
    );
    ev(
        a,
        Event::Created {
            step: Step::UserGroup,
            resource: user.clone(),
        },
    );
    ev(
        a,
        Event::Verified {
            step: Step::UserGroup,
            resource: user.clone(),
            checks: vec![],
        },
    );
    if state == State::Verified {
        return;
    }
    if state == State::Failed {
        ev(
            a,
            Event::StepStarted {
                step: Step::Ec2,
                title: Step::Ec2.title(),
            },
        );
        ev(
            a,
            Event::Failed {
                step: Step::Ec2,
                error: Text::same("InsufficientInstanceCapacity"),
            },
        );
        return;
    }
    ev(
        a,
        Event::ApiCall {
            service: "rollback".into(),
            operation: "Delete".into(),
            target: user.key(),
        },
    );
    ev(a, Event::Deleted { resource: user });
    ev(
        a,
        Event::ApiCall {
            service: "rollback".into(),
            operation: "Delete".into(),
            target: role.key(),
        },
    );
}

#[test]
fn snapshots_of_each_state_full_screen_at_80x24() {
    for (state, name) in [
        (State::Planned, "planned"),
        (State::Creating, "creating"),
        (State::Verified, "verified"),
        (State::Failed, "failed"),
        (State::Deleted, "deleted"),
    ] {
        for lang in [Lang::Es, Lang::En] {
            let mut a = app();
            a.lang = lang;
            drive(&mut a, state);
            a.update(key(KeyCode::Char('g')));
            let code = lang.code();
            let screen = render(&a, 80, 24);
            insta::assert_snapshot!(format!("diagram_{name}_{code}_80x24"), screen);
        }
    }
}

#[test]
fn a_loop_is_drawn_as_a_red_cycle_and_any_key_closes() {
    for lang in [Lang::Es, Lang::En] {
        let mut a = app();
        a.lang = lang;
        a.screen = Screen::Lambda;
        // The output prefix inside the trigger's: every result fires the function again.
        a.lambda.form.fields[crate::tui::lambda::OUT_PREFIX].value = "input/out/".into();
        a.update(key(KeyCode::Char('g')));
        let screen = render(&a, 80, 24);
        assert!(screen.contains("↻ ✗"), "{screen}");
        insta::assert_snapshot!(format!("diagram_loop_{}_80x24", lang.code()), screen);
        a.update(key(KeyCode::Char('x')));
        assert!(a.teach.overlay.is_none());
    }
}

#[test]
fn welcome_and_rollback_show_the_architecture_panel() {
    let mut a = app();
    drive(&mut a, State::Verified);
    let s = render(&a, 80, 24);
    assert!(s.contains("Architecture (g: expand)"), "{s}");
    assert!(s.contains("✓ec2-s3-dynamodb"), "{s}");
    a.update(key(KeyCode::Char('7')));
    a.update(Msg::Journal(crate::tui::testing::journal()));
    let s = render(&a, 80, 24);
    assert!(s.contains("Architecture (g: expand)"), "{s}");
    // The rollback's calls panel shows what deleting does, from the export generator.
    assert!(
        s.contains("iam:DeleteRole ec2-s3-dynamodb") || s.contains("iam:RemoveUserFrom"),
        "{s}"
    );
}

#[test]
fn quitting_real_aws_with_paid_resources_alive_prints_one_line() {
    use crate::cost::{FreeTier, ResourceCost};
    let mut a = app();
    let inst = Res::Instance {
        name: "servidor-web".into(),
        id: Some("i-1".into()),
    };
    let cost = ResourceCost {
        free_tier: FreeTier::NotEligible,
        instance_type: Some("t3.micro".into()),
        created_at: Some(1),
        age_secs: Some(60),
        usd_per_hour: Some(0.0104),
    };
    let free = |r: Res| {
        let c = crate::cost::resource_cost(&r, None, 0, None, &crate::cost::prices());
        (r, c)
    };
    a.update(Msg::Teach(crate::tui::teach::TeachMsg::Costs(
        vec![
            (inst, cost),
            free(Res::Bucket { name: "b".into() }),
            free(Res::Function { name: "f".into() }),
            free(Res::Role { name: "r".into() }),
        ],
        None,
    )));
    assert_eq!(
        a.teach.quit_line(true, Lang::Es),
        None,
        "the sandbox costs nothing"
    );
    assert_eq!(
        a.teach.quit_line(false, Lang::Es).as_deref(),
        Some(
            "3 recursos siguen en marcha (≈0,0104 USD/h): `pasos rollback`, o pulsa 7 en el asistente, para deshacerlos"
        )
    );
    // The welcome panel lists them with the total and the price source.
    let s = render(&a, 120, 40);
    assert!(s.contains("≈0.0104 USD/h"), "{s}");
    assert!(s.contains("Prices: AWS EC2 On-Demand"), "{s}");
}
