//! EventMatcher lookups with 10, 1 000 and 10 000 patterns: a mix of exact
//! types, parent types (scope semantics) and globs, over a universe shaped
//! like providers' catalogues (`svcN.resource-M.action`).
//!
//! Fairness: the work a lookup does includes reporting its matches, so every
//! looked-up type matches exactly [`MATCHES`] patterns at every size. The
//! patterns are drawn as before (half exact types, a quarter parent types, a
//! quarter globs of four shapes, over a universe that grows with the
//! subscription); the looked-up types are then drawn from the same universe
//! and kept only when they match exactly [`MATCHES`] patterns. The kinds of
//! the patterns those lookups hit are printed per size.
//!
//! `cargo bench -p hooksig --bench matcher`. Besides criterion's per-pass
//! figures it prints the time of 1 M lookups per cell (median of [`ROUNDS`]
//! rounds that visit the sizes in turn, so load on a shared machine falls
//! on every size alike) and the ratio of the largest size to the smallest
//! (target: at most 2). The headline is `matching_into` (no allocation).

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
/// How many patterns every looked-up type matches.
const MATCHES: usize = 2;
const ROUNDS: usize = 5;

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
            let patterns = universe.patterns(n, &mut rng);
            let matcher = EventMatcher::new(&patterns, true).expect("valid");
            // Exact, parent and glob hits among the chosen lookups.
            let mut kinds = [0usize; 3];
            let mut spread = Vec::with_capacity(1024);
            for _ in 0..10_000_000 {
                if spread.len() == 1024 {
                    break;
                }
                let t = universe.event_type(&mut rng);
                let hits = matcher.matching(&t);
                if hits.len() != MATCHES {
                    continue;
                }
                for &i in &hits {
                    let p = &patterns[i];
                    kinds[if p.contains('*') {
                        2
                    } else if *p == t {
                        0
                    } else {
                        1
                    }] += 1;
                }
                spread.push(t);
            }
            assert_eq!(spread.len(), 1024, "too few types match {MATCHES} patterns");
            let total = (kinds.iter().sum::<usize>()).max(1) as f64;
            println!(
                "{n:>6} patterns: lookups hit {:.0}% exact, {:.0}% parent, {:.0}% glob patterns",
                100.0 * kinds[0] as f64 / total,
                100.0 * kinds[1] as f64 / total,
                100.0 * kinds[2] as f64 / total,
            );
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

    println!(
        "\n1 M lookups per cell (median of {ROUNDS} interleaved rounds), ns per lookup \
         (matches per lookup):"
    );
    println!(
        "{:>8}  {:>19}  {:>19}  {:>19}  {:>19}  {:>19}  {:>19}",
        "patterns",
        "matching_into spread",
        "matching_into hot",
        "matching spread",
        "matching hot",
        "matches spread",
        "matches hot"
    );
    // cells[size][column] = (ns per lookup of each round, matches per lookup)
    let mut cells = vec![vec![(Vec::new(), 0.0); ASKS.len() * 2]; setups.len()];
    for _ in 0..ROUNDS {
        for (a, (ask, _)) in ASKS.iter().enumerate() {
            for w in 0..2 {
                for (setup, row) in setups.iter().zip(&mut cells) {
                    let types = if w == 0 { &setup.spread } else { &setup.hot };
                    let start = Instant::now();
                    let hits = run(&setup.matcher, *ask, types, LOOKUPS, &mut buf);
                    let ns = start.elapsed().as_secs_f64() * 1e9 / LOOKUPS as f64;
                    let cell = &mut row[a * 2 + w];
                    cell.0.push(ns);
                    cell.1 = hits as f64 / LOOKUPS as f64;
                }
            }
        }
    }
    let medians: Vec<Vec<(f64, f64)>> = cells
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(mut ns, hits)| {
                    ns.sort_by(f64::total_cmp);
                    (ns[ns.len() / 2], hits)
                })
                .collect()
        })
        .collect();
    for (setup, row) in setups.iter().zip(&medians) {
        let cells: Vec<String> = row
            .iter()
            .map(|(ns, hits)| format!("{:>19}", format!("{ns:.0} ({hits:.2})")))
            .collect();
        println!("{:>8}  {}", setup.patterns, cells.join("  "));
    }
    if let (Some(small), Some(large)) = (medians.first(), medians.last()) {
        let ratios: Vec<String> = small
            .iter()
            .zip(large)
            .map(|(s, l)| format!("{:>19}", format!("{:.2}", l.0 / s.0)))
            .collect();
        println!("{:>8}  {}", "10k/10", ratios.join("  "));
        println!(
            "headline, matching_into 10 000 / 10 patterns: spread {:.2}, hot {:.2} (target <= 2)",
            large[0].0 / small[0].0,
            large[1].0 / small[1].0
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
