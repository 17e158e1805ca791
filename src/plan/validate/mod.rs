//! Static validation of a plan: everything that can be checked without calling AWS, all of it
//! before anything is created. Live checks (policies exist, names free) are the engine's preflight.

use super::{LoadedPlan, Plan, PlanProblem};
use crate::i18n::Text;
use crate::loopcheck;
use crate::names::{self, IamKind};
use crate::tr;
use std::collections::HashSet;

mod lambda;
use lambda::check_lambda;

/// User data is limited to 16 KB before base64 (EC2's rule).
pub const USER_DATA_MAX: usize = 16 * 1024;

/// Lambda runtimes with the dates that matter (aws-facts, 2026): (name, deprecated, block create).
pub const RUNTIMES: &[(&str, &str, &str)] = &[
    ("python3.9", "2025-12-15", "2027-02-01"),
    ("python3.10", "2026-10-31", "2027-02-01"),
    ("python3.11", "2027-06-30", "2027-07-31"),
    ("python3.12", "2028-10-31", "2028-11-30"),
    ("python3.13", "2029-06-30", "2029-07-31"),
    ("python3.14", "2029-06-30", "2029-07-31"),
    ("provided.al2", "2026-07-31", "2027-02-01"),
    ("provided.al2023", "2029-06-30", "2029-07-31"),
];

/// What the static validation found: problems refuse the plan, warnings are shown and go on.
#[derive(Debug, Default)]
pub struct Findings {
    pub problems: Vec<PlanProblem>,
    pub warnings: Vec<Text>,
}

/// Whether a runtime is deprecated at `today` (YYYY-MM-DD, compared as text).
pub fn runtime_deprecated(runtime: &str, today: &str) -> bool {
    RUNTIMES
        .iter()
        .any(|(n, dep, _)| *n == runtime && *dep <= today)
}

pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Civil date from days since epoch (Howard Hinnant's algorithm), to avoid a date crate.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses an ingress entry: `http`, `https`, `ssh`, `tcp:8080`.
pub fn ingress_port(entry: &str) -> Option<u16> {
    match entry {
        "http" => Some(80),
        "https" => Some(443),
        "ssh" => Some(22),
        other => other
            .strip_prefix("tcp:")
            .and_then(|p| p.parse::<u16>().ok())
            .filter(|p| *p > 0),
    }
}

/// Reads the user-data file of an instance (relative to the plan, inside its folder unless
/// `--allow-outside-paths`), checking that it is a regular file, its size and UTF-8.
pub fn read_user_data(lp: &LoadedPlan, rel: &str) -> Result<Option<String>, Text> {
    if rel.is_empty() {
        return Ok(None);
    }
    let path = super::files::plan_path(lp, rel)?;
    // EC2's limit (16 KB before base64) is the bound.
    let bytes = super::files::read_regular(&path, USER_DATA_MAX as u64)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| tr!(es: "no es texto UTF-8", en: "is not UTF-8 text"))
}

/// Every static rule, over the whole plan. References may also point at resources already in the
/// account: those are resolved by the live preflight, so here an unknown reference is only recorded.
pub fn validate(lp: &LoadedPlan) -> (Findings, Vec<ExternalRef>) {
    let plan = &lp.plan;
    let mut f = Findings::default();
    let mut ext = Vec::new();
    if plan.version != 1 {
        let v = plan.version.to_string();
        f.problems.push(PlanProblem::new(
            "version",
            v,
            tr!(es: "solo existe la versión 1", en: "only version 1 exists"),
        ));
    }
    check_iam(plan, &mut f, &mut ext);
    check_ec2(lp, &mut f, &mut ext);
    check_lambda(lp, &mut f, &mut ext);
    (f, ext)
}

/// A reference the plan does not define: it must exist in the account (checked live).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalRef {
    pub field: String,
    pub kind: RefKind,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    Group,
    Role,
    SecurityGroup,
    Bucket,
    Policy,
}

fn name_rule(f: &mut Findings, field: String, value: &str, r: Result<(), Text>) {
    if let Err(rule) = r {
        f.problems.push(PlanProblem::new(field, value, rule));
    }
}

fn dup(f: &mut Findings, seen: &mut HashSet<String>, field: String, value: &str) {
    if !seen.insert(value.to_ascii_lowercase()) {
        f.problems.push(PlanProblem::new(
            field,
            value,
            tr!(
                es: "nombre repetido en el plan (IAM no distingue mayúsculas)",
                en: "name repeated in the plan (IAM names ignore case)"
            ),
        ));
    }
}

fn check_policies(f: &mut Findings, ext: &mut Vec<ExternalRef>, field: &str, policies: &[String]) {
    for (j, p) in policies.iter().enumerate() {
        let fld = format!("{field}.policies[{j}]");
        if p.trim().is_empty() {
            f.problems.push(PlanProblem::new(
                fld,
                p,
                tr!(es: "la política no puede estar vacía", en: "the policy cannot be empty"),
            ));
        } else {
            ext.push(ExternalRef {
                field: fld,
                kind: RefKind::Policy,
                name: p.clone(),
            });
        }
    }
}

fn check_iam(plan: &Plan, f: &mut Findings, ext: &mut Vec<ExternalRef>) {
    let mut seen = HashSet::new();
    for (i, r) in plan.roles.iter().enumerate() {
        name_rule(
            f,
            format!("role[{i}].name"),
            &r.name,
            names::iam_name(IamKind::Role, &r.name),
        );
        dup(f, &mut seen, format!("role[{i}].name"), &r.name);
        let ts = &r.trusted_service;
        if !(ts.ends_with(".amazonaws.com")
            && ts.len() > ".amazonaws.com".len()
            && !ts.contains(char::is_whitespace))
        {
            f.problems.push(PlanProblem::new(
                format!("role[{i}].trusted_service"),
                ts,
                tr!(
                    es: "debe ser el principal de un servicio de AWS, como ec2.amazonaws.com",
                    en: "must be an AWS service principal, like ec2.amazonaws.com"
                ),
            ));
        }
        check_policies(f, ext, &format!("role[{i}]"), &r.policies);
    }
    let mut seen = HashSet::new();
    for (i, g) in plan.groups.iter().enumerate() {
        name_rule(
            f,
            format!("group[{i}].name"),
            &g.name,
            names::iam_name(IamKind::Group, &g.name),
        );
        dup(f, &mut seen, format!("group[{i}].name"), &g.name);
        check_policies(f, ext, &format!("group[{i}]"), &g.policies);
    }
    let mut seen = HashSet::new();
    for (i, u) in plan.users.iter().enumerate() {
        name_rule(
            f,
            format!("user[{i}].name"),
            &u.name,
            names::iam_name(IamKind::User, &u.name),
        );
        dup(f, &mut seen, format!("user[{i}].name"), &u.name);
        if u.access_keys > 2 {
            let n = u.access_keys.to_string();
            f.problems.push(PlanProblem::new(
                format!("user[{i}].access_keys"),
                n,
                tr!(
                    es: "AWS permite como máximo 2 claves de acceso por usuario",
                    en: "AWS allows at most 2 access keys per user"
                ),
            ));
        }
        for (j, g) in u.groups.iter().enumerate() {
            if !plan.groups.iter().any(|pg| pg.name.eq_ignore_ascii_case(g)) {
                ext.push(ExternalRef {
                    field: format!("user[{i}].groups[{j}]"),
                    kind: RefKind::Group,
                    name: g.clone(),
                });
            }
        }
    }
}

fn check_ec2(lp: &LoadedPlan, f: &mut Findings, ext: &mut Vec<ExternalRef>) {
    let plan = &lp.plan;
    let mut seen = HashSet::new();
    for (i, sg) in plan.security_groups.iter().enumerate() {
        name_rule(
            f,
            format!("security_group[{i}].name"),
            &sg.name,
            names::security_group_name(&sg.name),
        );
        dup(f, &mut seen, format!("security_group[{i}].name"), &sg.name);
        if sg.description.is_empty() || sg.description.len() > 255 || !sg.description.is_ascii() {
            f.problems.push(PlanProblem::new(
                format!("security_group[{i}].description"),
                &sg.description,
                tr!(
                    es: "la descripción debe tener de 1 a 255 caracteres ASCII (regla de EC2)",
                    en: "the description must be 1 to 255 ASCII characters (EC2's rule)"
                ),
            ));
        }
        for (j, e) in sg.ingress.iter().enumerate() {
            if ingress_port(e).is_none() {
                f.problems.push(PlanProblem::new(
                    format!("security_group[{i}].ingress[{j}]"),
                    e,
                    tr!(
                        es: "usa http, https, ssh o tcp:PUERTO (1–65535)",
                        en: "use http, https, ssh or tcp:PORT (1–65535)"
                    ),
                ));
            }
        }
    }
    let mut seen = HashSet::new();
    for (i, inst) in plan.instances.iter().enumerate() {
        name_rule(
            f,
            format!("instance[{i}].name"),
            &inst.name,
            names::ec2_name_tag(&inst.name),
        );
        dup(f, &mut seen, format!("instance[{i}].name"), &inst.name);
        let ami_ok = inst.ami == "al2023"
            || inst.ami.strip_prefix("ami-").is_some_and(|h| {
                (8..=17).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
            });
        if !ami_ok {
            f.problems.push(PlanProblem::new(
                format!("instance[{i}].ami"),
                &inst.ami,
                tr!(
                    es: "usa \"al2023\" (Amazon Linux 2023, la más reciente) o un id ami-xxxxxxxx",
                    en: "use \"al2023\" (latest Amazon Linux 2023) or an ami-xxxxxxxx id"
                ),
            ));
        }
        let it = &inst.instance_type;
        let it_ok = it == crate::plan::model::FREE_TIER
            || it.split_once('.').is_some_and(|(fam, size)| {
                !fam.is_empty()
                    && !size.is_empty()
                    && fam
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && size
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        if !it_ok {
            f.problems.push(PlanProblem::new(
                format!("instance[{i}].instance_type"),
                it,
                tr!(
                    es: "un tipo de instancia se escribe familia.tamaño, como t3.micro, o \"free-tier\" (el gratuito de la cuenta)",
                    en: "an instance type is family.size, like t3.micro, or \"free-tier\" (the account's free one)"
                ),
            ));
        }
        if !inst.key_pair.is_empty() && (inst.key_pair.len() > 255 || !inst.key_pair.is_ascii()) {
            f.problems.push(PlanProblem::new(
                format!("instance[{i}].key_pair"),
                &inst.key_pair,
                tr!(
                    es: "el nombre del par de claves debe tener hasta 255 caracteres ASCII",
                    en: "a key pair name is up to 255 ASCII characters"
                ),
            ));
        }
        for (j, s) in inst.security_groups.iter().enumerate() {
            if !plan.security_groups.iter().any(|p| &p.name == s) {
                ext.push(ExternalRef {
                    field: format!("instance[{i}].security_groups[{j}]"),
                    kind: RefKind::SecurityGroup,
                    name: s.clone(),
                });
            }
        }
        if !inst.role.is_empty() {
            match plan
                .roles
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(&inst.role))
            {
                Some(r) if r.trusted_service != "ec2.amazonaws.com" => {
                    let ts = &r.trusted_service;
                    f.problems.push(PlanProblem::new(format!("instance[{i}].role"), &inst.role, tr!(
                        es: "ese rol confía en {ts}, no en ec2.amazonaws.com: EC2 no podría usarlo",
                        en: "that role trusts {ts}, not ec2.amazonaws.com: EC2 could not use it"
                    )));
                }
                Some(_) => {}
                None => ext.push(ExternalRef {
                    field: format!("instance[{i}].role"),
                    kind: RefKind::Role,
                    name: inst.role.clone(),
                }),
            }
        }
        let sn = &inst.subnet;
        if !sn.is_empty()
            && !sn.strip_prefix("subnet-").is_some_and(|h| {
                (8..=17).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
            })
        {
            f.problems.push(PlanProblem::new(
                format!("instance[{i}].subnet"),
                sn,
                tr!(
                    es: "vacío (sin preferencia) o un id subnet-xxxxxxxx de la VPC por defecto",
                    en: "empty (no preference) or a subnet-xxxxxxxx id of the default VPC"
                ),
            ));
        }
        if let Err(rule) = read_user_data(lp, &inst.user_data) {
            f.problems.push(PlanProblem::new(
                format!("instance[{i}].user_data"),
                &inst.user_data,
                rule,
            ));
        }
    }
}
