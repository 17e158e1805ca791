//! Screen 1: the role EC2 instances assume (name, trusted service, policies with a search picker).

use super::view::{self, Common};
use super::widgets::{Call, Field, Form};
use crate::i18n::Text;
use crate::names::{self, IamKind};
use crate::plan::{Plan, Role};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub const NAME: usize = 0;
pub const TRUST: usize = 1;
pub const POLICIES: usize = 2;

pub fn explain() -> Text {
    Text::fixed(
        "IAM decide quién puede hacer qué en tu cuenta. Un rol es una identidad sin contraseña: \
         no es una persona, sino un conjunto de permisos que un servicio \"se pone\" cuando lo necesita.\n\n\
         Quién puede ponérselo lo dice su política de confianza: aquí, solo el servicio EC2 \
         (ec2.amazonaws.com). Lo que puede hacer con él lo dicen sus políticas de permisos.\n\n\
         Quien asume un rol recibe credenciales temporales, que caducan solas en unas horas y se renuevan \
         sin que nadie las copie. Las claves de un usuario, en cambio, duran hasta que las borras: por eso \
         un servidor debe usar un rol y nunca claves guardadas en su disco.\n\n\
         Aquí la instancia EC2 asumirá el rol para hablar con S3 y DynamoDB. Las políticas gestionadas \
         por AWS (…FullAccess) son cómodas pero amplias: en producción da solo lo necesario (mínimo \
         privilegio).\n\n\
         EC2 no usa el rol directamente, sino un perfil de instancia con el mismo nombre que lo contiene.",
        "IAM decides who may do what in your account. A role is an identity with no password: not a \
         person, but a set of permissions a service \"puts on\" when it needs them.\n\n\
         Who may put it on is said by its trust policy: here, only the EC2 service (ec2.amazonaws.com). \
         What it may do with it is said by its permission policies.\n\n\
         Whoever assumes a role gets temporary credentials, which expire on their own within hours and are \
         renewed without anyone copying them. A user's keys, instead, last until you delete them: that is \
         why a server should use a role, never keys stored on its disk.\n\n\
         Here the EC2 instance will assume the role to talk to S3 and DynamoDB. AWS-managed policies \
         (…FullAccess) are handy but broad: in production grant only what is needed (least privilege).\n\n\
         EC2 does not use the role directly but an instance profile of the same name that holds it.",
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleScreen {
    pub form: Form,
}

fn ec2_role(plan: &Plan) -> Option<&Role> {
    plan.roles
        .iter()
        .find(|r| r.trusted_service == "ec2.amazonaws.com")
        .or(plan.roles.first())
}

impl RoleScreen {
    pub fn from_plan(plan: &Plan) -> RoleScreen {
        let (name, trust, policies) = match ec2_role(plan) {
            Some(r) => (
                r.name.clone(),
                r.trusted_service.clone(),
                r.policies.clone(),
            ),
            None => (
                "ec2-s3-dynamodb".into(),
                "ec2.amazonaws.com".into(),
                vec![
                    "AmazonS3FullAccess".into(),
                    "AmazonDynamoDBFullAccess".into(),
                ],
            ),
        };
        RoleScreen {
            form: Form::new(vec![
                Field::text(Text::fixed("Nombre del rol", "Role name"), &name),
                Field::choice(
                    Text::fixed("Servicio de confianza", "Trusted service"),
                    &trust,
                    vec!["ec2.amazonaws.com".into(), "lambda.amazonaws.com".into()],
                ),
                Field::picker(Text::fixed("Políticas", "Policies"), &policies),
            ]),
        }
    }

    pub fn name(&self) -> String {
        self.form.get(NAME).trim().to_string()
    }

    pub fn errors(&self) -> Vec<(usize, Text)> {
        let mut e = Vec::new();
        if let Err(t) = names::iam_name(IamKind::Role, &self.name()) {
            e.push((NAME, t));
        }
        if self.form.list(POLICIES).is_empty() {
            e.push((
                POLICIES,
                tr!(es: "elige al menos una política", en: "choose at least one policy"),
            ));
        }
        e
    }

    pub fn role(&self) -> Role {
        Role {
            name: self.name(),
            trusted_service: self.form.get(TRUST).to_string(),
            policies: self.form.list(POLICIES),
        }
    }

    /// Puts the form into the plan, replacing the EC2 role (the first role trusting EC2).
    pub fn write(&self, plan: &mut Plan) {
        let role = self.role();
        let pos = plan
            .roles
            .iter()
            .position(|r| r.trusted_service == "ec2.amazonaws.com");
        match pos.or(if plan.roles.is_empty() { None } else { Some(0) }) {
            Some(i) => {
                let old = plan.roles[i].name.clone();
                for inst in plan.instances.iter_mut().filter(|x| x.role == old) {
                    inst.role = role.name.clone();
                }
                plan.roles[i] = role;
            }
            None => plan.roles.insert(0, role),
        }
    }

    /// The plan for this step alone.
    pub fn partial(&self, plan: &Plan) -> Plan {
        Plan {
            version: plan.version,
            roles: vec![self.role()],
            groups: vec![],
            users: vec![],
            security_groups: vec![],
            instances: vec![],
            buckets: vec![],
            lambdas: vec![],
        }
    }

    /// What Enter runs, from the export generator (the same commands `pasos export` writes).
    pub fn calls(&self, o: &crate::export::Options) -> Vec<Call> {
        super::teach::calls(&self.partial(&super::teach::empty_plan()), o)
    }
}

pub fn render(f: &mut Frame, area: Rect, c: &Common, s: &RoleScreen) {
    let hint = if s
        .form
        .list(POLICIES)
        .iter()
        .any(|p| p.ends_with("FullAccess"))
    {
        vec![Line::styled(
            format!("  * {}", Text::fixed(
                "…FullAccess da todo sobre el servicio: bien para aprender, demasiado para producción.",
                "…FullAccess grants everything on the service: fine to learn, too much for production.",
            ).get(c.lang)),
            super::widgets::dim(),
        )]
    } else {
        vec![]
    };
    view::step(
        f,
        area,
        c,
        &explain(),
        &s.form,
        &s.errors(),
        &|_, _| None,
        hint,
        &s.calls(&c.export),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Cmd, Msg, Screen};
    use crate::tui::testing::{app, key, render, snapshots, typed};
    use crossterm::event::KeyCode;

    #[test]
    fn e_shows_the_whole_explanation_on_a_small_terminal() {
        let mut a = app();
        a.update(key(KeyCode::Char('1')));
        // The side panel cuts the explanation at 80×24; the popup shows its last words.
        let last = "directly";
        assert!(!render(&a, 80, 24).contains(last));
        a.update(key(KeyCode::Char('e')));
        assert!(render(&a, 80, 24).contains(last), "{}", render(&a, 80, 24));
        // Any key closes it, and does nothing else.
        assert!(a.update(key(KeyCode::Enter)).is_none());
        assert!(!a.explain);
        assert_eq!(a.screen, Screen::Role);
    }

    #[test]
    fn prefilled_from_the_plan_and_runs_the_role_alone() {
        let mut a = app();
        a.screen = Screen::Role;
        assert_eq!(a.role.name(), "ec2-s3-dynamodb");
        assert_eq!(
            a.role.form.list(POLICIES),
            vec!["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]
        );
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::Apply(lp)) => {
                assert_eq!(lp.plan.roles.len(), 1);
                assert!(lp.plan.users.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.busy, Some(Screen::Role));
    }

    #[test]
    fn picker_searches_as_you_type_and_bad_names_block() {
        let mut a = app();
        a.screen = Screen::Role;
        a.update(key(KeyCode::Tab));
        typed(&mut a, " x");
        assert_eq!(a.role.name(), "ec2-s3-dynamodb x");
        assert!(!a.role.errors().is_empty());
        assert!(a.update(key(KeyCode::Enter)).is_none());
        // Enter left the field; Tab re-enters it, two more reach the policies.
        for _ in 0..3 {
            a.update(key(KeyCode::Tab));
        }
        match a.update(key(KeyCode::Char('l'))) {
            Some(Cmd::SearchPolicies(q)) => assert_eq!(q, "l"),
            other => panic!("{other:?}"),
        }
        a.update(Msg::Policies {
            query: "l".into(),
            found: Ok(vec![("AWSLambdaBasicExecutionRole".into(), "arn".into())]),
        });
        a.update(key(KeyCode::Char(' ')));
        assert!(
            a.role
                .form
                .list(POLICIES)
                .contains(&"AWSLambdaBasicExecutionRole".to_string())
        );
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::Role, "role", |_| {});
    }
}
