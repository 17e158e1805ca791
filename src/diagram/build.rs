//! From a plan to the diagram: nodes keyed like the journal, edges, and the chains the text view
//! draws (EC2: role → profile → instance ← security group; IAM: user → group → policies; S3: bucket →
//! trigger → function → output, with the function's role).

use super::{Arrow, Chain, Cycle, Diagram, Edge, Kind, Node, State};
use crate::engine::Step;
use crate::export::policy_arn;
use crate::i18n::Text;
use crate::loopcheck::{self, FunctionOutput, Verdict};
use crate::plan::Plan;
use crate::plan::validate::ingress_port;
use crate::tr;

fn short(arn: &str) -> String {
    arn.trim_start_matches("arn:aws:iam::aws:policy/")
        .to_string()
}

struct B {
    d: Diagram,
}

impl B {
    fn node(&mut self, id: String, kind: Kind, name: &str, step: Step, detail: Vec<String>) {
        if self.d.nodes.iter().any(|n| n.id == id) {
            return;
        }
        self.d.nodes.push(Node {
            id,
            kind,
            name: name.to_string(),
            detail,
            state: if kind == Kind::Output {
                State::None
            } else {
                State::Planned
            },
            step,
            verified_by: None,
        });
    }
    fn verified_by(&mut self, id: &str, by: &str) {
        if let Some(n) = self.d.nodes.iter_mut().find(|n| n.id == id) {
            n.verified_by = Some(by.to_string());
        }
    }
    fn edge(&mut self, from: &str, to: &str, label: Option<String>, cycle: Cycle) {
        self.d.edges.push(Edge {
            from: from.into(),
            to: to.into(),
            label,
            cycle,
        });
    }
}

/// The diagram of a plan, every node planned.
pub fn from_plan(plan: &Plan) -> Diagram {
    let mut b = B {
        d: Diagram {
            nodes: Vec::new(),
            edges: Vec::new(),
            lanes: Vec::new(),
        },
    };
    // Roles, their policies (details) and, for EC2, the profile.
    for r in &plan.roles {
        let id = format!("role:{}", r.name);
        let pols: Vec<String> = r.policies.iter().map(|p| short(&policy_arn(p))).collect();
        b.node(id.clone(), Kind::Role, &r.name, Step::Role, pols);
        if r.trusted_service == "ec2.amazonaws.com" {
            let pid = format!("instance_profile:{}", r.name);
            b.node(pid.clone(), Kind::Profile, &r.name, Step::Role, vec![]);
            b.verified_by(&pid, &id);
            b.edge(&id, &pid, None, Cycle::No);
        }
    }
    let mut ec2 = Vec::new();
    for sg in &plan.security_groups {
        let ports: Vec<String> = sg
            .ingress
            .iter()
            .filter_map(|e| ingress_port(e))
            .map(|p| p.to_string())
            .collect();
        let d = vec![format!("tcp {}", ports.join(","))];
        b.node(
            format!("security_group:{}", sg.name),
            Kind::SecurityGroup,
            &sg.name,
            Step::Ec2,
            d,
        );
    }
    let mut used_roles = Vec::new();
    for i in &plan.instances {
        let id = format!("instance:{}", i.name);
        b.node(
            id.clone(),
            Kind::Instance,
            &i.name,
            Step::Ec2,
            vec![i.instance_type.clone()],
        );
        let mut parts = Vec::new();
        if !i.role.is_empty() {
            let (rid, pid) = (
                format!("role:{}", i.role),
                format!("instance_profile:{}", i.role),
            );
            used_roles.push(i.role.clone());
            b.node(rid.clone(), Kind::Role, &i.role, Step::Role, vec![]);
            b.node(pid.clone(), Kind::Profile, &i.role, Step::Role, vec![]);
            b.edge(&pid, &id, None, Cycle::No);
            parts.push((Arrow::Start, rid));
            parts.push((Arrow::Right, pid));
            parts.push((Arrow::Right, id.clone()));
        } else {
            parts.push((Arrow::Start, id.clone()));
        }
        for s in &i.security_groups {
            let sid = format!("security_group:{s}");
            b.node(sid.clone(), Kind::SecurityGroup, s, Step::Ec2, vec![]);
            b.edge(&sid, &id, None, Cycle::No);
            parts.push((Arrow::Left, sid));
        }
        ec2.push(Chain {
            parts,
            note: None,
            cycle: Cycle::No,
        });
    }
    // IAM: user → group → policies.
    let mut iam = Vec::new();
    let mut grouped = Vec::new();
    for g in &plan.groups {
        let gid = format!("group:{}", g.name);
        b.node(gid.clone(), Kind::Group, &g.name, Step::UserGroup, vec![]);
        for p in &g.policies {
            let arn = policy_arn(p);
            let pid = format!("group_policy:{}:{arn}", g.name);
            b.node(
                pid.clone(),
                Kind::Policy,
                &short(&arn),
                Step::UserGroup,
                vec![],
            );
            b.verified_by(&pid, &gid);
            b.edge(&gid, &pid, None, Cycle::No);
        }
    }
    let policies_of = |d: &Diagram, gid: &str| -> Vec<(Arrow, String)> {
        d.edges
            .iter()
            .filter(|e| e.from == gid)
            .map(|e| (Arrow::Right, e.to.clone()))
            .collect()
    };
    for u in &plan.users {
        let uid = format!("user:{}", u.name);
        b.node(uid.clone(), Kind::User, &u.name, Step::UserGroup, vec![]);
        if u.groups.is_empty() {
            iam.push(Chain {
                parts: vec![(Arrow::Start, uid.clone())],
                note: None,
                cycle: Cycle::No,
            });
        }
        for g in &u.groups {
            let gid = format!("group:{g}");
            b.node(gid.clone(), Kind::Group, g, Step::UserGroup, vec![]);
            b.edge(&uid, &gid, None, Cycle::No);
            grouped.push(g.clone());
            let mut parts = vec![(Arrow::Start, uid.clone()), (Arrow::Right, gid.clone())];
            parts.extend(policies_of(&b.d, &gid));
            iam.push(Chain {
                parts,
                note: None,
                cycle: Cycle::No,
            });
        }
    }
    for g in plan.groups.iter().filter(|g| !grouped.contains(&g.name)) {
        let gid = format!("group:{}", g.name);
        let mut parts = vec![(Arrow::Start, gid.clone())];
        parts.extend(policies_of(&b.d, &gid));
        iam.push(Chain {
            parts,
            note: None,
            cycle: Cycle::No,
        });
    }
    // S3: bucket → trigger → λ → output, the function's role as a note.
    let mut s3 = Vec::new();
    for bk in &plan.buckets {
        b.node(
            format!("bucket:{}", bk.name),
            Kind::Bucket,
            &bk.name,
            Step::BucketLambda,
            bk.folders.clone(),
        );
    }
    let mut triggered = Vec::new();
    for l in &plan.lambdas {
        let fid = format!("function:{}", l.name);
        b.node(
            fid.clone(),
            Kind::Function,
            &l.name,
            Step::BucketLambda,
            vec![l.runtime.clone()],
        );
        let out_name = format!("{}/{}", l.output.bucket, l.output.prefix);
        let oid = format!("output:{out_name}");
        b.node(
            oid.clone(),
            Kind::Output,
            &out_name,
            Step::BucketLambda,
            vec![],
        );
        b.edge(&fid, &oid, None, Cycle::No);
        let role = format!("role:{}", l.role);
        used_roles.push(l.role.clone());
        b.node(role.clone(), Kind::Role, &l.role, Step::Role, vec![]);
        b.edge(&role, &fid, None, Cycle::No);
        let pols = plan
            .roles
            .iter()
            .find(|r| r.name == l.role)
            .map(|r| {
                r.policies
                    .iter()
                    .map(|p| short(&policy_arn(p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let r = &l.role;
        let note = tr!(es: "ejecuta con el rol {r}: {pols}", en: "runs as role {r}: {pols}");
        for (j, t) in l.triggers.iter().enumerate() {
            let bid = format!("bucket:{}", t.bucket);
            b.node(
                bid.clone(),
                Kind::Bucket,
                &t.bucket,
                Step::BucketLambda,
                vec![],
            );
            triggered.push(t.bucket.clone());
            let tid = format!(
                "notification:{}:{}",
                t.bucket,
                crate::engine::rule_id(&l.name, j)
            );
            let filter = format!("{} {}*{}", t.events.join(","), t.prefix, t.suffix);
            let short_ev = t
                .events
                .iter()
                .map(|e| e.trim_start_matches("s3:ObjectCreated:").to_string())
                .collect::<Vec<_>>()
                .join(",");
            b.node(
                tid.clone(),
                Kind::Trigger,
                &format!("{}* ({short_ev})", t.prefix),
                Step::BucketLambda,
                vec![filter],
            );
            b.verified_by(&tid, &fid);
            b.edge(&bid, &tid, None, Cycle::No);
            b.edge(&tid, &fid, None, Cycle::No);
            let verdict = loopcheck::check(
                &loopcheck::Trigger {
                    bucket: t.bucket.clone(),
                    events: t.events.clone(),
                    prefix: t.prefix.clone(),
                    suffix: t.suffix.clone(),
                },
                &FunctionOutput {
                    bucket: l.output.bucket.clone(),
                    prefix: l.output.prefix.clone(),
                    suffix: l.output.suffix.clone(),
                },
            )
            .map(|r| r.verdict);
            let cycle = match verdict {
                Ok(Verdict::Loop) => Cycle::Loop,
                Ok(Verdict::Risk) => Cycle::Risk,
                _ => Cycle::No,
            };
            if cycle != Cycle::No {
                b.edge(&oid, &tid, Some(loop_label(cycle).en.into_owned()), cycle);
            }
            s3.push(Chain {
                parts: vec![
                    (Arrow::Start, bid),
                    (Arrow::Right, tid),
                    (Arrow::Right, fid.clone()),
                    (Arrow::Right, oid.clone()),
                ],
                note: Some(note.clone()),
                cycle,
            });
        }
        if l.triggers.is_empty() {
            s3.push(Chain {
                parts: vec![(Arrow::Start, fid.clone()), (Arrow::Right, oid.clone())],
                note: Some(note),
                cycle: Cycle::No,
            });
        }
    }
    for bk in plan.buckets.iter().filter(|x| !triggered.contains(&x.name)) {
        s3.push(Chain {
            parts: vec![(Arrow::Start, format!("bucket:{}", bk.name))],
            note: None,
            cycle: Cycle::No,
        });
    }
    // Roles nothing else uses stand alone (with their profile).
    for r in plan.roles.iter().filter(|r| !used_roles.contains(&r.name)) {
        let mut parts = vec![(Arrow::Start, format!("role:{}", r.name))];
        if r.trusted_service == "ec2.amazonaws.com" {
            parts.push((Arrow::Right, format!("instance_profile:{}", r.name)));
        }
        ec2.insert(
            0,
            Chain {
                parts,
                note: None,
                cycle: Cycle::No,
            },
        );
    }
    for (title, chains) in [
        (Text::fixed("EC2", "EC2"), ec2),
        (Text::fixed("IAM", "IAM"), iam),
        (Text::fixed("S3", "S3"), s3),
    ] {
        if !chains.is_empty() {
            b.d.lanes.push((title, chains));
        }
    }
    b.d
}

/// What the edge back to a trigger says.
pub fn loop_label(c: Cycle) -> Text {
    match c {
        Cycle::Loop => Text::fixed(
            "BUCLE: cada salida vuelve a disparar la función",
            "LOOP: every output fires the function again",
        ),
        Cycle::Risk => Text::fixed(
            "RIESGO: algunas salidas vuelven a disparar la función",
            "RISK: some outputs fire the function again",
        ),
        Cycle::No => Text::fixed("", ""),
    }
}
