//! Screen 4: the EC2 instance — name, AMI, type (starts on the account's first free-tier type, and a
//! paid one needs the cost accepted), security group and ports, role, user data (size against the
//! 16 KB limit); launching shows the public IP and DNS.

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
pub const ALLOW_PAID: usize = 9;

#[path = "ec2_free.rs"]
mod ec2_free;

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
        "EC2 alquila servidores virtuales (instancias) y los cobra por segundo mientras están en marcha \
         (con un mínimo de un minuto), no por horas. La AMI es la imagen de arranque: sistema operativo y \
         software inicial; aquí Amazon Linux 2023. El tipo fija CPU y memoria; los marcados ✓ entran en la \
         capa gratuita de tu cuenta.\n\n\
         La instancia vive en la VPC por defecto, una red pública: no pongas ahí datos privados. Una VPC se \
         reparte en subredes, y cada subred está en una zona de disponibilidad (un centro de datos aparte \
         dentro de la región). Para que una aplicación aguante la caída de una zona, usa al menos dos \
         instancias en dos zonas distintas.\n\n\
         Un grupo de seguridad es su cortafuegos: solo entra lo que abras (HTTP 80, HTTPS 443). Tiene memoria \
         (stateful): la respuesta a una conexión permitida sale sin necesitar otra regla.\n\n\
         El rol le da permisos sin claves: la instancia pide credenciales temporales a su servicio de \
         metadatos, y pasos exige IMDSv2, que pide un token de sesión antes de contestar (protege de que \
         una web engañada robe esas credenciales). Los datos de usuario son un script que corre en el \
         primer arranque.\n\n\
         Un par de claves sirve para entrar por SSH: AWS guarda la pública y tú la privada (.pem), que solo \
         se descarga una vez. El tutorial no la usa, y SSH (puerto 22) no está abierto.\n\n\
         Una instancia parada no paga CPU pero sí su disco: termínala para dejar de pagar.",
        "EC2 rents virtual servers (instances) and bills them per second while they run (one minute \
         minimum), not per hour. The AMI is the boot image: operating system and initial software; here \
         Amazon Linux 2023. The type sets CPU and memory; those marked ✓ are in your account's free tier.\n\n\
         The instance lives in the default VPC, a public network: keep private data out of it. A VPC is \
         split into subnets, and each subnet sits in one Availability Zone (a separate data centre within \
         the region). For an application to survive losing a zone, run at least two instances in two \
         different zones.\n\n\
         A security group is its firewall: only what you open gets in (HTTP 80, HTTPS 443). It is stateful: \
         the reply to an allowed connection goes out without a rule of its own.\n\n\
         The role gives it permissions without keys: the instance asks its metadata service for temporary \
         credentials, and pasos requires IMDSv2, which wants a session token before it answers (so a \
         tricked web page cannot steal those credentials). User data is a script that runs on first boot.\n\n\
         A key pair is for logging in over SSH: AWS keeps the public key and you the private one (.pem), \
         which downloads only once. The walkthrough uses none, and SSH (port 22) is not open.\n\n\
         A stopped instance pays no CPU but still pays for its disk: terminate it to stop paying.",
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ec2Screen {
    pub form: Form,
    pub base_dir: PathBuf,
    pub free_tier: Vec<String>,
    /// The type the plan asked for: the free-tier list replaces it only while it is untouched.
    pub planned_type: String,
    /// The free-tier list moved the type field: (from, to).
    pub switched: Option<(String, String)>,
    pub running: Option<(String, Option<String>, Option<String>)>,
    /// The private key of a key pair made in this session (for the `ssh` command).
    pub pem: Option<String>,
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
                Field::toggle(
                    Text::fixed(
                        "Acepto el coste (no gratuito)",
                        "I accept the cost (not free)",
                    ),
                    i.is_some_and(|i| i.allow_paid),
                ),
            ]),
            base_dir: lp.base_dir.clone(),
            free_tier: Vec::new(),
            planned_type: s(|i| &i.instance_type, "t3.micro"),
            switched: None,
            running: None,
            pem: None,
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
        if let Some(b) = self.blocked() {
            e.push((TYPE, b));
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
                allow_paid: self.form.on(ALLOW_PAID),
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

    /// What Enter runs, from the export generator (the role came from step 1).
    pub fn calls(&self, o: &crate::export::Options) -> Vec<Call> {
        super::teach::calls(&self.partial(&super::teach::empty_plan()), o)
    }
}

pub fn render(f: &mut Frame, area: Rect, c: &Common, s: &Ec2Screen) {
    let lang = c.lang;
    let mut extra = Vec::new();
    if let Some(n) = s.user_data_size() {
        let t = tr!(es: "datos de usuario: {n} B de 16384 B", en: "user data: {n} B of 16384 B");
        extra.push(Line::styled(format!("  {}", t.get(lang)), dim()));
    }
    // The refusal of a paid type is an error under the type field; the reason for a switched
    // type goes here.
    if let Some((r, true)) = s.type_reason() {
        extra.push(Line::styled(format!("  ✓ {}", r.get(lang)), ok_style()));
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
        &s.calls(&c.export),
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
