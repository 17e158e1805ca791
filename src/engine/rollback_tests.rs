//! Unit tests of rollback's order and `--only` selection.

use super::*;

fn live() -> Vec<Res> {
    vec![
        Res::Role { name: "r".into() },
        Res::RolePolicy {
            role: "r".into(),
            arn: "a".into(),
        },
        Res::InstanceProfile { name: "r".into() },
        Res::ProfileRole {
            profile: "r".into(),
            role: "r".into(),
        },
        Res::Bucket { name: "b".into() },
        Res::Function { name: "f".into() },
        Res::Permission {
            function: "f".into(),
            statement_id: "s".into(),
        },
        Res::Notification {
            bucket: "b".into(),
            id: "n".into(),
        },
        Res::User { name: "u".into() },
        Res::AccessKey {
            user: "u".into(),
            id: Some("K".into()),
        },
    ]
}

#[test]
fn order_is_reverse_dependency() {
    let keys: Vec<String> = selection(&live(), None)
        .unwrap()
        .iter()
        .map(Res::key)
        .collect();
    let pos = |k: &str| keys.iter().position(|x| x == k).unwrap();
    assert!(pos("notification:b:n") < pos("permission:f:s"));
    assert!(pos("permission:f:s") < pos("function:f"));
    assert!(pos("function:f") < pos("bucket:b"));
    assert!(pos("access_key:u:K") < pos("user:u"));
    assert!(pos("profile_role:r:r") < pos("instance_profile:r"));
    assert!(pos("instance_profile:r") < pos("role:r"));
    assert!(pos("role_policy:r:a") < pos("role:r"));
}

#[test]
fn only_takes_dependents() {
    let keys: Vec<String> = selection(&live(), Some("role:r"))
        .unwrap()
        .iter()
        .map(Res::key)
        .collect();
    assert_eq!(
        keys,
        [
            "profile_role:r:r",
            "instance_profile:r",
            "role_policy:r:a",
            "role:r"
        ]
    );
    let keys: Vec<String> = selection(&live(), Some("function:f"))
        .unwrap()
        .iter()
        .map(Res::key)
        .collect();
    assert_eq!(keys, ["permission:f:s", "function:f"]);
    assert!(selection(&live(), Some("role:nope")).is_err());
}

#[test]
fn lanes_run_side_by_side_and_roles_and_buckets_come_last() {
    let chosen = selection(&live(), None).unwrap();
    let plan = lanes(chosen.clone());
    let all: Vec<&Vec<Res>> = plan
        .beside
        .iter()
        .chain(&plan.first)
        .chain(&plan.then)
        .collect();
    // Every resource once, and each lane keeps rank order.
    assert_eq!(all.iter().map(|l| l.len()).sum::<usize>(), chosen.len());
    for lane in &all {
        assert!(
            lane.windows(2)
                .all(|w| w[0].delete_rank() >= w[1].delete_rank()),
            "{lane:?}"
        );
    }
    // The trigger goes before the function, in the same lane; the bucket only once both are gone
    // (nothing writes into it while it is emptied), in a lane of its own.
    let lambda = plan
        .first
        .iter()
        .find(|l| l.iter().any(|r| matches!(r, Res::Function { .. })))
        .unwrap();
    assert!(matches!(lambda[0], Res::Notification { .. }));
    assert!(matches!(lambda.last().unwrap(), Res::Function { .. }));
    let is_bucket = |r: &Res| matches!(r, Res::Bucket { .. });
    assert!(
        plan.beside
            .iter()
            .chain(&plan.first)
            .flatten()
            .all(|r| !is_bucket(r))
    );
    assert!(plan.then.iter().any(|l| l.len() == 1 && is_bucket(&l[0])));
    // Users beside everything; roles only after the function and the instance.
    assert!(
        plan.beside
            .iter()
            .flatten()
            .any(|r| matches!(r, Res::User { .. }))
    );
    let is_role = |r: &Res| {
        matches!(
            r,
            Res::Role { .. }
                | Res::RolePolicy { .. }
                | Res::InstanceProfile { .. }
                | Res::ProfileRole { .. }
        )
    };
    assert!(
        plan.beside
            .iter()
            .chain(&plan.first)
            .flatten()
            .all(|r| !is_role(r))
    );
    let role_lane = plan.then.iter().find(|l| l.iter().any(is_role)).unwrap();
    assert!(
        matches!(role_lane.last().unwrap(), Res::Role { .. }),
        "{role_lane:?}"
    );
}

#[test]
fn a_role_leaves_its_profile_while_its_policies_are_detached() {
    let plan = lanes(selection(&live(), None).unwrap());
    let role_lane = plan
        .then
        .into_iter()
        .find(|l| l.iter().any(|r| matches!(r, Res::Role { .. })))
        .unwrap();
    let kinds: Vec<Vec<String>> = stages(role_lane)
        .iter()
        .map(|s| {
            s.iter()
                .map(|r| r.key().split(':').next().unwrap_or_default().to_string())
                .collect()
        })
        .collect();
    // DeleteInstanceProfile needs the role out of it; DeleteRole needs both that and no policies.
    assert_eq!(
        kinds,
        vec![
            vec!["profile_role".to_string(), "role_policy".to_string()],
            vec!["instance_profile".to_string()],
            vec!["role".to_string()],
        ]
    );
}
