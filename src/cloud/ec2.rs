//! ec2 calls of the cloud adapter.
