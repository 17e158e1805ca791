//! The plan file, version 1: what to build. Field names are a contract — extend, never rename.
//!
//! Every struct refuses unknown fields (a typo must not silently become a default) and fills omitted
//! fields with the walkthrough's defaults.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub version: u32,
    #[serde(default, rename = "role", skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    #[serde(default, rename = "group", skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default, rename = "user", skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<User>,
    #[serde(
        default,
        rename = "security_group",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default, rename = "instance", skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    #[serde(default, rename = "bucket", skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<Bucket>,
    #[serde(default, rename = "lambda", skip_serializing_if = "Vec::is_empty")]
    pub lambdas: Vec<Lambda>,
}

/// Paso 1: a role a service can assume, with AWS-managed policies by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    #[serde(default = "default_trusted_service")]
    pub trusted_service: String,
    #[serde(default = "default_role_policies")]
    pub policies: Vec<String>,
}

/// Paso 2: a group and the policies its members inherit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default = "default_group_policies")]
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default = "yes")]
    pub console_access: bool,
    #[serde(default = "one")]
    pub access_keys: u8,
}

/// Paso 3: a firewall for the instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub name: String,
    #[serde(default = "default_sg_description")]
    pub description: String,
    #[serde(default = "default_ingress")]
    pub ingress: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    #[serde(default = "default_ami")]
    pub ami: String,
    #[serde(default = "default_instance_type")]
    pub instance_type: String,
    #[serde(default)]
    pub key_pair: String,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub role: String,
    /// Path relative to the plan file; empty for none.
    #[serde(default)]
    pub user_data: String,
    /// A subnet of the default VPC (`subnet-…`); empty for "no preference", as in the walkthrough.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subnet: String,
    /// Accept the cost of an instance type that is not free-tier eligible in this account. Without
    /// it pasos refuses such a type before creating anything (cost safety by default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_paid: bool,
}

/// Paso 4: the photo bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub name: String,
    #[serde(default = "default_folders")]
    pub folders: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lambda {
    pub name: String,
    #[serde(default = "default_runtime")]
    pub runtime: String,
    #[serde(default = "default_code")]
    pub code: String,
    #[serde(default = "default_handler")]
    pub handler: String,
    #[serde(default = "default_architecture")]
    pub architecture: String,
    pub role: String,
    pub output: Output,
    #[serde(default = "default_max")]
    pub max_width: u32,
    #[serde(default = "default_max")]
    pub max_height: u32,
    #[serde(default = "default_memory")]
    pub memory_mb: u32,
    #[serde(default = "default_timeout")]
    pub timeout_s: u32,
    /// Extra environment variables for the function (the resizer's own are set from the fields above).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    #[serde(default, rename = "trigger", skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    pub bucket: String,
    #[serde(default = "default_output_prefix")]
    pub prefix: String,
    /// The ending the function gives its outputs when it changes it (e.g. `.webp`); none keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub bucket: String,
    #[serde(default = "default_events")]
    pub events: Vec<String>,
    #[serde(default = "default_input_prefix")]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    /// The console's acknowledgement that input and output may trigger each other.
    #[serde(default)]
    pub allow_recursion: bool,
}

fn yes() -> bool {
    true
}
fn one() -> u8 {
    1
}
fn default_trusted_service() -> String {
    "ec2.amazonaws.com".into()
}
fn default_role_policies() -> Vec<String> {
    vec![
        "AmazonS3FullAccess".into(),
        "AmazonDynamoDBFullAccess".into(),
    ]
}
fn default_group_policies() -> Vec<String> {
    vec!["AmazonEC2FullAccess".into()]
}
fn default_sg_description() -> String {
    "HTTP and HTTPS from anywhere".into()
}
fn default_ingress() -> Vec<String> {
    vec!["http".into(), "https".into()]
}
fn default_ami() -> String {
    "al2023".into()
}
/// The walkthrough's type; validation warns and names the eligible one when this account differs.
/// `free-tier`: the account's first free-tier-eligible type (t2.micro on accounts from before
/// 2025-07-15, t3.micro on the 2025 free plan), resolved when the plan runs.
pub fn default_instance_type() -> String {
    FREE_TIER.into()
}

/// The `instance_type` value that means "whatever this account runs for free".
pub const FREE_TIER: &str = "free-tier";
fn default_folders() -> Vec<String> {
    vec!["input/".into()]
}
fn default_runtime() -> String {
    "provided.al2023".into()
}
fn default_code() -> String {
    "bundled:resizer".into()
}
fn default_handler() -> String {
    "bootstrap".into()
}
fn default_architecture() -> String {
    "x86_64".into()
}
fn default_max() -> u32 {
    1024
}
fn default_memory() -> u32 {
    256
}
fn default_timeout() -> u32 {
    30
}
fn default_output_prefix() -> String {
    "output/".into()
}
fn default_input_prefix() -> String {
    "input/".into()
}
fn default_events() -> Vec<String> {
    vec!["s3:ObjectCreated:Put".into()]
}
