//! EventMatcher lookups with 10, 1 000 and 10 000 patterns: a mix of exact
//! types, parent types (scope semantics) and globs, over a universe shaped
//! like providers' catalogues (`svcN.resourceM.action`).
//!
//! `cargo bench -p hooksig --bench matcher`. Besides criterion's per-pass
//! figures it prints the time of 1 M lookups per size and the ratio of the
//! largest to the smallest (target: at most 2).

use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hooksig::EventMatcher;

const ACTIONS: &[&str] = &[
    "created",
    "updated",
    "deleted",
    "succeeded",
    "failed",
    "ready",
    "synced.successful",
    "synced.errored.repairable",
    "status.active",
    "verification.success",
];
const SIZES: [usize; 3] = [10, 1_000, 10_000];
const LOOKUPS: usize = 1_000_000;

/// A small deterministic generator, so every run benchmarks the same sets.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Types shaped like providers' catalogues: `svcN.resource-M.action`.
#[derive(Clone, Copy)]
struct Universe {
    services: usize,
    resources: usize,
}

impl Universe {
    /// The universe grows with the subscription, so that a lookup matches
    /// about as many patterns at every size (the output is part of the cost)
    /// and the ratio between sizes measures the lookup structure.
    fn for_patterns(patterns: usize) -> Universe {
        Universe {
            services: (patterns / 10).max(1),
            resources: (patterns / 100).max(30),
        }
    }

    fn event_type(self, rng: &mut Rng) -> String {
        format!("{}.{}", self.parent(rng), ACTIONS[rng.below(ACTIONS.len())])
    }

    fn service(self, rng: &mut Rng) -> String {
        format!("svc{}", rng.below(self.services))
    }

    fn parent(self, rng: &mut Rng) -> String {
        format!(
            "{}.resource-{}",
            self.service(rng),
            rng.below(self.resources)
        )
    }

    /// Half exact types, a quarter parent types, a quarter globs of four shapes.
    fn patterns(self, count: usize, rng: &mut Rng) -> Vec<String> {
        (0..count)
            .map(|i| match i % 8 {
                0..=3 => self.event_type(rng),
                4 => self.service(rng),
                5 => self.parent(rng),
                _ => match rng.below(4) {
                    0 => format!("{}.*", self.service(rng)),
                    1 => format!(
                        "{}.*.{}",
                        self.service(rng),
                        ACTIONS[rng.below(ACTIONS.len())]
                    ),
                    2 => format!(
                        "*.resource-{}.{}",
                        rng.below(self.resources),
                        ACTIONS[rng.below(ACTIONS.len())]
                    ),
                    _ => format!("{}*", self.parent(rng)),
                },
            })
            .collect()
    }
}

/// One subscription size: the matcher, and the types looked up: `spread`
/// is 1 024 different types (every lookup walks a different path, so the
/// larger structures miss the CPU caches), `hot` the 32 types a receiver
/// sees again and again.
struct Setup {
    patterns: usize,
    matcher: EventMatcher,
    spread: Vec<String>,
    hot: Vec<String>,
}

fn setups() -> Vec<Setup> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    SIZES
        .iter()
        .map(|&n| {
            let universe = Universe::for_patterns(n);
            let matcher = EventMatcher::new(&universe.patterns(n, &mut rng), true).expect("valid");
            let spread: Vec<String> = (0..1024).map(|_| universe.event_type(&mut rng)).collect();
            let hot = spread.iter().take(32).cloned().collect();
            Setup {
                patterns: n,
                matcher,
                spread,
                hot,
            }
        })
        .collect()
}

/// The three ways to ask: `matching_into` with a reused buffer (the lookup
/// itself), `matching` (plus the allocation of the answer), `matches` (stops
/// at the first matching pattern).
#[derive(Clone, Copy)]
enum Ask {
    MatchingInto,
    Matching,
    Matches,
}

const ASKS: [(Ask, &str); 3] = [
    (Ask::MatchingInto, "matching_into"),
    (Ask::Matching, "matching"),
    (Ask::Matches, "matches"),
];

/// Total matches over one pass of `types`, so nothing is optimised away.
fn run(
    m: &EventMatcher,
    ask: Ask,
    types: &[String],
    lookups: usize,
    buf: &mut Vec<usize>,
) -> usize {
    let mut hits = 0;
    for t in types.iter().cycle().take(lookups) {
        hits += match ask {
            Ask::MatchingInto => {
                m.matching_into(black_box(t), buf);
                buf.len()
            }
            Ask::Matching => m.matching(black_box(t)).len(),
            Ask::Matches => usize::from(m.matches(black_box(t))),
        };
    }
    hits
}

fn lookups(c: &mut Criterion) {
    let setups = setups();
    let mut group = c.benchmark_group("matcher");
    let mut buf = Vec::new();
    for setup in &setups {
        for (types_name, types) in [("spread", &setup.spread), ("hot", &setup.hot)] {
            group.throughput(Throughput::Elements(types.len() as u64));
            for (ask, ask_name) in ASKS {
                let id = BenchmarkId::new(format!("{ask_name}/{types_name}"), setup.patterns);
                group.bench_function(id, |b| {
                    b.iter(|| run(&setup.matcher, ask, types, types.len(), &mut buf))
                });
            }
        }
    }
    group.finish();

    println!("\n1 M lookups per cell, ns per lookup (matches per lookup):");
    println!(
        "{:>8}  {:>19}  {:>19}  {:>19}  {:>19}  {:>14}  {:>14}",
        "patterns",
        "matching_into spread",
        "matching_into hot",
        "matching spread",
        "matching hot",
        "matches spread",
        "matches hot"
    );
    let mut rows = Vec::new();
    for setup in &setups {
        let mut row = Vec::new();
        for (ask, _) in ASKS {
            for types in [&setup.spread, &setup.hot] {
                let start = Instant::now();
                let hits = run(&setup.matcher, ask, types, LOOKUPS, &mut buf);
                let ns = start.elapsed().as_secs_f64() * 1e9 / LOOKUPS as f64;
                row.push((ns, hits as f64 / LOOKUPS as f64));
            }
        }
        let cells: Vec<String> = row
            .iter()
            .map(|(ns, hits)| format!("{ns:>9.0} ({hits:>4.2})"))
            .collect();
        println!(
            "{:>8}  {}",
            setup.patterns,
            cells
                .iter()
                .map(|c| format!("{c:>19}"))
                .collect::<Vec<_>>()
                .join("  ")
        );
        rows.push(row);
    }
    if let (Some(small), Some(large)) = (rows.first(), rows.last()) {
        let ratios: Vec<String> = small
            .iter()
            .zip(large)
            .map(|(s, l)| format!("{:.2}", l.0 / s.0))
            .collect();
        println!(
            "ratio 10 000 / 10 patterns, same columns: {} (target <= 2)",
            ratios.join("  ")
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = lookups
}
criterion_main!(benches);
