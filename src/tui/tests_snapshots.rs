//! The 80×24 snapshots, both languages, of every screen after its step ran (checklist, warnings,
//! ARNs and commands), of the Lambda screen with a safe, a risk and a loop verdict, and of the EC2
//! screen with a type outside the free tier. The engine's events are scripted as it sends them.

use super::app::{Msg, Screen};
use super::testing::{ran, snapshots_80};
use crate::engine::{Event, Res, Secret, Step};
use crate::i18n::Text;

pub fn t(s: &str) -> Text {
    Text::same(s)
}

pub fn role_events() -> Vec<Event> {
    let role = Res::Role {
        name: "ec2-s3-dynamodb".into(),
    };
    let created = |r: Res| Event::Created {
        step: Step::Role,
        resource: r,
    };
    vec![
        Event::StepStarted {
            step: Step::Role,
            title: Step::Role.title(),
        },
        created(role.clone()),
        created(Res::RolePolicy {
            role: "ec2-s3-dynamodb".into(),
            arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess".into(),
        }),
        created(Res::InstanceProfile {
            name: "ec2-s3-dynamodb".into(),
        }),
        Event::Verified {
            step: Step::Role,
            resource: role,
            checks: vec![t("ec2.amazonaws.com"), t("AmazonS3FullAccess")],
        },
    ]
}

pub fn ec2_events() -> Vec<Event> {
    let sg = Res::SecurityGroup {
        name: "web-http-https".into(),
        id: Some("sg-0123456789abcdef0".into()),
    };
    let inst = Res::Instance {
        name: "servidor-web".into(),
        id: Some("i-0abc1234def567890".into()),
    };
    vec![
        Event::StepStarted {
            step: Step::Ec2,
            title: Step::Ec2.title(),
        },
        Event::Warning {
            text: Text::fixed(
                "t2.micro no entra en la capa gratuita de esta cuenta",
                "t2.micro is not free-tier eligible in this account",
            ),
        },
        Event::Created {
            step: Step::Ec2,
            resource: sg.clone(),
        },
        Event::Verified {
            step: Step::Ec2,
            resource: sg,
            checks: vec![t("80"), t("443")],
        },
        Event::Created {
            step: Step::Ec2,
            resource: inst.clone(),
        },
        Event::InstanceRunning {
            name: "servidor-web".into(),
            id: "i-0abc1234def567890".into(),
            public_ip: Some("203.0.113.7".into()),
            public_dns: None,
        },
        Event::Verified {
            step: Step::Ec2,
            resource: inst,
            checks: vec![t("running")],
        },
    ]
}

#[test]
fn after_each_step_snapshots() {
    snapshots_80(Screen::Role, "role_ran", |a| {
        ran(a, Screen::Role, role_events())
    });
    snapshots_80(Screen::Ec2, "ec2_ran", |a| {
        ran(a, Screen::Ec2, ec2_events())
    });
    snapshots_80(Screen::User, "user_ran", |a| {
        let u = |r: Res| Event::Created {
            step: Step::UserGroup,
            resource: r,
        };
        ran(
            a,
            Screen::User,
            vec![
                u(Res::Group {
                    name: "ec2-admins".into(),
                }),
                u(Res::User {
                    name: "alumno".into(),
                }),
                Event::ConsolePassword {
                    user: "alumno".into(),
                    password: Secret::new("FAKE-never-shown".into()),
                    sign_in_url: "https://000000000000.signin.aws.amazon.com/console".into(),
                },
                Event::Verified {
                    step: Step::UserGroup,
                    resource: Res::User {
                        name: "alumno".into(),
                    },
                    checks: vec![t("ec2-admins")],
                },
            ],
        )
    });
    snapshots_80(Screen::Lambda, "lambda_ran", |a| {
        let l = |r: Res| Event::Created {
            step: Step::BucketLambda,
            resource: r,
        };
        ran(
            a,
            Screen::Lambda,
            vec![
                l(Res::Bucket {
                    name: "fotos-alumno-2026".into(),
                }),
                l(Res::Function {
                    name: "redimensionar-foto".into(),
                }),
            ],
        )
    });
}
#[test]
fn lambda_verdict_snapshots_loop_risk_and_safe() {
    use super::lambda::{OUT_PREFIX, PREFIX};
    use crate::loopcheck::Verdict;
    let verdict = |a: &super::app::App| a.lambda.verdict().map(|r| r.verdict).ok();
    snapshots_80(Screen::Lambda, "lambda_safe", |a| {
        assert_eq!(verdict(a), Some(Verdict::Safe));
    });
    snapshots_80(Screen::Lambda, "lambda_loop", |a| {
        a.lambda.form.fields[OUT_PREFIX].value = "input/small/".into();
        assert_eq!(verdict(a), Some(Verdict::Loop));
    });
    snapshots_80(Screen::Lambda, "lambda_risk", |a| {
        a.lambda.form.fields[OUT_PREFIX].value = String::new();
        a.lambda.form.fields[PREFIX].value = "in".into();
        assert_eq!(verdict(a), Some(Verdict::Risk));
    });
}
#[test]
fn ec2_snapshot_with_a_type_outside_the_free_tier() {
    snapshots_80(Screen::Ec2, "ec2_paid", |a| {
        a.update(Msg::FreeTier(vec!["t3.micro".into(), "t3.small".into()]));
        a.ec2.form.fields[super::ec2::TYPE].value = "m7i-flex.large".into();
    });
}
#[test]
fn more_screens_after_their_step_snapshots() {
    snapshots_80(Screen::TryIt, "try_it_ran", |a| {
        let px = |w: u32, h: u32, orig| super::photo::Pixels {
            width: w,
            height: h,
            rgb: (0..w * h * 3).map(|i| (i * 7 % 256) as u8).collect(),
            original: Some(orig),
        };
        a.try_it.outcome = Some(super::try_it::Outcome {
            input_key: "input/sample-landscape.jpg".into(),
            input_size: 876_614,
            output_key: Some("output/sample-landscape.jpg".into()),
            output_size: 89_487,
            elapsed_ms: 1735,
            logs: vec![
                "START RequestId: 42 Version: $LATEST".into(),
                "resized key=\"input/sample-landscape.jpg\" original=2400x1600 new=1024x683".into(),
                "END RequestId: 42".into(),
                "REPORT RequestId: 42\tDuration: 963.10 ms\tBilled Duration: 964 ms\tMemory Size: 256 MB\tMax Memory Used: 41 MB".into(),
            ],
        });
        a.try_it.previews = (
            Some(px(64, 43, (2400, 1600))),
            Some(px(64, 43, (1024, 683))),
        );
    });
    snapshots_80(Screen::Welcome, "welcome_ran", |a| {
        a.update(Msg::Journal(super::testing::journal()));
        a.done = vec![Screen::Role];
    });
}
