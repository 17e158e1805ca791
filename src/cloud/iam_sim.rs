//! "What can this identity do now?": iam:SimulatePrincipalPolicy over a short list of actions, with
//! the policy that decides each one.
//!
//! Which policy decides comes from the answer's `MatchedStatements` (real AWS fills it). When an
//! evaluator leaves it empty (ministack 1.5.33 does), pasos reads the principal's attached managed
//! policies (its own, and its groups' for a user) and names the first whose statement matches the
//! action with the decision's effect — the simulator's decision itself is never second-guessed.

use super::{Cloud, CloudError, sdk};
use crate::i18n::Text;
use crate::tr;
use aws_sdk_iam::types::PolicyEvaluationDecisionType as D;
use serde::Serialize;
use serde_json::Value;

/// The actions the walkthrough's lesson needs: launch vs. terminate, write a bucket vs. list them,
/// a database write, creating users, invoking a function.
pub const CURATED: [&str; 7] = [
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "s3:PutObject",
    "s3:ListAllMyBuckets",
    "dynamodb:PutItem",
    "iam:CreateUser",
    "lambda:InvokeFunction",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allowed,
    Denied,
}

/// One action's answer: `{"action", "decision", "by"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub action: String,
    pub decision: Decision,
    /// The deciding policy; `None` for an implicit deny (nothing allows it).
    pub by: Option<String>,
    /// A Deny statement decided (not just the absence of an Allow).
    #[serde(skip)]
    pub explicit: bool,
}

/// A user or a role, resolved to its ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub arn: String,
    pub name: String,
    pub is_role: bool,
}

/// Why a simulation could not be made, in words for the learner.
pub fn error_text(e: &CloudError, who: &str) -> Text {
    match e {
        CloudError::AccessDenied { .. } => tr!(
            es: "Tus credenciales no pueden llamar a iam:SimulatePrincipalPolicy, así que no se puede simular {who}. Pide ese permiso (viene, por ejemplo, en IAMReadOnlyAccess).",
            en: "Your credentials may not call iam:SimulatePrincipalPolicy, so {who} cannot be simulated. Ask for that permission (IAMReadOnlyAccess includes it, for one)."
        ),
        CloudError::NotFound { .. } => tr!(
            es: "No hay ningún usuario ni rol llamado {who} en esta cuenta.",
            en: "There is no user or role named {who} in this account."
        ),
        other => other.text(),
    }
}

impl Cloud {
    /// A name is looked up as a user, then as a role; an ARN is taken as it is.
    pub async fn principal(&self, who: &str) -> Result<Principal, CloudError> {
        if who.starts_with("arn:") {
            let is_role = who.contains(":role/");
            let name = who.rsplit('/').next().unwrap_or(who).to_string();
            return Ok(Principal {
                arn: who.to_string(),
                name,
                is_role,
            });
        }
        match self.iam.get_user().user_name(who).send().await {
            Ok(o) => {
                if let Some(u) = o.user() {
                    return Ok(Principal {
                        arn: u.arn().to_string(),
                        name: who.to_string(),
                        is_role: false,
                    });
                }
            }
            Err(e) => {
                let e = CloudError::from_sdk("GetUser", e);
                if !e.is_not_found() {
                    return Err(e);
                }
            }
        }
        let o = self
            .iam
            .get_role()
            .role_name(who)
            .send()
            .await
            .map_err(sdk("GetRole"))?;
        let arn = o
            .role()
            .map(|r| r.arn().to_string())
            .ok_or_else(|| CloudError::NotFound {
                op: "GetRole",
                msg: who.to_string(),
            })?;
        Ok(Principal {
            arn,
            name: who.to_string(),
            is_role: true,
        })
    }

    /// Simulates `actions` for the principal on every resource (`*`).
    pub async fn simulate(
        &self,
        p: &Principal,
        actions: &[String],
    ) -> Result<Vec<Answer>, CloudError> {
        let out = self
            .iam
            .simulate_principal_policy()
            .policy_source_arn(&p.arn)
            .set_action_names(Some(actions.to_vec()))
            .send()
            .await
            .map_err(sdk("SimulatePrincipalPolicy"))?;
        let mut answers: Vec<Answer> = out
            .evaluation_results()
            .iter()
            .map(|r| {
                let decision = match r.eval_decision() {
                    D::Allowed => Decision::Allowed,
                    _ => Decision::Denied,
                };
                let explicit = *r.eval_decision() == D::ExplicitDeny;
                let by = r
                    .matched_statements()
                    .iter()
                    .find_map(|s| s.source_policy_id())
                    .map(str::to_string)
                    .filter(|_| decision == Decision::Allowed || explicit);
                Answer {
                    action: r.eval_action_name().to_string(),
                    decision,
                    by,
                    explicit,
                }
            })
            .collect();
        if answers
            .iter()
            .any(|a| a.by.is_none() && (a.decision == Decision::Allowed || a.explicit))
        {
            let docs = self.policy_documents(p).await?;
            for a in answers.iter_mut().filter(|a| a.by.is_none()) {
                let effect = if a.decision == Decision::Allowed {
                    "Allow"
                } else if a.explicit {
                    "Deny"
                } else {
                    continue;
                };
                a.by = deciding_policy(&a.action, effect, &docs);
            }
        }
        Ok(answers)
    }

    /// (policy name, document) of every managed policy the principal gets: its own and, for a user,
    /// its groups'.
    async fn policy_documents(&self, p: &Principal) -> Result<Vec<(String, Value)>, CloudError> {
        let mut arns: Vec<(String, String)> = Vec::new();
        if p.is_role {
            let o = self
                .iam
                .list_attached_role_policies()
                .role_name(&p.name)
                .send()
                .await
                .map_err(sdk("ListAttachedRolePolicies"))?;
            for a in o.attached_policies() {
                arns.push(named(a.policy_name(), a.policy_arn()));
            }
        } else {
            let o = self
                .iam
                .list_attached_user_policies()
                .user_name(&p.name)
                .send()
                .await
                .map_err(sdk("ListAttachedUserPolicies"))?;
            for a in o.attached_policies() {
                arns.push(named(a.policy_name(), a.policy_arn()));
            }
            for g in self.user_groups(&p.name).await? {
                let o = self
                    .iam
                    .list_attached_group_policies()
                    .group_name(&g)
                    .send()
                    .await
                    .map_err(sdk("ListAttachedGroupPolicies"))?;
                for a in o.attached_policies() {
                    arns.push(named(a.policy_name(), a.policy_arn()));
                }
            }
        }
        let mut docs = Vec::new();
        for (name, arn) in arns {
            let pol = self
                .iam
                .get_policy()
                .policy_arn(&arn)
                .send()
                .await
                .map_err(sdk("GetPolicy"))?;
            let Some(v) = pol.policy().and_then(|x| x.default_version_id()) else {
                continue;
            };
            let ver = self
                .iam
                .get_policy_version()
                .policy_arn(&arn)
                .version_id(v)
                .send()
                .await
                .map_err(sdk("GetPolicyVersion"))?;
            if let Some(doc) = ver.policy_version().and_then(|x| x.document())
                && let Ok(json) = serde_json::from_str::<Value>(&percent_decode(doc))
            {
                docs.push((name, json));
            }
        }
        Ok(docs)
    }
}

fn named(name: Option<&str>, arn: Option<&str>) -> (String, String) {
    let arn = arn.unwrap_or_default().to_string();
    let name = name
        .map(str::to_string)
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string());
    (name, arn)
}

/// IAM returns policy documents URL-encoded (RFC 3986); some emulators send them plain.
pub fn percent_decode(s: &str) -> String {
    if s.trim_start().starts_with('{') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first policy with an unconditional statement of `effect` whose actions cover `action`.
/// (Statements with conditions are skipped: whether they apply depends on the request.)
pub fn deciding_policy(action: &str, effect: &str, docs: &[(String, Value)]) -> Option<String> {
    docs.iter().find_map(|(name, doc)| {
        let stmts = match &doc["Statement"] {
            Value::Array(a) => a.clone(),
            s @ Value::Object(_) => vec![s.clone()],
            _ => vec![],
        };
        stmts
            .iter()
            .any(|s| {
                s["Effect"].as_str() == Some(effect)
                    && s.get("Condition").is_none()
                    && match (s.get("Action"), s.get("NotAction")) {
                        (Some(a), _) => strings(a).iter().any(|p| glob(p, action)),
                        (None, Some(n)) => !strings(n).iter().any(|p| glob(p, action)),
                        _ => false,
                    }
            })
            .then(|| name.clone())
    })
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

/// IAM's action wildcards: `*` any run, `?` one character, case-insensitive.
pub fn glob(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (
        pattern.to_ascii_lowercase().chars().collect(),
        s.to_ascii_lowercase().chars().collect(),
    );
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(glob("ec2:*", "ec2:RunInstances"));
        assert!(glob("S3:Get*", "s3:GetObject"));
        assert!(glob("s3:?utObject", "s3:PutObject"));
        assert!(!glob("ec2:*", "s3:PutObject"));
        assert!(!glob("s3:Get*", "s3:PutObject"));
    }

    #[test]
    fn the_deciding_policy_is_the_one_that_covers_the_action() {
        let docs = vec![
            (
                "AmazonEC2FullAccess".to_string(),
                serde_json::json!({"Statement": [
                    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
                    {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
                     "Condition": {"StringEquals": {"iam:AWSServiceName": "spot.amazonaws.com"}}}
                ]}),
            ),
            (
                "Mine".to_string(),
                serde_json::json!({"Statement": {"Effect": "Deny", "NotAction": "s3:*"}}),
            ),
        ];
        let by = |a: &str, e: &str| deciding_policy(a, e, &docs);
        assert_eq!(
            by("ec2:RunInstances", "Allow").as_deref(),
            Some("AmazonEC2FullAccess")
        );
        assert_eq!(by("iam:CreateServiceLinkedRole", "Allow"), None);
        assert_eq!(by("dynamodb:PutItem", "Deny").as_deref(), Some("Mine"));
        assert_eq!(by("s3:PutObject", "Deny"), None);
    }

    #[test]
    fn documents_are_url_decoded() {
        assert_eq!(
            percent_decode("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(percent_decode(r#"{"a":"b%20"}"#), r#"{"a":"b%20"}"#);
    }
}
