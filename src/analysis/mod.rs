//! Analyses of a model: each runs on the model's snapshot and returns a plain result.

#[cfg(test)]
mod heap;
pub(crate) mod paths;
pub(crate) mod projection;
pub(crate) mod reach;
pub(crate) mod returns;
pub(crate) mod trust;

/// `a()` and `b()`, `b` on a thread of its own when `parallel` and there is a second
/// core: whoever runs them, the results are the same.
pub(crate) fn join<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if parallel && std::thread::available_parallelism().map_or(1, usize::from) > 1 {
        std::thread::scope(|scope| {
            let other = scope.spawn(b);
            let first = a();
            (
                first,
                other.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        })
    } else {
        (a(), b())
    }
}

/// `f` of every item, spread over the available cores, in the items' order. Each
/// thread takes the next item not yet taken, so that uneven costs even out; the
/// results do not depend on how the work was split.
pub(crate) fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}
