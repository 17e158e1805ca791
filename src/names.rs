//! AWS naming rules (filled by the loop-check work).
