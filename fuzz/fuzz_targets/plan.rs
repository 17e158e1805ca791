//! Fuzz target: any bytes through the plan parser and, when they parse, the static validator.
//! Neither may panic; every problem must name a field and a rule in both languages.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pasos::plan::parse(text) {
        Err(p) => assert!(p.field.starts_with("plan:")),
        Ok(plan) => {
            // An empty base dir: relative paths in the plan (user data, zips) resolve to nothing.
            let base_dir = std::env::temp_dir().join("pasos-fuzz-empty");
            let _ = std::fs::create_dir_all(&base_dir);
            let lp = pasos::plan::LoadedPlan { plan, base_dir, allow_outside: false };
            let (findings, _) = pasos::plan::validate::validate(&lp);
            for p in findings.problems {
                assert!(!p.field.is_empty() && !p.rule.en.is_empty() && !p.rule.es.is_empty());
            }
        }
    }
});
