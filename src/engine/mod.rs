//! The engine: runs a plan step by step against the cloud adapter, journals every creation before
//! the next call, verifies by reading back, and tells its fronts through one event stream.
//! It knows no terminal: the wizard and the headless CLI both watch the same `Event`s.

pub mod event;
pub mod instance_type;
pub mod journal;
mod keep;
mod owner;
pub mod preflight;
pub mod resource;
pub mod rollback;
mod rollback_lanes;
pub mod secrets;
mod steps_ec2;
mod steps_iam;
mod steps_instance;
mod steps_keys;
mod steps_lambda;
mod steps_user;

pub use event::{Event, Events, Res, Secret, Step};
pub use journal::Journal;
pub use keep::{SecretItem, SecretSink};
/// What `export` needs to write the same calls the engine makes.
pub use steps_lambda::{lambda_environment, rule_id, statement_id};

use crate::cloud::{Cloud, CloudError};
use crate::i18n::Text;
use crate::plan::LoadedPlan;
use crate::tr;
use std::sync::{Arc, Mutex};

pub type R<T> = Result<T, Text>;

/// Where the bundled resizer's zip comes from (the wizard builds it in the background; tests and the
/// CLI call `resizer_pkg::package`).
pub type ZipProvider = Arc<dyn Fn() -> Result<Vec<u8>, Text> + Send + Sync>;

/// Everything one run shares: the clients, the journal, the event channel, who we are.
pub struct Ctx {
    pub cloud: Cloud,
    pub journal: Arc<Mutex<Journal>>,
    pub tx: Events,
    pub account: String,
    pub session: String,
    pub resizer_zip: ZipProvider,
    /// Where secrets that only exist once (a new key pair's PEM) are written, 0600.
    pub secrets_dir: std::path::PathBuf,
    secret_sink: Option<SecretSink>,
    counts: Mutex<(usize, usize)>,
}

impl Ctx {
    pub fn new(
        cloud: Cloud,
        journal: Journal,
        tx: Events,
        account: String,
        resizer_zip: ZipProvider,
    ) -> Ctx {
        let session = journal.session().to_string();
        // <state-dir>/journal/<file> → <state-dir>/secrets
        let secrets_dir = journal
            .path()
            .parent()
            .and_then(|p| p.parent())
            .map(|p| p.join("secrets"))
            .unwrap_or_else(|| std::path::PathBuf::from("secrets"));
        Ctx {
            secrets_dir,
            cloud,
            journal: Arc::new(Mutex::new(journal)),
            tx,
            account,
            session,
            resizer_zip,
            secret_sink: None,
            counts: Mutex::new((0, 0)),
        }
    }

    /// Secrets go through `sink` before they are announced (without one, the wizard's case, they
    /// only travel in the events it shows once).
    pub fn with_secret_sink(mut self, sink: SecretSink) -> Ctx {
        self.secret_sink = Some(sink);
        self
    }

    pub fn emit(&self, e: Event) {
        // A front that went away (wizard closed) must not stop the run half-way.
        let _ = self.tx.send(e);
    }

    pub fn api(&self, service: &str, operation: &str, target: &str) {
        self.emit(Event::ApiCall {
            service: service.into(),
            operation: operation.into(),
            target: target.into(),
        });
    }

    pub fn warn(&self, text: Text) {
        self.emit(Event::Warning { text });
    }

    fn with_journal<T>(&self, f: impl FnOnce(&mut Journal) -> std::io::Result<T>) -> R<T> {
        let mut j = self
            .journal
            .lock()
            .map_err(|_| Text::fixed("diario bloqueado", "journal lock poisoned"))?;
        f(&mut j).map_err(|e| {
            let e = e.to_string();
            tr!(es: "no se pudo escribir el diario: {e}", en: "could not write the journal: {e}")
        })
    }

    pub fn holds(&self, res: &Res) -> bool {
        self.journal.lock().map(|j| j.holds(res)).unwrap_or(false)
    }

    /// Creates a resource the journaled way: intent (fsynced), the call, the result, the event.
    /// `exists` is what a read said before; a resource that exists and is not in the journal was not
    /// made by pasos, and is refused rather than adopted. One the journal holds (an answer lost, a
    /// re-apply) is adopted only when its `pasos:session` tag says it is this journal's.
    pub async fn ensure<F>(&self, step: Step, res: Res, exists: bool, create: F) -> R<Res>
    where
        F: std::future::Future<Output = Result<Res, CloudError>>,
    {
        self.ensure_with(step, res, exists, false, |_| create).await
    }

    /// `ensure` for a create call made idempotent by a client token (RunInstances): `create` gets
    /// the intent's nonce, the same one when retrying the same unanswered intent, a new one for a
    /// new intent (see `Journal::intent_with_nonce`).
    pub async fn ensure_idempotent<F, Fut>(
        &self,
        step: Step,
        res: Res,
        exists: bool,
        create: F,
    ) -> R<Res>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<Res, CloudError>>,
    {
        self.ensure_with(step, res, exists, true, create).await
    }

    async fn ensure_with<F, Fut>(
        &self,
        step: Step,
        res: Res,
        exists: bool,
        idempotent: bool,
        create: F,
    ) -> R<Res>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<Res, CloudError>>,
    {
        if exists {
            if self.holds(&res) {
                self.check_ours(&res).await?;
                // Confirm an intent whose answer was lost; a confirmed entry needs no new record
                // (a re-apply would otherwise fsync one line per resource for nothing).
                self.with_journal(|j| {
                    if j.owns_confirmed(&res) {
                        Ok(())
                    } else {
                        j.created(&res, &res)
                    }
                })?;
                self.count(false);
                self.emit(Event::AlreadyThere {
                    step,
                    resource: res.clone(),
                });
                return Ok(res);
            }
            let label = res.label(crate::i18n::Lang::En);
            let label_es = res.label(crate::i18n::Lang::Es);
            return Err(Text {
                es: format!("{label_es} ya existe y no lo creó pasos: elige otro nombre (pasos no adopta recursos ajenos)").into(),
                en: format!("{label} already exists and pasos did not create it: choose another name (pasos never adopts what it did not make)").into(),
            });
        }
        let nonce = if idempotent {
            self.with_journal(|j| j.intent_with_nonce(&res))?
        } else {
            self.with_journal(|j| j.intent(&res))?;
            String::new()
        };
        match create(nonce).await {
            Ok(result) => {
                self.with_journal(|j| j.created(&res, &result))?;
                self.count(true);
                self.emit(Event::Created {
                    step,
                    resource: result.clone(),
                });
                Ok(result)
            }
            // Our own earlier attempt whose answer was lost (the SDK retried) — if its tag says so.
            Err(e) if e.is_already_exists() => {
                self.check_ours(&res)
                    .await
                    .map_err(|t| if t == owner_gone() { e.text() } else { t })?;
                self.with_journal(|j| j.created(&res, &res))?;
                self.count(true);
                self.emit(Event::Created {
                    step,
                    resource: res.clone(),
                });
                Ok(res)
            }
            Err(e) => Err(e.text()),
        }
    }

    /// For the kinds pasos tags: an error unless `res` carries this journal's session. What is not
    /// ours is forgotten by the journal (pasos's own is gone) and refused.
    async fn check_ours(&self, res: &Res) -> R<()> {
        if !owner::marked_kind(res) {
            return Ok(());
        }
        match owner::owner(&self.cloud, res, &self.session).await? {
            owner::Owner::Ours => Ok(()),
            owner::Owner::Gone => Err(owner_gone()),
            owner::Owner::Theirs(why) => {
                self.with_journal(|j| j.deleted(res))?;
                Err(owner::refusal(res, &why))
            }
        }
    }

    fn count(&self, created: bool) {
        if let Ok(mut c) = self.counts.lock() {
            if created { c.0 += 1 } else { c.1 += 1 }
        }
    }

    pub fn verified(&self, step: Step, resource: Res, checks: Vec<Text>) {
        self.emit(Event::Verified {
            step,
            resource,
            checks,
        });
    }
}

/// "Exists" a moment ago and gone now: the caller's own error says more.
fn owner_gone() -> Text {
    Text::fixed(
        "ya no existe (borrado mientras tanto)",
        "it no longer exists (deleted meanwhile)",
    )
}

/// Maps a cloud error to the user's text.
pub fn ce(e: CloudError) -> Text {
    e.text()
}

/// A check that must hold after a step, or the step failed.
pub fn expect(ok: bool, what: Text) -> R<Text> {
    if ok {
        Ok(what)
    } else {
        Err(Text::fixed("La verificación falló: ", "Verification failed: ").join("", &what))
    }
}

/// Applies a validated plan. Steps that do not depend on each other run concurrently; the first
/// failure stops what depends on it and is reported, and everything already made stays journaled.
pub async fn apply(ctx: &Ctx, lp: &LoadedPlan) -> bool {
    let plan = &lp.plan;
    let any_iam = !plan.users.is_empty() || !plan.groups.is_empty();
    let any_ec2 = !plan.instances.is_empty() || !plan.security_groups.is_empty();
    let any_s3 = !plan.lambdas.is_empty() || !plan.buckets.is_empty();
    // Users and groups depend on nothing else and run beside everything. Roles and buckets run
    // together; EC2 needs the roles, the Lambda needs roles and buckets.
    let users = step(
        ctx,
        Step::UserGroup,
        steps_iam::users(ctx, plan),
        any_iam,
        true,
    );
    let rest = async {
        // Which step waits for which, no more: a Lambda needs its role to exist (not its policies)
        // and the bucket; an instance needs the role's instance profile and what step 3 prepared.
        let (made_tx, made_rx) = tokio::sync::watch::channel(None);
        let (done_tx, done_rx) = tokio::sync::watch::channel(None);
        let roles = async {
            let any = !plan.roles.is_empty();
            if !any {
                let _ = made_tx.send(Some(true));
            }
            let ok = step(
                ctx,
                Step::Role,
                steps_iam::roles(ctx, plan, &made_tx),
                any,
                true,
            )
            .await;
            // A step that failed before its roles existed still says so.
            made_tx.send_if_modified(|v| {
                let first = v.is_none();
                if first {
                    *v = Some(ok);
                }
                first
            });
            let _ = done_tx.send(Some(ok));
            ok
        };
        let lambda = async {
            // The function needs its role, not the bucket: it is created (its zip uploaded) while
            // the buckets are made, and only its trigger waits for them.
            let (buckets_tx, buckets_rx) = tokio::sync::watch::channel(None);
            let buckets = async {
                let ok = step(
                    ctx,
                    Step::BucketLambda,
                    steps_lambda::buckets(ctx, plan),
                    any_s3,
                    true,
                )
                .await;
                let _ = buckets_tx.send(Some(ok));
                ok
            };
            let functions = async {
                ready(made_rx).await
                    && step(
                        ctx,
                        Step::BucketLambda,
                        steps_lambda::functions(ctx, plan, &lp.base_dir, &buckets_rx),
                        !plan.lambdas.is_empty(),
                        false,
                    )
                    .await
            };
            let (b, f) = tokio::join!(buckets, functions);
            b && f
        };
        let ec2 = async {
            // Everything step 3 needs but the role (VPC, groups, type, AMI) is prepared meanwhile.
            let prepared =
                run_step(ctx, Step::Ec2, steps_ec2::prepare(ctx, lp), any_ec2, true).await;
            match prepared {
                Ran::Skipped => true,
                Ran::Failed => false,
                Ran::Done(p) => {
                    ready(done_rx).await
                        && step(
                            ctx,
                            Step::Ec2,
                            steps_instance::launch(ctx, lp, &p),
                            true,
                            false,
                        )
                        .await
                }
            }
        };
        let (r, l, e) = tokio::join!(roles, lambda, ec2);
        r && l && e
    };
    let (users_ok, rest_ok) = tokio::join!(users, rest);
    let ok = users_ok && rest_ok;
    let (created, existing) = ctx.counts.lock().map(|c| *c).unwrap_or((0, 0));
    ctx.emit(Event::Done {
        ok,
        created,
        existing,
        failed: usize::from(!ok),
        deleted: 0,
    });
    ok
}

/// Waits until another step says whether what this one needs is there.
async fn ready(mut rx: tokio::sync::watch::Receiver<Option<bool>>) -> bool {
    match rx.wait_for(Option::is_some).await {
        Ok(v) => v.unwrap_or(false),
        // The sender went away without a word: the step it belongs to did not finish.
        Err(_) => false,
    }
}

/// How a step went: not needed by the plan, done (with what it produced), or failed (reported).
enum Ran<T> {
    Skipped,
    Done(T),
    Failed,
}

async fn step(
    ctx: &Ctx,
    s: Step,
    fut: impl std::future::Future<Output = R<()>>,
    any: bool,
    announce: bool,
) -> bool {
    !matches!(run_step(ctx, s, fut, any, announce).await, Ran::Failed)
}

async fn run_step<T>(
    ctx: &Ctx,
    s: Step,
    fut: impl std::future::Future<Output = R<T>>,
    any: bool,
    announce: bool,
) -> Ran<T> {
    if !any {
        return Ran::Skipped;
    }
    if announce {
        ctx.emit(Event::StepStarted {
            step: s,
            title: s.title(),
        });
    }
    match fut.await {
        Ok(t) => Ran::Done(t),
        Err(error) => {
            tracing::warn!(step = ?s, error = %error, "step failed");
            ctx.emit(Event::Failed { step: s, error });
            Ran::Failed
        }
    }
}
