//! One small sort for the whole crate. `slice::sort*` and `BTreeMap` put a
//! few KiB of code per element type into the WebAssembly build; the core's
//! sorts are short or rare (diagnose, building a matcher), so one merge sort
//! of indexes serves them all.

/// The indexes `0..len` in the order `less` gives their items; stable.
pub(crate) fn sorted_indexes(len: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < len {
        for (start, run) in merged.chunks_mut(2 * width).enumerate() {
            let start = start * 2 * width;
            let mid = (start + width).min(len);
            let end = start + run.len();
            let (mut left, mut right) = (start, mid);
            for slot in run {
                // Ties take the left run's item, which keeps the sort stable.
                let take_right = right < end
                    && (left >= mid
                        || less(
                            order.get(right).copied().unwrap_or_default(),
                            order.get(left).copied().unwrap_or_default(),
                        ));
                let from = if take_right { &mut right } else { &mut left };
                *slot = order.get(*from).copied().unwrap_or_default();
                *from += 1;
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_stably_like_the_standard_library(keys in proptest::collection::vec(0u8..8, 0..70)) {
            let ours = sorted_indexes(keys.len(), &|a, b| keys[a] < keys[b]);
            let mut theirs: Vec<usize> = (0..keys.len()).collect();
            theirs.sort_by_key(|&i| keys[i]);
            prop_assert_eq!(ours, theirs);
        }
    }
}
