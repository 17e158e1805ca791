//! The teaching subcommands: `diagram` (what a plan builds), `can` (what an identity may do) and
//! `export` (the plan as an AWS CLI script). `diagram` and `export` work offline.

use super::args::{CanArgs, DiagramArgs, DiagramFormat, ExportArgs};
use super::exit;
use super::run::Ctx;
use crate::cloud::iam_sim::{self, Answer, CURATED, Decision};
use crate::export::{self, Options, script};
use crate::i18n::Text;
use crate::plan::LoadedPlan;
use crate::tr;
use std::path::Path;

const WALKTHROUGH: &str = include_str!("../../assets/plans/walkthrough.toml");

/// Loads and validates a plan; problems are printed and give the exit code.
fn load(ctx: &Ctx, path: &Path) -> Result<LoadedPlan, u8> {
    let lp = crate::plan::load(path).map_err(|problems| {
        for p in problems {
            eprintln!("✗ {}", p.text().get(ctx.lang));
        }
        exit::BAD_INPUT
    })?;
    let (findings, _) = crate::plan::validate::validate(&lp);
    if !findings.problems.is_empty() {
        for p in &findings.problems {
            eprintln!("✗ {}", p.text().get(ctx.lang));
        }
        return Err(exit::BAD_INPUT);
    }
    Ok(lp)
}

pub fn diagram(ctx: &Ctx, a: DiagramArgs) -> u8 {
    let plan = match &a.plan {
        Some(p) => match load(ctx, p) {
            Ok(lp) => lp.plan,
            Err(code) => return code,
        },
        None => match crate::plan::parse(WALKTHROUGH) {
            Ok(p) => p,
            Err(p) => {
                ctx.say(&p.text());
                return exit::FAILED;
            }
        },
    };
    let d = crate::diagram::from_plan(&plan);
    let out = match a.format {
        DiagramFormat::Text => crate::diagram::text::render(&d, ctx.lang, 100),
        DiagramFormat::Mermaid => crate::diagram::graph::mermaid(&d, ctx.lang),
        DiagramFormat::Dot => crate::diagram::graph::dot(&d, ctx.lang),
    };
    print!("{out}");
    exit::OK
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> u8 {
    let lp = match load(ctx, &a.plan) {
        Ok(lp) => lp,
        Err(code) => return code,
    };
    let flavor = crate::resizer_pkg::flavor_for(ctx.settings.sandbox);
    let zip = if lp.plan.lambdas.iter().any(|l| l.code == "bundled:resizer") {
        match crate::resizer_pkg::zip_path(&ctx.state_dir, flavor, "x86_64") {
            Ok(z) => {
                if !z.exists() {
                    let cmd = if ctx.settings.sandbox {
                        "pasos --sandbox package-resizer"
                    } else {
                        "pasos package-resizer"
                    };
                    let p = z.display().to_string();
                    ctx.say(&tr!(
                        es: "Aviso: el script sube {p}, que aún no existe: créalo antes con `{cmd}`",
                        en: "Note: the script uploads {p}, which does not exist yet: build it first with `{cmd}`"
                    ));
                }
                z
            }
            Err(t) => {
                ctx.say(&t);
                return exit::FAILED;
            }
        }
    } else {
        std::path::PathBuf::new()
    };
    let mut o = Options::new(&lp.base_dir, &zip);
    o.region = ctx.settings.region.clone();
    let source = a
        .plan
        .file_name()
        .map_or("plan".into(), |f| f.to_string_lossy().into_owned());
    let out = if a.teardown {
        script::render(
            script::Kind::Teardown,
            &source,
            &export::teardown_blocks(&lp.plan),
            None,
            ctx.lang,
        )
    } else {
        let photo = export::absolute(Path::new("foto.jpg"));
        script::render(
            script::Kind::Apply,
            &source,
            &export::apply_blocks(&lp.plan, &o),
            Some(&export::try_it(&lp.plan, &photo.display().to_string())),
            ctx.lang,
        )
    };
    print!("{out}");
    exit::OK
}

/// `service:Action`, with IAM's wildcards allowed in the action part.
fn valid_action(a: &str) -> bool {
    match a.split_once(':') {
        Some((svc, act)) => {
            !svc.is_empty()
                && !act.is_empty()
                && svc
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && act
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        }
        None => false,
    }
}

pub async fn can(ctx: &Ctx, a: CanArgs) -> u8 {
    for act in &a.actions {
        if !valid_action(act) {
            ctx.say(&tr!(
                es: "--action = \"{act}\": una acción es servicio:Acción, p. ej. s3:PutObject",
                en: "--action = \"{act}\": an action is service:Action, e.g. s3:PutObject"
            ));
            return exit::BAD_INPUT;
        }
    }
    let actions: Vec<String> = if a.actions.is_empty() {
        CURATED.iter().map(|s| s.to_string()).collect()
    } else {
        a.actions.clone()
    };
    let cloud = match ctx.connect().await {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::FAILED;
        }
    };
    let who = &a.principal;
    let p = match cloud.principal(who).await {
        Ok(p) => p,
        Err(e) => {
            ctx.say(&iam_sim::error_text(&e, who));
            return if e.is_not_found() {
                exit::BAD_INPUT
            } else {
                exit::FAILED
            };
        }
    };
    let answers = match cloud.simulate(&p, &actions).await {
        Ok(x) => x,
        Err(e) => {
            ctx.say(&iam_sim::error_text(&e, who));
            return exit::FAILED;
        }
    };
    if a.json {
        println!("{}", serde_json::to_string(&answers).unwrap_or_default());
    } else {
        print!("{}", table(&p, &answers, ctx.lang));
    }
    exit::OK
}

/// The answers as the learner reads them: ✓/✗, the action, and the policy that decides.
pub fn table(p: &iam_sim::Principal, answers: &[Answer], lang: crate::i18n::Lang) -> String {
    let (n, arn) = (&p.name, &p.arn);
    let head = if p.is_role {
        tr!(es: "Qué puede hacer el rol {n} ({arn}):", en: "What the role {n} can do ({arn}):")
    } else {
        tr!(es: "Qué puede hacer el usuario {n} ({arn}):", en: "What the user {n} can do ({arn}):")
    };
    let mut s = format!("{}\n", head.get(lang));
    for line in lines(answers, lang) {
        s.push_str(&format!("  {line}\n"));
    }
    s
}

/// One line per answer: `✓ permitido  ec2:RunInstances   por AmazonEC2FullAccess`.
pub fn lines(answers: &[Answer], lang: crate::i18n::Lang) -> Vec<String> {
    let w = answers.iter().map(|a| a.action.len()).max().unwrap_or(0);
    answers
        .iter()
        .map(|a| {
            let (mark, word) = match a.decision {
                Decision::Allowed => ("✓", Text::fixed("permitido", "allowed")),
                Decision::Denied => ("✗", Text::fixed("denegado ", "denied   ")),
            };
            let why = match (&a.by, a.decision) {
                (Some(by), _) => tr!(es: "por {by}", en: "by {by}"),
                (None, _) => Text::fixed("(ninguna política lo permite)", "(no policy allows it)"),
            };
            format!(
                "{mark} {} {:<w$}  {}",
                word.get(lang),
                a.action,
                why.get(lang)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_service_colon_action() {
        assert!(valid_action("s3:PutObject"));
        assert!(valid_action("ec2:Describe*"));
        assert!(!valid_action("PutObject"));
        assert!(!valid_action("s3 :PutObject"));
        assert!(!valid_action("s3:"));
    }
}
