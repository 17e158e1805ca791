//! The blocks that build a plan, one per resource group, in the engine's order and with its waits.

use super::documents::{notification_json, trust_json};
use super::{Block, Command, Options, Section, policy_arn, sh, var};
use crate::plan::{Lambda, Plan};
use crate::tr;

/// A long command split over lines the way people write them in scripts.
pub(super) fn lines(parts: &[String]) -> String {
    parts.join(" \\\n    ")
}

/// Account, region, work directory and, when EC2 is in the plan, the default VPC.
pub fn setup(plan: &Plan, o: &Options) -> Block {
    let mut commands = Vec::new();
    // The header already took the region from the AWS CLI's environment; a known one wins.
    if let Some(r) = &o.region {
        commands.push(Command::new(
            "",
            format!("export AWS_REGION={r} AWS_DEFAULT_REGION={r}\nREGION={r}"),
        ));
    }
    commands.push(Command::new(
        "sts:GetCallerIdentity",
        "ACCOUNT=$(aws sts get-caller-identity --query Account --output text)",
    ));
    commands.push(Command::new("", "WORK=$(mktemp -d)"));
    if !plan.security_groups.is_empty() || !plan.instances.is_empty() {
        commands.push(Command::new(
            "ec2:DescribeVpcs isDefault=true",
            "VPC_ID=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)",
        ));
    }
    Block {
        section: Section::Setup,
        comment: tr!(
            es: "Quién eres y dónde: la cuenta (para los ARN), la región y una carpeta para los documentos JSON.",
            en: "Who and where you are: the account (for ARNs), the region and a folder for the JSON documents."
        ),
        commands,
    }
}

/// Paso 1: each role, its policies and, for EC2, the instance profile the console makes silently.
pub fn roles(plan: &Plan) -> Vec<Block> {
    plan.roles
        .iter()
        .map(|r| {
            let n = &r.name;
            let svc = &r.trusted_service;
            let trust = trust_json(svc).to_string();
            let mut commands = vec![Command::new(
                format!("iam:CreateRole {n} (Principal: {svc})"),
                format!(
                    "cat > \"$WORK/trust-{n}.json\" <<'JSON'\n{trust}\nJSON\n\
                     aws iam create-role --role-name {} --assume-role-policy-document \"file://$WORK/trust-{n}.json\"",
                    sh(n)
                ),
            )];
            for p in &r.policies {
                let arn = policy_arn(p);
                commands.push(Command::new(
                    format!("iam:AttachRolePolicy {}", arn.trim_start_matches("arn:aws:iam::aws:policy/")),
                    format!("aws iam attach-role-policy --role-name {} --policy-arn {arn}", sh(n)),
                ));
            }
            let policies = r.policies.join(", ");
            let comment = if svc == "ec2.amazonaws.com" {
                commands.push(Command::new(
                    format!("iam:CreateInstanceProfile {n}"),
                    format!("aws iam create-instance-profile --instance-profile-name {}", sh(n)),
                ));
                commands.push(Command::new(
                    format!("iam:AddRoleToInstanceProfile {n}"),
                    format!(
                        "aws iam add-role-to-instance-profile --instance-profile-name {} --role-name {}",
                        sh(n),
                        sh(n)
                    ),
                ));
                tr!(
                    es: "Paso 1: el rol {n}. Su política de confianza deja que {svc} lo asuma; recibe {policies}. La consola crea además un perfil de instancia con el mismo nombre y mete el rol dentro: aquí son dos llamadas más.",
                    en: "Step 1: the role {n}. Its trust policy lets {svc} assume it; it gets {policies}. The console also creates an instance profile of the same name and puts the role in it: here those are two more calls."
                )
            } else {
                tr!(
                    es: "El rol {n}, que asume {svc}, con {policies}.",
                    en: "The role {n}, assumed by {svc}, with {policies}."
                )
            };
            Block {
                section: Section::Role,
                comment,
                commands,
            }
        })
        .collect()
}

/// Paso 2: groups with their policies, then each user (console access, memberships, access keys).
pub fn users(plan: &Plan) -> Vec<Block> {
    let mut out = Vec::new();
    for g in &plan.groups {
        let n = &g.name;
        let mut commands = vec![Command::new(
            format!("iam:CreateGroup {n}"),
            format!("aws iam create-group --group-name {}", sh(n)),
        )];
        for p in &g.policies {
            let arn = policy_arn(p);
            commands.push(Command::new(
                format!(
                    "iam:AttachGroupPolicy {}",
                    arn.trim_start_matches("arn:aws:iam::aws:policy/")
                ),
                format!(
                    "aws iam attach-group-policy --group-name {} --policy-arn {arn}",
                    sh(n)
                ),
            ));
        }
        let policies = g.policies.join(", ");
        out.push(Block {
            section: Section::UserGroup,
            comment: tr!(
                es: "Paso 2: el grupo {n} con {policies}. Sus miembros heredan esos permisos.",
                en: "Step 2: the group {n} with {policies}. Its members inherit those permissions."
            ),
            commands,
        });
    }
    for (i, u) in plan.users.iter().enumerate() {
        let n = &u.name;
        let mut commands = vec![Command::new(
            format!("iam:CreateUser {n}"),
            format!("aws iam create-user --user-name {}", sh(n)),
        )];
        if u.console_access {
            let pw = var("PASSWORD", i);
            commands.push(Command::new(
                format!("iam:CreateLoginProfile {n}"),
                format!(
                    "{pw}=\"Pa-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \\n')-9x\"\n\
                     aws iam create-login-profile --user-name {} --password \"${pw}\" --password-reset-required\n\
                     (umask 077; printf '%s\\n' \"${pw}\" > \"$WORK/password-{n}.txt\")",
                    sh(n)
                ),
            ));
            commands.push(Command::new(
                "iam:AttachUserPolicy IAMUserChangePassword (if needed)".to_string(),
                format!(
                    "if [ \"$(aws iam get-account-password-policy --query PasswordPolicy.AllowUsersToChangePassword --output text 2>/dev/null || echo False)\" != True ]; then\n  \
                     aws iam attach-user-policy --user-name {} --policy-arn {}\nfi",
                    sh(n),
                    crate::cloud::iam::CHANGE_PASSWORD_POLICY
                ),
            ));
        }
        for g in &u.groups {
            commands.push(Command::new(
                format!("iam:AddUserToGroup {n} → {g}"),
                format!(
                    "aws iam add-user-to-group --user-name {} --group-name {}",
                    sh(n),
                    sh(g)
                ),
            ));
        }
        let comment = if u.console_access {
            tr!(
                es: "El usuario {n}, con acceso a la consola: contraseña aleatoria que debe cambiar al entrar (guardada en $WORK/password-{n}.txt, modo 0600). Si la cuenta no deja a los usuarios cambiar su contraseña, la consola adjunta IAMUserChangePassword; aquí también.",
                en: "The user {n}, with console access: a random password to change at first sign-in (saved in $WORK/password-{n}.txt, mode 0600). If the account does not let users change their password, the console attaches IAMUserChangePassword; so does this."
            )
        } else {
            tr!(es: "El usuario {n}.", en: "The user {n}.")
        };
        out.push(Block {
            section: Section::UserGroup,
            comment,
            commands,
        });
        if u.access_keys > 0 {
            let commands = (1..=u.access_keys)
                .map(|k| {
                    Command::new(
                        format!("iam:CreateAccessKey {n}"),
                        format!(
                            "(umask 077; aws iam create-access-key --user-name {} > \"$WORK/access-key-{n}-{k}.json\")",
                            sh(n)
                        ),
                    )
                })
                .collect();
            out.push(Block {
                section: Section::Keys,
                comment: tr!(
                    es: "Claves de acceso de {n} (como mucho 2). El secreto solo sale en esta respuesta: se guarda en $WORK, modo 0600, y no se imprime.",
                    en: "Access keys for {n} (2 at most). The secret is only in this answer: it is saved under $WORK, mode 0600, and not printed."
                ),
                commands,
            });
        }
    }
    out
}

/// Paso 4: buckets with their folders, functions (waited until Active), permissions, triggers.
pub fn buckets_and_functions(plan: &Plan, o: &Options) -> Vec<Block> {
    let mut out = Vec::new();
    for b in &plan.buckets {
        let n = &b.name;
        let create = match o.region.as_deref() {
            Some("us-east-1") => format!("aws s3api create-bucket --bucket {}", sh(n)),
            Some(r) => format!(
                "aws s3api create-bucket --bucket {} --create-bucket-configuration LocationConstraint={r}",
                sh(n)
            ),
            // us-east-1 refuses a LocationConstraint; every other region needs one.
            None => format!(
                "if [ \"$REGION\" = us-east-1 ]; then\n  aws s3api create-bucket --bucket {0}\nelse\n  aws s3api create-bucket --bucket {0} --create-bucket-configuration \"LocationConstraint=$REGION\"\nfi",
                sh(n)
            ),
        };
        let mut commands = vec![Command::new(format!("s3:CreateBucket {n}"), create)];
        for f in &b.folders {
            commands.push(Command::new(
                format!("s3:PutObject {n}/{f}"),
                format!("aws s3api put-object --bucket {} --key {}", sh(n), sh(f)),
            ));
        }
        out.push(Block {
            section: Section::BucketLambda,
            comment: tr!(
                es: "Paso 4: el bucket {n}. Su nombre es global (único en todo AWS). Una «carpeta» es solo un prefijo de clave: un objeto vacío cuyo nombre acaba en /.",
                en: "Step 4: the bucket {n}. Its name is global (unique across AWS). A \"folder\" is only a key prefix: an empty object whose key ends in /."
            ),
            commands,
        });
    }
    for (i, l) in plan.lambdas.iter().enumerate() {
        out.push(function(o, i, l));
    }
    out.extend(triggers(plan));
    out
}

fn function(o: &Options, i: usize, l: &Lambda) -> Block {
    let (n, v) = (&l.name, var("FUNCTION", i));
    let zip = if l.code == "bundled:resizer" {
        o.resizer_zip.clone()
    } else {
        o.base_dir.join(&l.code)
    };
    let env: std::collections::BTreeMap<String, String> =
        crate::engine::lambda_environment(l).into_iter().collect();
    let env = serde_json::json!({ "Variables": env }).to_string();
    let run = vec![
        format!(
            "{v}=$(retry aws lambda create-function --function-name {} --runtime {} --handler {} --architectures {}",
            sh(n),
            sh(&l.runtime),
            sh(&l.handler),
            sh(&l.architecture)
        ),
        format!("--role \"arn:aws:iam::$ACCOUNT:role/{}\"", l.role),
        format!("--zip-file {}", sh(&format!("fileb://{}", zip.display()))),
        format!("--memory-size {} --timeout {}", l.memory_mb, l.timeout_s),
        format!("--environment {}", sh(&env)),
        "--query FunctionArn --output text)".into(),
    ];
    let r = &l.role;
    Block {
        section: Section::BucketLambda,
        comment: tr!(
            es: "La función {n} con el rol {r}. Nace Pending y hay que esperar a Active antes de conectarle nada. Un rol recién creado tarda en poder asumirse: create-function se reintenta.",
            en: "The function {n} with the role {r}. It starts Pending and must be Active before anything is wired to it. A new role takes a while to be assumable: create-function is retried."
        ),
        commands: vec![
            Command::new(
                format!("lambda:CreateFunction {n} ({})", l.runtime),
                lines(&run),
            ),
            Command::new(
                format!("lambda:GetFunction {n} (wait Active)"),
                format!(
                    "aws lambda wait function-active-v2 --function-name {}",
                    sh(n)
                ),
            ),
        ],
    }
}

/// Permission first (or S3 cannot validate the destination), then one notification configuration
/// per bucket holding every rule for it: the call replaces the bucket's whole configuration.
fn triggers(plan: &Plan) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buckets: Vec<&str> = Vec::new();
    for l in &plan.lambdas {
        for t in &l.triggers {
            if !buckets.contains(&t.bucket.as_str()) {
                buckets.push(&t.bucket);
            }
        }
    }
    for b in buckets {
        let mut commands = Vec::new();
        let mut recursion = Vec::new();
        for l in &plan.lambdas {
            if !l.triggers.iter().any(|t| t.bucket == b) {
                continue;
            }
            let sid = crate::engine::statement_id(b);
            let f = &l.name;
            commands.push(Command::new(
                format!("lambda:AddPermission s3 → {f}"),
                lines(&[
                    format!(
                        "aws lambda add-permission --function-name {} --statement-id {sid}",
                        sh(f)
                    ),
                    "--principal s3.amazonaws.com --action lambda:InvokeFunction".into(),
                    format!("--source-arn arn:aws:s3:::{b} --source-account \"$ACCOUNT\""),
                ]),
            ));
            if l.triggers.iter().any(|t| t.allow_recursion) {
                recursion.push(Command::new(
                    format!("lambda:PutFunctionRecursionConfig {f} Terminate"),
                    format!(
                        "aws lambda put-function-recursion-config --function-name {} --recursive-loop Terminate",
                        sh(f)
                    ),
                ));
            }
        }
        let doc =
            notification_json(plan, b, &|i, _| format!("${}", var("FUNCTION", i))).to_string();
        let rules: Vec<String> = plan
            .lambdas
            .iter()
            .flat_map(|l| l.triggers.iter().filter(|t| t.bucket == b))
            .map(|t| format!("{} {}*{}", t.events.join(","), t.prefix, t.suffix))
            .collect();
        commands.push(Command::new(
            format!("s3:PutBucketNotificationConfiguration {b} {}", rules.join("; ")),
            format!(
                "cat > \"$WORK/notification-{b}.json\" <<JSON\n{doc}\nJSON\n\
                 retry aws s3api put-bucket-notification-configuration --bucket {} --notification-configuration \"file://$WORK/notification-{b}.json\"",
                sh(b)
            ),
        ));
        commands.extend(recursion);
        out.push(Block {
            section: Section::BucketLambda,
            comment: tr!(
                es: "El disparador: primero el permiso para que S3 invoque la función (si no, S3 no puede validar el destino), luego la configuración de notificaciones de {b}. Esa llamada reemplaza la configuración entera del bucket.",
                en: "The trigger: first the permission for S3 to invoke the function (else S3 cannot validate the destination), then {b}'s notification configuration. That call replaces the bucket's whole configuration."
            ),
            commands,
        });
    }
    out
}
