//! The JSON documents behind two calls — a role's trust policy and a bucket's notification
//! configuration — built once for the script, the wizard's JSON view and the engine's equivalents.

use crate::i18n::Text;
use crate::plan::{Lambda, Plan};
use crate::tr;
use serde_json::{Value, json};

/// A role's trust policy: who may assume it (the same document `cloud::iam::trust_policy` sends).
pub fn trust_json(service: &str) -> Value {
    serde_json::from_str(&crate::cloud::iam::trust_policy(service)).unwrap_or_else(|_| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
        })
    })
}

/// The notification configuration of `bucket`: every plan trigger on it, with the engine's rule ids.
/// `arn_of(index, function)` writes the function's ARN (a shell variable in a script).
pub fn notification_json(
    plan: &Plan,
    bucket: &str,
    arn_of: &dyn Fn(usize, &Lambda) -> String,
) -> Value {
    let mut rules = Vec::new();
    for (i, l) in plan.lambdas.iter().enumerate() {
        for (j, t) in l.triggers.iter().enumerate() {
            if t.bucket != bucket {
                continue;
            }
            let mut filter = Vec::new();
            if !t.prefix.is_empty() {
                filter.push(json!({"Name": "prefix", "Value": t.prefix}));
            }
            if !t.suffix.is_empty() {
                filter.push(json!({"Name": "suffix", "Value": t.suffix}));
            }
            let mut rule = json!({
                "Id": crate::engine::rule_id(&l.name, j),
                "LambdaFunctionArn": arn_of(i, l),
                "Events": t.events,
            });
            if !filter.is_empty() {
                rule["Filter"] = json!({"Key": {"FilterRules": filter}});
            }
            rules.push(rule);
        }
    }
    json!({ "LambdaFunctionConfigurations": rules })
}

/// A document to show: what it is, and its JSON (pretty).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub title: Text,
    pub json: String,
}

/// The plan's trust policies and notification configurations, with the account and region filled
/// in when known.
pub fn documents(plan: &Plan, account: Option<&str>, region: Option<&str>) -> Vec<Document> {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let mut out = Vec::new();
    for r in &plan.roles {
        let n = &r.name;
        out.push(Document {
            title: tr!(es: "Política de confianza del rol {n}", en: "Trust policy of role {n}"),
            json: pretty(&trust_json(&r.trusted_service)),
        });
    }
    let mut seen: Vec<&str> = Vec::new();
    for t in plan.lambdas.iter().flat_map(|l| &l.triggers) {
        if seen.contains(&t.bucket.as_str()) {
            continue;
        }
        seen.push(&t.bucket);
        let (acct, reg) = (account.unwrap_or("ACCOUNT"), region.unwrap_or("REGION"));
        let arn = |_: usize, l: &Lambda| format!("arn:aws:lambda:{reg}:{acct}:function:{}", l.name);
        let b = &t.bucket;
        out.push(Document {
            title: tr!(
                es: "Configuración de notificaciones del bucket {b}",
                en: "Notification configuration of bucket {b}"
            ),
            json: pretty(&notification_json(plan, b, &arn)),
        });
    }
    out
}
