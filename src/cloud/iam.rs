//! iam calls of the cloud adapter.
