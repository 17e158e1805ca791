//! Rollback's schedule: which deletions run side by side (lanes), and within a lane which go at once
//! (stages). Pure: the order is tested without a cloud.

use super::Res;

/// The selection (in rank order) as lanes. A lane is deleted one resource at a time, in rank
/// order; lanes run side by side where nothing in one waits for another.
#[derive(Debug, Default)]
pub struct Lanes {
    /// Users with their keys, console access and memberships, then groups: beside everything.
    pub beside: Vec<Vec<Res>>,
    /// The Lambda with its trigger, and the instance with its group and key pair.
    pub first: Vec<Vec<Res>>,
    /// Each role with its policies and instance profile, once the function and the instance that
    /// used them are gone; and each bucket, once no trigger and no function can write into it
    /// while it is emptied (its emptying and the roles' deletions then overlap).
    pub then: Vec<Vec<Res>>,
}

pub fn lanes(chosen: Vec<Res>) -> Lanes {
    use std::collections::BTreeMap;
    let mut by: [BTreeMap<String, Vec<Res>>; 3] = Default::default();
    for res in chosen {
        let (which, lane) = match &res {
            Res::AccessKey { .. }
            | Res::LoginProfile { .. }
            | Res::Membership { .. }
            | Res::UserPolicy { .. }
            | Res::User { .. }
            | Res::GroupPolicy { .. }
            | Res::Group { .. } => (0, "iam-users".to_string()),
            Res::Notification { .. } | Res::Permission { .. } | Res::Function { .. } => {
                (1, "lambda".to_string())
            }
            Res::Bucket { name } => (2, format!("bucket:{name}")),
            Res::Instance { .. } | Res::KeyPair { .. } | Res::SecurityGroup { .. } => {
                (1, "ec2".to_string())
            }
            Res::ProfileRole { role, .. } | Res::RolePolicy { role, .. } => {
                (2, format!("role:{role}"))
            }
            Res::InstanceProfile { name } | Res::Role { name } => (2, format!("role:{name}")),
        };
        by[which].entry(lane).or_default().push(res);
    }
    let [beside, first, then] = by.map(|m| m.into_values().collect());
    Lanes {
        beside,
        first,
        then,
    }
}

/// A lane in the order it is deleted: stage by stage, each stage's resources at once.
pub fn stages(mut lane: Vec<Res>) -> Vec<Vec<Res>> {
    // Stable: within a stage, the rank order stays.
    lane.sort_by_key(|r| std::cmp::Reverse(r.lane_stage()));
    lane.chunk_by(|a, b| a.lane_stage() == b.lane_stage())
        .map(<[Res]>::to_vec)
        .collect()
}
