//! Trigger loop check (filled by the loop-check work).
