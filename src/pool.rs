//! Work spread over a fixed number of threads (`--jobs`), results kept in input order: the
//! builds of a plan and the archives made from them both run this way, so that what they
//! record (manifest.json, the summary) does not depend on which thread finished first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` on every item of `items` on at most `workers` threads (at least one), taking
/// items in order as threads become free; returns the results in the order of `items`.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    // Every index below items.len() was taken by exactly one thread, which stored its result
    // before the scope ended.
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_on_any_number_of_workers() {
        let items: Vec<u64> = (0..50).collect();
        for workers in [0, 1, 3, 64] {
            let out = in_order(&items, workers, |n| {
                std::thread::sleep(std::time::Duration::from_micros(50 - n));
                n * 2
            });
            assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
        assert!(in_order(&[] as &[u8], 4, |_| 0).is_empty());
    }
}
