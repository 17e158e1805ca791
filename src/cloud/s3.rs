//! s3 calls of the cloud adapter.
