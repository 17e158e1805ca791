//! lambda calls of the cloud adapter.
