//! The calls of the wizard screens that build nothing: the keys screen's and "try it"'s.

use super::{Block, Command, Section, sh};
use crate::plan::Plan;
use crate::tr;

/// The keys screen's own calls: list, create, deactivate, reactivate, delete.
pub fn key_calls(user: &str) -> Vec<Command> {
    let u = sh(user);
    vec![
        Command::new(
            format!("iam:ListAccessKeys {user}"),
            format!("aws iam list-access-keys --user-name {u}"),
        ),
        Command::new(
            format!("iam:CreateAccessKey {user}"),
            format!("aws iam create-access-key --user-name {u}"),
        ),
        Command::new(
            "iam:UpdateAccessKey Inactive|Active",
            format!(
                "aws iam update-access-key --user-name {u} --access-key-id AKIA… --status Inactive"
            ),
        ),
        Command::new(
            "iam:DeleteAccessKey",
            format!("aws iam delete-access-key --user-name {u} --access-key-id AKIA…"),
        ),
    ]
}

/// "Try it": upload a photo, list the results, read the function's logs.
pub fn try_it(plan: &Plan, photo: &str) -> Block {
    let mut commands = Vec::new();
    for l in &plan.lambdas {
        let Some(t) = l.triggers.first() else {
            continue;
        };
        let (b, f) = (&t.bucket, &l.name);
        let name = std::path::Path::new(photo)
            .file_name()
            .map_or("foto.jpg".into(), |n| n.to_string_lossy().into_owned());
        commands.push(Command::new(
            format!("s3:PutObject {b}/{}{name}", t.prefix),
            format!("aws s3 cp {} s3://{b}/{}{}", sh(photo), t.prefix, sh(&name)),
        ));
        commands.push(Command::new(
            format!("s3:ListObjectsV2 {b}/{}", l.output.prefix),
            format!("aws s3 ls s3://{}/{}", l.output.bucket, l.output.prefix),
        ));
        commands.push(Command::new(
            format!("logs:FilterLogEvents /aws/lambda/{f}"),
            format!(
                "aws logs filter-log-events --log-group-name /aws/lambda/{f} --query 'events[].message' --output text"
            ),
        ));
    }
    Block {
        section: Section::TryIt,
        comment: tr!(
            es: "Pruébalo: sube una foto bajo el prefijo del disparador, mira la salida y lee los registros de la función.",
            en: "Try it: upload a photo under the trigger's prefix, list the output and read the function's logs."
        ),
        commands,
    }
}
