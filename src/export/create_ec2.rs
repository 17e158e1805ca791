//! Step 3 as AWS CLI commands: security groups in the default VPC, then each instance (its type and
//! AMI resolved as the engine does), waited until running.

use super::create::lines;
use super::{Block, Command, Options, Section, sh, var};
use crate::i18n::Text;
use crate::plan::Plan;
use crate::plan::validate::ingress_port;
use crate::tr;

/// Paso 3: security groups in the default VPC, then each instance, waited until running.
pub fn ec2(plan: &Plan, o: &Options) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, sg) in plan.security_groups.iter().enumerate() {
        let (n, v) = (&sg.name, var("SG", i));
        let mut commands = vec![Command::new(
            format!("ec2:CreateSecurityGroup {n}"),
            format!(
                "{v}=$(aws ec2 create-security-group --group-name {} --description {} --vpc-id \"$VPC_ID\" --query GroupId --output text)",
                sh(n),
                sh(&sg.description)
            ),
        )];
        let mut ports = Vec::new();
        for p in sg.ingress.iter().filter_map(|e| ingress_port(e)) {
            ports.push(p.to_string());
            commands.push(Command::new(
                format!("ec2:AuthorizeSecurityGroupIngress {n} tcp/{p}"),
                format!("aws ec2 authorize-security-group-ingress --group-id \"${v}\" --protocol tcp --port {p} --cidr 0.0.0.0/0"),
            ));
        }
        let ports = ports.join(", ");
        out.push(Block {
            section: Section::Ec2,
            comment: tr!(
                es: "Paso 3: el grupo de seguridad {n}, un cortafuegos en la VPC predeterminada que deja entrar los puertos {ports} desde cualquier sitio. Es con estado: las respuestas salen solas.",
                en: "Step 3: the security group {n}, a firewall in the default VPC letting in ports {ports} from anywhere. It is stateful: replies go out by themselves."
            ),
            commands,
        });
    }
    for (i, inst) in plan.instances.iter().enumerate() {
        out.push(instance(plan, o, i, inst));
    }
    out
}

fn instance(plan: &Plan, o: &Options, i: usize, inst: &crate::plan::Instance) -> Block {
    let (n, t) = (&inst.name, &inst.instance_type);
    let (ami_var, id_var) = (var("AMI", i), var("INSTANCE", i));
    let mut commands = Vec::new();
    let free_tier = t == crate::plan::model::FREE_TIER;
    let type_var = var("TYPE", i);
    if free_tier {
        // The engine's choice, made here at run time: this account's free-tier micro type that
        // Amazon Linux 2023 runs (t2.micro on older accounts, t3.micro on the 2025 free plan).
        commands.push(Command::new(
            "ec2:DescribeInstanceTypes free-tier-eligible=true",
            format!(
                "{type_var}=$(aws ec2 describe-instance-types --filters Name=free-tier-eligible,Values=true Name=processor-info.supported-architecture,Values=x86_64 --query \"sort(InstanceTypes[?ends_with(InstanceType, '.micro')].InstanceType)[0]\" --output text)"
            ),
        ));
    }
    let t_arg = if free_tier {
        format!("\"${type_var}\"")
    } else {
        t.clone()
    };
    let image = if inst.ami == "al2023" {
        let arch = if free_tier {
            "x86_64"
        } else {
            super::instance_arch(t)
        };
        commands.push(Command::new(
            format!("ssm:GetParameter al2023 {arch}"),
            format!("{ami_var}=$(aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch} --query Parameter.Value --output text)"),
        ));
        format!("\"${ami_var}\"")
    } else {
        sh(&inst.ami)
    };
    if !inst.key_pair.is_empty() {
        let k = &inst.key_pair;
        commands.push(Command::new(
            format!("ec2:CreateKeyPair {k}"),
            format!("(umask 077; aws ec2 create-key-pair --key-name {} --query KeyMaterial --output text > \"$WORK/{k}.pem\")", sh(k)),
        ));
    }
    if !inst.role.is_empty() {
        commands.push(Command::new(
            format!("iam:GetInstanceProfile {} (wait)", inst.role),
            format!(
                "aws iam wait instance-profile-exists --instance-profile-name {}",
                sh(&inst.role)
            ),
        ));
    }
    let mut run = vec![format!(
        "{id_var}=$(retry aws ec2 run-instances --image-id {image} --instance-type {t_arg} --count 1"
    )];
    let sgs: Vec<String> = inst
        .security_groups
        .iter()
        .map(|g| match plan.security_groups.iter().position(|s| &s.name == g) {
            Some(j) => format!("\"${}\"", var("SG", j)),
            None => format!(
                "\"$(aws ec2 describe-security-groups --filters Name=group-name,Values={} Name=vpc-id,Values=$VPC_ID --query 'SecurityGroups[0].GroupId' --output text)\"",
                sh(g)
            ),
        })
        .collect();
    if !sgs.is_empty() {
        run.push(format!("--security-group-ids {}", sgs.join(" ")));
    }
    if !inst.subnet.is_empty() {
        run.push(format!("--subnet-id {}", sh(&inst.subnet)));
    }
    if !inst.role.is_empty() {
        run.push(format!("--iam-instance-profile Name={}", sh(&inst.role)));
    }
    if !inst.key_pair.is_empty() {
        run.push(format!("--key-name {}", sh(&inst.key_pair)));
    }
    if !inst.user_data.is_empty() {
        let p = o.base_dir.join(&inst.user_data);
        run.push(format!(
            "--user-data {}",
            sh(&format!("file://{}", p.display()))
        ));
    }
    run.push("--metadata-options HttpTokens=required,HttpEndpoint=enabled".into());
    run.push(format!(
        "--tag-specifications 'ResourceType=instance,Tags=[{{Key=Name,Value={n}}},{{Key=pasos:script,Value=export}}]'"
    ));
    run.push("--query 'Instances[0].InstanceId' --output text)".into());
    commands.push(Command::new(
        format!("ec2:RunInstances {n} {t}"),
        lines(&run),
    ));
    commands.push(Command::new(
        "ec2:DescribeInstances (wait instance-running)",
        format!("aws ec2 wait instance-running --instance-ids \"${id_var}\""),
    ));
    let ud = if inst.user_data.is_empty() {
        Text::fixed("", "")
    } else {
        tr!(
            es: " Los datos de usuario (un script que corre al arrancar) van en base64; la CLI los codifica.",
            en: " User data (a script run at first boot) travels in base64; the CLI encodes it."
        )
    };
    Block {
        section: Section::Ec2,
        comment: tr!(
            es: "La instancia {n} ({t}) con Amazon Linux 2023 (su AMI se lee de SSM), IMDSv2 obligatorio y el perfil de instancia del rol. EC2 tarda en ver un perfil recién creado: run-instances se reintenta. Luego se espera a que esté en marcha.",
            en: "The instance {n} ({t}) running Amazon Linux 2023 (its AMI is read from SSM), IMDSv2 required and the role's instance profile. EC2 takes a while to see a new profile: run-instances is retried. Then it waits until running."
        )
        .join("", &ud),
        commands,
    }
}
