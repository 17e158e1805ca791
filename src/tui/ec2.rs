//! Screen 4: the EC2 instance — name, AMI, type (free-tier marks), security group and ports, role,
//! user data (size against the 16 KB limit); launching shows the public IP and DNS.

use super::view::{self, Common};
use super::widgets::{Call, Field, Form, dim, ok_style};
use crate::i18n::Text;
use crate::names;
use crate::plan::validate::{USER_DATA_MAX, ingress_port};
use crate::plan::{Instance, LoadedPlan, Plan, SecurityGroup};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use std::path::PathBuf;

pub const NAME: usize = 0;
pub const AMI: usize = 1;
pub const TYPE: usize = 2;
pub const SG: usize = 3;
pub const PORTS: usize = 4;
pub const ROLE: usize = 5;
pub const USER_DATA: usize = 6;
pub const KEY_PAIR: usize = 7;
pub const SUBNET: usize = 8;

pub const TYPES: &[&str] = &[
    crate::plan::model::FREE_TIER,
    "t2.micro",
    "t3.micro",
    "t3.small",
    "t4g.micro",
    "t4g.small",
    "c7i-flex.large",
    "m7i-flex.large",
];

pub fn explain() -> Text {
    Text::fixed(
        "EC2 alquila servidores virtuales (instancias) por horas. La AMI es la imagen de arranque: sistema operativo \
         y software inicial; aquí Amazon Linux 2023. El tipo fija CPU y memoria; los marcados ✓ entran en la capa gratuita.\n\n\
         La instancia vive en la VPC por defecto, una red pública: no pongas ahí datos privados. Un grupo de seguridad \
         es su cortafuegos: solo entra lo que abras (HTTP 80, HTTPS 443).\n\n\
         El rol le da permisos sin claves, y los datos de usuario son un script que corre en el primer arranque. \
         Una instancia parada sigue pagando su disco: termínala para dejar de pagar.",
        "EC2 rents virtual servers (instances) by the hour. The AMI is the boot image: operating system and \
         initial software; here Amazon Linux 2023. The type sets CPU and memory; those marked ✓ are in the free tier.\n\n\
         The instance lives in the default VPC, a public network: keep private data out of it. A security group \
         is its firewall: only what you open gets in (HTTP 80, HTTPS 443).\n\n\
         The role gives it permissions without keys, and user data is a script that runs on first boot. \
         A stopped instance still pays for its disk: terminate it to stop paying.",
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ec2Screen {
    pub form: Form,
    pub base_dir: PathBuf,
    pub free_tier: Vec<String>,
    pub running: Option<(String, Option<String>, Option<String>)>,
    /// The plan's acceptance of a paid instance type (kept as the plan says).
    pub allow_paid: bool,
}

impl Ec2Screen {
    pub fn from_plan(lp: &LoadedPlan) -> Ec2Screen {
        let p = &lp.plan;
        let i = p.instances.first();
        let sg = p.security_groups.first();
        let s = |f: fn(&Instance) -> &String, d: &str| i.map_or(d.to_string(), |i| f(i).clone());
        let role = p
            .roles
            .iter()
            .find(|r| r.trusted_service == "ec2.amazonaws.com")
            .map(|r| r.name.clone());
        Ec2Screen {
            form: Form::new(vec![
                Field::text(
                    Text::fixed("Nombre", "Name"),
                    &s(|i| &i.name, "servidor-web"),
                ),
                Field::text(Text::fixed("AMI", "AMI"), &s(|i| &i.ami, "al2023")),
                Field::choice(
                    Text::fixed("Tipo", "Type"),
                    &s(|i| &i.instance_type, "t3.micro"),
                    TYPES.iter().map(|t| t.to_string()).collect(),
                ),
                Field::text(
                    Text::fixed("Grupo de seguridad", "Security group"),
                    sg.map_or("web-http-https", |g| g.name.as_str()),
                ),
                Field::text(
                    Text::fixed("Puertos abiertos", "Open ports"),
                    &sg.map_or("http, https".into(), |g| g.ingress.join(", ")),
                ),
                Field::text(
                    Text::fixed("Rol", "Role"),
                    &i.map(|i| i.role.clone()).or(role).unwrap_or_default(),
                ),
                Field::text(
                    Text::fixed("Datos de usuario", "User data"),
                    &s(|i| &i.user_data, ""),
                ),
                // Empty: no SSH key (the walkthrough's choice). A name that does not exist yet is
                // created, and its private key saved once as a 0600 .pem file in the state dir.
                Field::text(
                    Text::fixed("Par de claves (vacío: ninguno)", "Key pair (empty: none)"),
                    &s(|i| &i.key_pair, ""),
                ),
                // The walkthrough's "default VPC, no subnet preference"; or one subnet-… of it.
                Field::text(
                    Text::fixed(
                        "Subred (vacío: sin preferencia)",
                        "Subnet (empty: no preference)",
                    ),
                    &s(|i| &i.subnet, ""),
                ),
            ]),
            base_dir: lp.base_dir.clone(),
            free_tier: Vec::new(),
            running: None,
            allow_paid: i.is_some_and(|i| i.allow_paid),
        }
    }

    /// Bytes of the user data file (None when there is none or it cannot be read).
    pub fn user_data_size(&self) -> Option<usize> {
        let rel = self.form.get(USER_DATA).trim();
        if rel.is_empty() {
            return None;
        }
        std::fs::metadata(self.base_dir.join(rel))
            .ok()
            .map(|m| m.len() as usize)
    }

    pub fn errors(&self) -> Vec<(usize, Text)> {
        let mut e = Vec::new();
        if let Err(t) = names::ec2_name_tag(self.form.get(NAME).trim()) {
            e.push((NAME, t));
        }
        if let Err(t) = names::security_group_name(self.form.get(SG).trim()) {
            e.push((SG, t));
        }
        for p in self.form.list(PORTS) {
            if ingress_port(&p).is_none() {
                e.push((PORTS, tr!(es: "«{p}» no es un puerto: usa http, https, ssh o tcp:8080", en: "“{p}” is not a port: use http, https, ssh or tcp:8080")));
            }
        }
        let kp = self.form.get(KEY_PAIR).trim();
        if kp.len() > 255 || !kp.is_ascii() {
            e.push((
                KEY_PAIR,
                tr!(es: "hasta 255 caracteres ASCII", en: "up to 255 ASCII characters"),
            ));
        }
        let rel = self.form.get(USER_DATA).trim();
        match self.user_data_size() {
            None if !rel.is_empty() => e.push((
                USER_DATA,
                tr!(es: "no se puede leer {rel}", en: "cannot read {rel}"),
            )),
            Some(n) if n > USER_DATA_MAX => e.push((
                USER_DATA,
                tr!(es: "{n} bytes: el límite es 16 KB", en: "{n} bytes: the limit is 16 KB"),
            )),
            _ => {}
        }
        e
    }

    fn parts(&self) -> (SecurityGroup, Instance) {
        let sg = self.form.get(SG).trim().to_string();
        (
            SecurityGroup {
                name: sg.clone(),
                description: "HTTP and HTTPS from anywhere".into(),
                ingress: self.form.list(PORTS),
            },
            Instance {
                name: self.form.get(NAME).trim().into(),
                ami: self.form.get(AMI).trim().into(),
                instance_type: self.form.get(TYPE).into(),
                key_pair: self.form.get(KEY_PAIR).trim().into(),
                security_groups: vec![sg],
                role: self.form.get(ROLE).trim().into(),
                user_data: self.form.get(USER_DATA).trim().into(),
                subnet: self.form.get(SUBNET).trim().into(),
                allow_paid: self.allow_paid,
            },
        )
    }

    pub fn write(&self, plan: &mut Plan) {
        let (sg, i) = self.parts();
        match plan.security_groups.first_mut() {
            Some(x) => {
                sg.description.clone_into(&mut x.description);
                x.name = sg.name;
                x.ingress = sg.ingress;
            }
            None => plan.security_groups.push(sg),
        }
        match plan.instances.first_mut() {
            Some(x) => *x = i,
            None => plan.instances.push(i),
        }
    }

    pub fn partial(&self, plan: &Plan) -> Plan {
        let (sg, i) = self.parts();
        let roles = plan
            .roles
            .iter()
            .filter(|r| r.name == i.role)
            .cloned()
            .collect();
        Plan {
            version: plan.version,
            roles,
            groups: vec![],
            users: vec![],
            security_groups: vec![sg],
            instances: vec![i],
            buckets: vec![],
            lambdas: vec![],
        }
    }

    pub fn calls(&self) -> Vec<Call> {
        let (sg, i) = self.parts();
        let ports: Vec<String> = sg
            .ingress
            .iter()
            .filter_map(|p| ingress_port(p))
            .map(|p| p.to_string())
            .collect();
        let (n, g, t, r) = (&i.name, &sg.name, &i.instance_type, &i.role);
        let mut c = vec![
            Call::new(
                "ssm:GetParameter al2023",
                "aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            ),
            Call::new(
                format!("ec2:CreateSecurityGroup {g}"),
                format!(
                    "aws ec2 create-security-group --group-name {g} --description '{}'",
                    sg.description
                ),
            ),
        ];
        for p in &ports {
            c.push(Call::new(
                format!("ec2:AuthorizeSecurityGroupIngress {p}"),
                format!("aws ec2 authorize-security-group-ingress --group-name {g} --protocol tcp --port {p} --cidr 0.0.0.0/0"),
            ));
        }
        c.push(Call::new(
            format!("ec2:RunInstances {n} {t}"),
            format!("aws ec2 run-instances --image-id ami-… --instance-type {t} --security-groups {g} --iam-instance-profile Name={r} --user-data file://{} --metadata-options HttpTokens=required --tag-specifications 'ResourceType=instance,Tags=[{{Key=Name,Value={n}}}]'", i.user_data),
        ));
        c.push(Call::new(
            "ec2:DescribeInstances (wait running)",
            "aws ec2 wait instance-running --filters Name=tag:Name,Values=".to_string() + n,
        ));
        c
    }
}

pub fn render(f: &mut Frame, area: Rect, c: &Common, s: &Ec2Screen) {
    let lang = c.lang;
    let mut extra = Vec::new();
    if let Some(n) = s.user_data_size() {
        let t = tr!(es: "datos de usuario: {n} B de 16384 B", en: "user data: {n} B of 16384 B");
        extra.push(Line::styled(format!("  {}", t.get(lang)), dim()));
    }
    if let Some((id, ip, dns)) = &s.running {
        let ip = ip.as_deref().unwrap_or("-");
        let dns = dns.as_deref().unwrap_or("-");
        let t = tr!(es: "▶ en marcha: {id}  IP pública {ip}  DNS {dns}", en: "▶ running: {id}  public IP {ip}  DNS {dns}");
        extra.push(Line::styled(format!("  {}", t.get(lang)), ok_style()));
    }
    let free = &s.free_tier;
    let marks = |i: usize, v: &str| -> Option<Text> {
        if i != TYPE || free.is_empty() {
            return None;
        }
        Some(if v == crate::plan::model::FREE_TIER {
            let first = &free[0];
            tr!(es: "✓ el gratuito de tu cuenta: {first}", en: "✓ your account's free one: {first}")
        } else if free.iter().any(|t| t == v) {
            Text::fixed("✓ capa gratuita", "✓ free tier")
        } else {
            Text::fixed("✗ fuera de la capa gratuita", "✗ not free tier")
        })
    };
    view::step(
        f,
        area,
        c,
        &explain(),
        &s.form,
        &s.errors(),
        &marks,
        extra,
        &s.calls(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Event;
    use crate::tui::app::{Cmd, Msg, Screen};
    use crate::tui::testing::{app, key, render, snapshots};
    use crossterm::event::KeyCode;

    #[test]
    fn launch_runs_sg_instance_and_its_role() {
        let mut a = app();
        a.update(key(KeyCode::Char('4')));
        assert_eq!(a.screen, Screen::Ec2);
        assert!(
            a.ec2
                .user_data_size()
                .is_some_and(|n| n > 0 && n < USER_DATA_MAX)
        );
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::Apply(lp)) => {
                assert_eq!(lp.plan.instances[0].name, "servidor-web");
                assert_eq!(lp.plan.roles[0].name, "ec2-s3-dynamodb");
                assert_eq!(lp.plan.security_groups[0].ingress, vec!["http", "https"]);
            }
            other => panic!("{other:?}"),
        }
        a.update(Msg::Engine(Event::InstanceRunning {
            name: "servidor-web".into(),
            id: "i-0abc".into(),
            public_ip: Some("203.0.113.7".into()),
            public_dns: None,
        }));
        assert!(render(&a, 120, 40).contains("203.0.113.7"));
    }

    #[test]
    fn type_cycles_and_bad_port_is_flagged() {
        let mut a = app();
        a.screen = Screen::Ec2;
        a.ec2.free_tier = vec!["t3.micro".into()];
        for _ in 0..3 {
            a.update(key(KeyCode::Tab));
        }
        assert_eq!(a.ec2.form.get(TYPE), crate::plan::model::FREE_TIER);
        a.update(key(KeyCode::Right));
        assert_eq!(a.ec2.form.get(TYPE), "t2.micro");
        a.update(key(KeyCode::Right));
        assert_eq!(a.ec2.form.get(TYPE), "t3.micro");
        a.ec2.form.fields[PORTS].value = "http, telnet".into();
        assert!(a.ec2.errors().iter().any(|(i, _)| *i == PORTS));
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::Ec2, "ec2", |a| {
            a.ec2.free_tier = vec!["t3.micro".into(), "t3.small".into()]
        });
    }
}
