//! The diagram's model: what the walkthrough draws, a loop drawn as a cycle, states following the
//! engine's events and the journal, and the compact text fitting 80 columns.

use super::*;
use crate::engine::Res;

fn walkthrough() -> crate::plan::Plan {
    crate::plan::parse(include_str!("../../assets/plans/walkthrough.toml")).expect("plan")
}

#[test]
fn the_walkthrough_draws_the_three_chains() {
    let d = from_plan(&walkthrough());
    let kinds: Vec<Kind> = d.nodes.iter().map(|n| n.kind).collect();
    for k in [
        Kind::Role,
        Kind::Profile,
        Kind::Instance,
        Kind::SecurityGroup,
        Kind::User,
        Kind::Group,
        Kind::Policy,
        Kind::Bucket,
        Kind::Trigger,
        Kind::Function,
        Kind::Output,
    ] {
        assert!(kinds.contains(&k), "{k:?} missing");
    }
    let has = |a: &str, b: &str| d.edges.iter().any(|e| e.from == a && e.to == b);
    assert!(has(
        "role:ec2-s3-dynamodb",
        "instance_profile:ec2-s3-dynamodb"
    ));
    assert!(has(
        "instance_profile:ec2-s3-dynamodb",
        "instance:servidor-web"
    ));
    assert!(has(
        "security_group:web-http-https",
        "instance:servidor-web"
    ));
    assert!(has("user:alumno", "group:ec2-admins"));
    assert!(has("role:lambda-s3", "function:redimensionar-foto"));
    assert!(
        d.edges.iter().all(|e| e.cycle == Cycle::No),
        "the walkthrough has no loop"
    );
    let text = text::plain(&text::lines(&d, Lang::En, 80, text::Level::Compact));
    assert!(
        text.contains("· role ec2-s3-dynamodb → · profile ec2-s3-dynamodb"),
        "{text}"
    );
    assert!(text.contains("← · sec. group web-http-https"), "{text}");
    assert!(text.contains("input/* (Put)"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn a_looping_trigger_is_a_cycle() {
    let mut p = walkthrough();
    p.lambdas[0].output.prefix = "input/small/".into();
    let d = from_plan(&p);
    let back = d
        .edges
        .iter()
        .find(|e| e.cycle == Cycle::Loop)
        .expect("cycle edge");
    assert!(back.from.starts_with("output:") && back.to.starts_with("notification:"));
    for lang in [Lang::Es, Lang::En] {
        let t = text::plain(&text::lines(&d, lang, 80, text::Level::Compact));
        assert!(t.contains("↻ ✗"), "{t}");
        assert!(graph::dot(&d, lang).contains("color=red"));
        assert!(graph::mermaid(&d, lang).contains("stroke:red"));
    }
}

#[test]
fn states_follow_apply_and_rollback() {
    let mut d = from_plan(&walkthrough());
    let role = Res::Role {
        name: "ec2-s3-dynamodb".into(),
    };
    let state = |d: &Diagram, id: &str| d.node(id).map(|n| n.state);
    d.event(&Event::StepStarted {
        step: Step::Role,
        title: Step::Role.title(),
    });
    assert_eq!(state(&d, "role:ec2-s3-dynamodb"), Some(State::Creating));
    assert_eq!(state(&d, "user:alumno"), Some(State::Planned));
    d.event(&Event::Created {
        step: Step::Role,
        resource: role.clone(),
    });
    d.event(&Event::Created {
        step: Step::Role,
        resource: Res::InstanceProfile {
            name: "ec2-s3-dynamodb".into(),
        },
    });
    assert_eq!(state(&d, "role:ec2-s3-dynamodb"), Some(State::Created));
    d.event(&Event::Verified {
        step: Step::Role,
        resource: role.clone(),
        checks: vec![],
    });
    assert_eq!(state(&d, "role:ec2-s3-dynamodb"), Some(State::Verified));
    assert_eq!(
        state(&d, "instance_profile:ec2-s3-dynamodb"),
        Some(State::Verified)
    );
    d.event(&Event::StepStarted {
        step: Step::Ec2,
        title: Step::Ec2.title(),
    });
    d.event(&Event::Failed {
        step: Step::Ec2,
        error: Text::same("boom"),
    });
    assert_eq!(state(&d, "instance:servidor-web"), Some(State::Failed));
    d.event(&Event::ApiCall {
        service: "rollback".into(),
        operation: "Delete".into(),
        target: role.key(),
    });
    assert_eq!(state(&d, "role:ec2-s3-dynamodb"), Some(State::Deleting));
    d.event(&Event::Deleted { resource: role });
    assert_eq!(state(&d, "role:ec2-s3-dynamodb"), Some(State::Deleted));
}

#[test]
fn the_journal_marks_what_exists() {
    let mut d = from_plan(&walkthrough());
    d.apply_journal(&[
        Entry {
            res: Res::User {
                name: "alumno".into(),
            },
            confirmed: true,
            nonce: None,
        },
        Entry {
            res: Res::Bucket {
                name: "fotos-alumno-2026".into(),
            },
            confirmed: false,
            nonce: None,
        },
    ]);
    assert_eq!(d.node("user:alumno").map(|n| n.state), Some(State::Created));
    assert_eq!(
        d.node("bucket:fotos-alumno-2026").map(|n| n.state),
        Some(State::Creating)
    );
    // Gone from the journal: deleted.
    d.apply_journal(&[]);
    assert_eq!(d.node("user:alumno").map(|n| n.state), Some(State::Deleted));
}
