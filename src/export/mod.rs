//! The walkthrough as AWS CLI commands: one generator for `pasos export`, the wizard's calls panels
//! and its `c` view, so the three can never disagree.
//!
//! A plan becomes `Block`s (a comment in the learner's language and the commands it explains), in the
//! order the engine works; `script` turns blocks into a bash script. Commands use the AWS CLI's own
//! environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL), so a script runs unchanged against the
//! sandbox. Files the plan names are referenced by absolute path.

mod create;
mod create_ec2;
mod documents;
mod extras;
pub mod script;
mod teardown;

pub use documents::{Document, documents};
pub use extras::{key_calls, try_it};
pub use teardown::{delete_commands, planned, teardown_blocks};

use crate::i18n::{Lang, Text};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// What the generator needs besides the plan.
#[derive(Clone, Debug)]
pub struct Options {
    /// The region when it is known (the wizard's connection, `--region`); `None` lets the script
    /// decide at run time from the AWS CLI's environment.
    pub region: Option<String>,
    /// Where the plan's relative paths (user data, a code zip) start from.
    pub base_dir: PathBuf,
    /// The packaged resizer for `code = "bundled:resizer"`.
    pub resizer_zip: PathBuf,
}

impl Options {
    pub fn new(base_dir: &Path, resizer_zip: &Path) -> Options {
        Options {
            region: None,
            base_dir: absolute(base_dir),
            resizer_zip: absolute(resizer_zip),
        }
    }
}

/// A path made absolute against the working directory (the script may run from anywhere).
pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Which part of the walkthrough a block belongs to (the wizard's screens pick theirs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Variables every later command uses (account, region, a work directory).
    Setup,
    Role,
    UserGroup,
    Keys,
    Ec2,
    BucketLambda,
    TryIt,
    Teardown,
}

/// One AWS call and the shell command that makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `iam:CreateRole ec2-s3-dynamodb` — what the API panel shows.
    pub api: String,
    /// The command as it appears in the script (may span lines: a heredoc, an `if`).
    pub shell: String,
}

impl Command {
    pub fn new(api: impl Into<String>, shell: impl Into<String>) -> Command {
        Command {
            api: api.into(),
            shell: shell.into(),
        }
    }
}

/// Commands with the comment that explains them.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub section: Section,
    pub comment: Text,
    pub commands: Vec<Command>,
}

/// Every block that builds the plan, in the engine's order (roles, users, EC2, bucket and Lambda).
pub fn apply_blocks(plan: &Plan, o: &Options) -> Vec<Block> {
    let mut out = vec![create::setup(plan, o)];
    out.extend(create::roles(plan));
    out.extend(create::users(plan));
    out.extend(create_ec2::ec2(plan, o));
    out.extend(create::buckets_and_functions(plan, o));
    out
}

/// The commands of a partial plan (one wizard screen), without the setup block.
pub fn calls(plan: &Plan, o: &Options) -> Vec<Command> {
    apply_blocks(plan, o)
        .into_iter()
        .filter(|b| b.section != Section::Setup)
        .flat_map(|b| b.commands)
        .collect()
}

/// An AWS-managed policy's ARN from its name, keeping its path: `AWSLambdaBasicExecutionRole` lives
/// under `service-role/`. An ARN is kept as it is. (The engine resolves names live; a script cannot,
/// so the paths of the managed policies a learner meets are listed here.)
pub fn policy_arn(name: &str) -> String {
    const SERVICE_ROLE: &[&str] = &[
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSLambdaRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaKinesisExecutionRole",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaENIManagementAccess",
        "AmazonEC2RoleforSSM",
        "AmazonECSTaskExecutionRolePolicy",
        "AWSConfigRole",
        "AWSGlueServiceRole",
    ];
    const JOB_FUNCTION: &[&str] = &[
        "ViewOnlyAccess",
        "DatabaseAdministrator",
        "DataScientist",
        "NetworkAdministrator",
        "SystemAdministrator",
        "SupportUser",
        "Billing",
    ];
    if name.starts_with("arn:") {
        name.to_string()
    } else if SERVICE_ROLE.contains(&name) {
        format!("arn:aws:iam::aws:policy/service-role/{name}")
    } else if JOB_FUNCTION.contains(&name) {
        format!("arn:aws:iam::aws:policy/job-function/{name}")
    } else {
        format!("arn:aws:iam::aws:policy/{name}")
    }
}

/// A word as the shell reads it: plain when it is safe, else in single quotes.
pub fn sh(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/:".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A shell variable name for the n-th resource of a kind (`SG_1`): names may hold `-` and `.`.
pub fn var(kind: &str, index: usize) -> String {
    format!("{kind}_{}", index + 1)
}

/// The architecture the instance type runs (Graviton families carry a `g` after the generation
/// digit: t4g, m7g, c6gn): the AMI parameter and the Lambda-free EC2 step need it.
pub fn instance_arch(instance_type: &str) -> &'static str {
    let family = instance_type.split('.').next().unwrap_or("");
    let after_digit = family
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if family == "a1" || after_digit.contains('g') {
        "arm64"
    } else {
        "x86_64"
    }
}

/// A comment of one block, in the language asked for.
pub fn comment(b: &Block, lang: Lang) -> &str {
    b.comment.get(lang)
}

#[cfg(test)]
mod tests;
