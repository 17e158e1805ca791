//! The command line (clap derive): AWS CLI habits for the global flags, one subcommand per front.

use crate::i18n::Lang;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// pasos — build a small AWS architecture step by step, and take it down again.
///
/// Without a subcommand, opens the wizard. Pasos para crear la arquitectura, paso a paso.
#[derive(Debug, Parser)]
#[command(name = "pasos", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    /// Open the wizard with every screen prefilled from this plan (for demos).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Use a named profile from your AWS config and credentials files.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region (e.g. us-east-1); default from the profile or AWS_REGION.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every call to this endpoint instead of AWS (e.g. http://127.0.0.1:4566).
    #[arg(long, global = true, value_name = "URL", env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,

    /// Where the journal, sandbox records and secret files live [default: ~/.local/state/pasos].
    #[arg(long, global = true, value_name = "DIR", env = "PASOS_STATE_DIR")]
    pub state_dir: Option<PathBuf>,

    /// Language: es or en [default: Spanish when LANG starts with es, else English].
    #[arg(long, global = true, value_name = "es|en")]
    pub lang: Option<Lang>,

    /// Use the local sandbox (an AWS emulator on 127.0.0.1, no account needed); starts it if needed.
    #[arg(long, global = true)]
    pub sandbox: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create everything a plan describes (headless), verify it, journal it.
    Apply(ApplyArgs),
    /// Delete what pasos created (from the journal), in dependency order.
    Rollback(RollbackArgs),
    /// List what the journal holds, with its live state.
    Status(JsonFlag),
    /// Check an S3 trigger for loops before creating it (exit 0 safe, 1 loop or risk, 2 bad input).
    CheckTrigger(CheckTriggerArgs),
    /// Build the photo resizer Lambda and zip it with `bootstrap` at its root.
    PackageResizer(PackageArgs),
    /// Start, stop or inspect the local sandbox.
    Sandbox {
        #[command(subcommand)]
        action: SandboxAction,
    },
    /// Who am I: account, ARN, region and endpoint (sts:GetCallerIdentity).
    Whoami(JsonFlag),
    /// Draw what a plan builds (text, Mermaid or Graphviz dot), for slides.
    Diagram(DiagramArgs),
    /// What can this user or role do now? (iam:SimulatePrincipalPolicy over a few actions)
    Can(CanArgs),
    /// Write the plan as an AWS CLI script (or its teardown) on stdout.
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    Text,
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The plan file [default: the walkthrough].
    pub plan: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiagramFormat,
}

#[derive(Debug, Args)]
pub struct CanArgs {
    /// A user or role: its name or its ARN.
    pub principal: String,
    /// An action to simulate, e.g. s3:PutObject (repeatable) [default: the curated list].
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
    /// A JSON list of {"action", "decision", "by"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    #[value(name = "aws-cli")]
    AwsCli,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The plan file (TOML, version 1).
    pub plan: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "aws-cli")]
    pub format: ExportFormat,
    /// Write the matching teardown script instead.
    #[arg(long)]
    pub teardown: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan file (TOML, version 1); see docs/plan.md.
    pub plan: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// One JSON event per line on stdout.
    #[arg(long)]
    pub json: bool,
    /// Profile name for created access keys in the shared credentials file [default: the user's name; if taken, NAME-2…].
    #[arg(long, value_name = "NAME")]
    pub keys_profile: Option<String>,
    /// Only validate the plan; create nothing.
    #[arg(long)]
    pub check: bool,
    /// Let the plan's user_data and code paths point outside the plan's folder.
    #[arg(long)]
    pub allow_outside_paths: bool,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Remove only this resource and what depends on it, e.g. `role:ec2-s3-dynamodb`.
    #[arg(long, value_name = "KIND:NAME")]
    pub only: Option<String>,
    /// One JSON event per line on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckTriggerArgs {
    /// The bucket whose events trigger the function.
    #[arg(long)]
    pub bucket: String,
    /// Event types, comma-separated (e.g. s3:ObjectCreated:Put).
    #[arg(long, value_delimiter = ',', default_value = "s3:ObjectCreated:Put")]
    pub events: Vec<String>,
    /// Key prefix filter of the trigger.
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// Key suffix filter of the trigger.
    #[arg(long, default_value = "")]
    pub suffix: String,
    /// Where the function writes [default: the trigger's bucket].
    #[arg(long)]
    pub output_bucket: Option<String>,
    /// The prefix the function writes under.
    #[arg(long)]
    pub output_prefix: String,
    /// The ending the function gives its outputs when it changes it (e.g. .webp).
    #[arg(long)]
    pub output_suffix: Option<String>,
    /// Print {"verdict", "reasons", "example_key", "fix"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Arch {
    #[value(name = "x86_64")]
    X86_64,
    #[value(name = "arm64")]
    Arm64,
}

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Lambda architecture (only x86_64 can be built on this machine; arm64 is documented).
    #[arg(long, value_enum, default_value = "x86_64")]
    pub arch: Arch,
    /// Where to write the zip [default: <state-dir>/resizer/lambda-resizer-<arch>.zip].
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SandboxAction {
    /// Start the sandbox (or reuse the running one) and print the exports for AWS tools.
    Start,
    /// Stop the sandbox this state dir started.
    Stop,
    /// Tell whether it runs, and where.
    Status,
}
