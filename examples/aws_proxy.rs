//! The test suite's HTTP proxy as a program, for benchmarks and demos: it forwards to an emulator
//! and can add real-region latency to every call and AWS realism (see tests/e2e/support/realism.rs).
//!
//! `cargo run --example aws_proxy -- --upstream http://127.0.0.1:PORT [--latency-ms 60]
//!  [--realism legacy|free-plan] [--log]` prints `http://127.0.0.1:PORT` (its own address) and serves until
//! killed.

#[path = "../tests/e2e/support/proxy.rs"]
mod proxy;

use proxy::realism::{Account, Realism, RealismConfig};
use proxy::{Fault, Proxy, ProxyConfig};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(upstream) = value("--upstream") else {
        eprintln!(
            "usage: aws_proxy --upstream http://127.0.0.1:PORT [--latency-ms N] [--realism legacy|free-plan]"
        );
        std::process::exit(2);
    };
    let mut faults = Vec::new();
    if let Some(ms) = value("--latency-ms").and_then(|v| v.parse().ok()) {
        faults.push(Fault::Latency(ms));
    }
    let mut cfg = ProxyConfig::new(&upstream, faults);
    cfg.max_requests = u64::MAX;
    cfg.deadline = Duration::from_secs(24 * 3600);
    cfg.realism = match value("--realism").as_deref() {
        Some("legacy") => Some(Arc::new(Realism::new(RealismConfig::new(Account::Legacy)))),
        Some("free-plan") => Some(Arc::new(Realism::new(RealismConfig::new(
            Account::FreePlan,
        )))),
        _ => None,
    };
    let verbose = args.iter().any(|a| a == "--log");
    let p = Proxy::start(cfg);
    println!("{}", p.url());
    let _ = std::io::stdout().flush();
    // With --log, every request on stderr as it is answered: milliseconds since the proxy started
    // (to within the 5 ms poll, enough to read a critical path), number, what, fate.
    let mut shown = 0;
    let start = std::time::Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(if verbose { 5 } else { 3_600_000 }));
        let log = p.log();
        for s in log.iter().skip(shown) {
            let ms = start.elapsed().as_millis();
            eprintln!("{ms:>7} {:>4} {:<60} {:?}", s.n, s.what, s.fate);
        }
        shown = log.len();
    }
}
