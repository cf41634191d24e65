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

fn lookups(c: &mut Criterion) {
    let setups = setups();
    let mut group = c.benchmark_group("matcher");
    for setup in &setups {
        for (name, types) in [("spread", &setup.spread), ("hot", &setup.hot)] {
            group.throughput(Throughput::Elements(types.len() as u64));
            let m = &setup.matcher;
            group.bench_function(
                BenchmarkId::new(format!("matching/{name}"), setup.patterns),
                |b| {
                    b.iter(|| {
                        types
                            .iter()
                            .map(|t| m.matching(black_box(t)).len())
                            .sum::<usize>()
                    })
                },
            );
            group.bench_function(
                BenchmarkId::new(format!("matches/{name}"), setup.patterns),
                |b| b.iter(|| types.iter().filter(|t| m.matches(black_box(t))).count()),
            );
        }
    }
    group.finish();

    println!("\n1M lookups per size (ns per lookup; matches per lookup in brackets):");
    println!(
        "{:>8}  {:>18}  {:>18}  {:>10}  {:>10}",
        "patterns", "matching spread", "matching hot", "matches spread", "matches hot"
    );
    let mut rows = Vec::new();
    for setup in &setups {
        let m = &setup.matcher;
        let time = |types: &[String], all: bool| {
            let start = Instant::now();
            let mut hits = 0usize;
            for t in types.iter().cycle().take(LOOKUPS) {
                hits += if all {
                    m.matching(black_box(t)).len()
                } else {
                    usize::from(m.matches(black_box(t)))
                };
            }
            (
                start.elapsed().as_secs_f64() * 1e9 / LOOKUPS as f64,
                hits as f64 / LOOKUPS as f64,
            )
        };
        let row = [
            time(&setup.spread, true),
            time(&setup.hot, true),
            time(&setup.spread, false),
            time(&setup.hot, false),
        ];
        println!(
            "{:>8}  {:>9.0} ({:>4.2})  {:>9.0} ({:>4.2})  {:>14.0}  {:>11.0}",
            setup.patterns, row[0].0, row[0].1, row[1].0, row[1].1, row[2].0, row[3].0
        );
        rows.push(row);
    }
    if let (Some(small), Some(large)) = (rows.first(), rows.last()) {
        println!(
            "ratio 10 000 / 10 patterns: matching spread {:.2}, hot {:.2}; matches spread {:.2}, hot {:.2} (target <= 2)",
            large[0].0 / small[0].0,
            large[1].0 / small[1].0,
            large[2].0 / small[2].0,
            large[3].0 / small[3].0
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
