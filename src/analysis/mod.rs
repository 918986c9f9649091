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
    each_taken(true, items.iter().collect(), f)
}

/// `f` of every item, in the items' order: with `parallel` and more than one core,
/// the calling thread and one more per further core each take the next item not yet
/// taken (a core slowed by other work takes fewer); the results do not depend on who
/// took what.
pub(crate) fn each_taken<T: Send, R: Send>(
    parallel: bool,
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = if parallel {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(items.len())
    } else {
        1
    };
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let work = || {
        let mut done = Vec::new();
        loop {
            let next = queue
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .next();
            let Some((i, item)) = next else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn items_taken_in_turn_come_back_in_their_order() {
        // Uneven costs, so that the threads take the items out of order.
        let items: Vec<u64> = (0..200).map(|i| (i * 7919) % 50_000).collect();
        let slow = |x: u64| (0..x).fold(x, |acc, k| acc.wrapping_mul(31).wrapping_add(k));
        let expected: Vec<u64> = items.iter().map(|&x| slow(x)).collect();
        assert_eq!(super::each_taken(true, items.clone(), slow), expected);
        assert_eq!(super::each_taken(false, items.clone(), slow), expected);
        assert_eq!(super::in_parallel(&items, |&x| slow(x)), expected);
    }
}
