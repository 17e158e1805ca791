//! The exact part of the loop check: over *every* possible input key, does the function's output key
//! match the trigger always, sometimes or never?
//!
//! Why an automaton and not a list of sample keys: "loop" is a claim about all keys, and the corner
//! cases are real (a prefix and a suffix sharing characters of a short key, an output suffix that
//! replaces an extension found far to the left). Every condition involved — "starts with P", "ends
//! with S", "the last `.` after the last `/`" — is checked by a small deterministic machine reading the
//! key's remainder character by character, so the set of reachable machine states is finite and a
//! breadth-first walk over it decides the question exactly, and yields the shortest witness keys.
//! Characters that appear in none of the strings all behave alike, so one stands for all of them.

use std::collections::{BTreeSet, HashMap, VecDeque};

/// Which part of the trigger filter an output key must match to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Prefix,
    Suffix,
    Both,
}

/// How many of the triggering keys give an output that meets the need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    None,
    Some,
    All,
}

/// The answer, with the shortest remainders (key = trigger prefix + remainder) that show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// A triggering key whose output meets the need.
    pub hit: Option<String>,
    /// A triggering key whose output does not.
    pub miss: Option<String>,
}

impl Outcome {
    pub fn amount(&self) -> Amount {
        match (&self.hit, &self.miss) {
            (None, _) => Amount::None,
            (Some(_), None) => Amount::All,
            (Some(_), Some(_)) => Amount::Some,
        }
    }
}

/// The walk gave up: the filters are long enough that the state space outgrew the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooComplex;

/// Far above what real filters reach (a 20-character suffix needs a few thousand states), low enough
/// that a hostile 1024-byte filter cannot hang the wizard.
const MAX_STATES: usize = 400_000;
const FAILED: usize = usize::MAX;

/// "The text read so far ends with `pat`" (Knuth–Morris–Pratt automaton).
struct EndsWith {
    pat: Vec<char>,
    border: Vec<usize>,
}

impl EndsWith {
    fn new(pat: &str) -> EndsWith {
        let pat: Vec<char> = pat.chars().collect();
        let mut border = vec![0; pat.len()];
        let mut k = 0;
        for i in 1..pat.len() {
            while k > 0 && pat[i] != pat[k] {
                k = border[k - 1];
            }
            if pat[i] == pat[k] {
                k += 1;
            }
            border[i] = k;
        }
        EndsWith { pat, border }
    }

    fn step(&self, mut q: usize, c: char) -> usize {
        loop {
            if q < self.pat.len() && self.pat[q] == c {
                return q + 1;
            }
            if q == 0 {
                return 0;
            }
            q = self.border[q - 1];
        }
    }

    fn done(&self, q: usize) -> bool {
        q == self.pat.len()
    }
}

/// Progress of an output key against the trigger prefix and suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Out {
    /// Characters of the prefix matched so far, or FAILED.
    p: usize,
    /// State of the ends-with-suffix automaton.
    s: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct State {
    /// Ends-with-suffix state of the input key.
    input: usize,
    /// The output key before any extension is replaced.
    full: Out,
    /// The output key up to (not including) the last `.` of its last segment, if that has one.
    cut: Option<Out>,
    /// Whether the remainder is non-empty (an empty key cannot exist).
    any: bool,
}

struct Machine<'a> {
    prefix: Vec<char>,
    ends: EndsWith,
    out_prefix: &'a str,
    out_suffix: Option<&'a str>,
    need: Need,
}

impl Machine<'_> {
    fn out_step(&self, o: Out, c: char) -> Out {
        let p = if o.p == FAILED || o.p == self.prefix.len() {
            o.p
        } else if self.prefix[o.p] == c {
            o.p + 1
        } else {
            FAILED
        };
        Out {
            p,
            s: self.ends.step(o.s, c),
        }
    }

    /// Appends one character to the output key, remembering where its extension would start.
    fn out_push(&self, st: &mut State, c: char) {
        match c {
            '/' => st.cut = None,
            '.' => st.cut = Some(st.full),
            _ => {}
        }
        st.full = self.out_step(st.full, c);
    }

    fn start(&self, trigger_prefix: &str) -> State {
        let mut st = State {
            input: trigger_prefix.chars().fold(0, |q, c| self.ends.step(q, c)),
            full: Out { p: 0, s: 0 },
            cut: None,
            any: false,
        };
        for c in self.out_prefix.chars() {
            self.out_push(&mut st, c);
        }
        st
    }

    fn next(&self, mut st: State, c: char) -> State {
        st.input = self.ends.step(st.input, c);
        self.out_push(&mut st, c);
        st.any = true;
        st
    }

    /// (the input key triggers, its output meets the need)
    fn judge(&self, st: &State) -> (bool, bool) {
        let triggers = self.ends.done(st.input) && (!self.prefix.is_empty() || st.any);
        let (o, non_empty) = match self.out_suffix {
            None => (st.full, !self.out_prefix.is_empty() || st.any),
            // Validation refuses an empty output suffix, so the output is never empty here.
            Some(x) => (
                x.chars()
                    .fold(st.cut.unwrap_or(st.full), |o, c| self.out_step(o, c)),
                !x.is_empty(),
            ),
        };
        let prefix_ok = o.p == self.prefix.len();
        let suffix_ok = self.ends.done(o.s);
        let meets = non_empty
            && match self.need {
                Need::Prefix => prefix_ok,
                Need::Suffix => suffix_ok,
                Need::Both => prefix_ok && suffix_ok,
            };
        (triggers, meets)
    }
}

/// Decides, for the trigger filter (`prefix`, `suffix`) and the output location (`out_prefix`,
/// `out_suffix`), whether output keys meet `need` for all, some or none of the triggering keys.
pub fn analyse(
    prefix: &str,
    suffix: &str,
    out_prefix: &str,
    out_suffix: Option<&str>,
    need: Need,
) -> Result<Outcome, TooComplex> {
    let m = Machine {
        prefix: prefix.chars().collect(),
        ends: EndsWith::new(suffix),
        out_prefix,
        out_suffix,
        need,
    };
    let alphabet = alphabet(&[prefix, suffix, out_prefix, out_suffix.unwrap_or("")]);

    // states[i] = (state, parent index, character that led here)
    let mut states: Vec<(State, usize, char)> = vec![(m.start(prefix), usize::MAX, ' ')];
    let mut seen: HashMap<State, usize> = HashMap::from([(states[0].0, 0)]);
    let mut queue = VecDeque::from([0usize]);
    let (mut hit, mut miss) = (None, None);
    while let Some(i) = queue.pop_front() {
        let st = states[i].0;
        match m.judge(&st) {
            (true, true) if hit.is_none() => hit = Some(i),
            (true, false) if miss.is_none() => miss = Some(i),
            _ => {}
        }
        if hit.is_some() && miss.is_some() {
            break; // "some" is settled; no need to see the rest
        }
        for &c in &alphabet {
            let n = m.next(st, c);
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(n) {
                if states.len() >= MAX_STATES {
                    return Err(TooComplex);
                }
                slot.insert(states.len());
                queue.push_back(states.len());
                states.push((n, i, c));
            }
        }
    }
    let path = |mut i: usize| {
        let mut rev = Vec::new();
        while i != 0 {
            rev.push(states[i].2);
            i = states[i].1;
        }
        rev.into_iter().rev().collect::<String>()
    };
    Ok(Outcome {
        hit: hit.map(path),
        miss: miss.map(path),
    })
}

/// Every character the strings use, the two that shape keys (`/`, `.`), and one stand-in for all the
/// others. Letters come first so witnesses read like names.
fn alphabet(strings: &[&str]) -> Vec<char> {
    let mut used: BTreeSet<char> = strings.iter().flat_map(|s| s.chars()).collect();
    used.insert('/');
    used.insert('.');
    let other = ('a'..='z')
        .chain('0'..='9')
        .chain((0x4e00..0x9fff).filter_map(char::from_u32))
        .find(|c| !used.contains(c));
    let mut out: Vec<char> = other.into_iter().collect();
    out.extend(used);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(p: &str, s: &str, op: &str, os: Option<&str>) -> Amount {
        analyse(p, s, op, os, Need::Both)
            .map(|o| o.amount())
            .unwrap_or(Amount::None)
    }

    #[test]
    fn prefixes() {
        assert_eq!(amount("input/", "", "output/", None), Amount::None);
        assert_eq!(amount("input/", "", "input/resized/", None), Amount::All);
        assert_eq!(amount("input/", "", "input/", None), Amount::All);
        assert_eq!(amount("", "", "output/", None), Amount::All);
        assert_eq!(amount("out/in/", "", "out/", None), Amount::Some);
    }

    #[test]
    fn suffixes() {
        assert_eq!(amount("", ".jpg", "out/", Some(".webp")), Amount::None);
        assert_eq!(amount("", ".jpg", "out/", None), Amount::All);
        assert_eq!(amount("", "p", "out/", Some(".webp")), Amount::All);
        // The output ends with "_small.webp" only when the stem ends with "_small".
        assert_eq!(amount("", "zwebp", "", Some("webp")), Amount::Some);
    }

    #[test]
    fn short_keys_where_prefix_and_suffix_share_characters() {
        // "im.jpg" triggers (prefix "im", suffix "m.jpg") but its output "im/out/.jpg" does not.
        let o = analyse("im", "m.jpg", "im/out/", None, Need::Both);
        assert_eq!(o.as_ref().map(Outcome::amount), Ok(Amount::Some));
        assert_eq!(o.ok().and_then(|o| o.miss).as_deref(), Some(".jpg"));
    }

    #[test]
    fn witnesses_are_shortest() {
        let o = analyse("out/in/", "", "out/", None, Need::Both).ok();
        assert_eq!(o.and_then(|o| o.hit).as_deref(), Some("in/"));
    }

    #[test]
    fn alphabet_has_a_stand_in() {
        let a = alphabet(&["abc"]);
        assert_eq!(a[0], 'd');
        assert!(a.contains(&'/') && a.contains(&'.'));
    }
}
