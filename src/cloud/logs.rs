//! logs calls of the cloud adapter.
