//! A FIFO of reusable slots: the transmit queues and the delivery queue.
//!
//! Unlike a `VecDeque`, an element is never moved in or out: a producer
//! fills the next free slot in place ([`Ring::push_slot`]) and a consumer
//! reads the oldest one in place ([`Ring::front_mut`]) and then releases it
//! ([`Ring::pop`]). A slot keeps whatever buffers it owns, so a queue that
//! has reached its working size allocates nothing and copies no headers
//! around — the per-message cost of the stack's hot path is the message
//! copy itself. The ring grows (one slot at a time) only when more elements
//! are queued at once than ever before; callers bound that count.

use alloc::vec::Vec;

/// The slots are a power of two in number, so positions wrap with a mask.
#[derive(Debug, Default)]
pub(crate) struct Ring<T> {
    slots: Vec<T>,
    head: usize,
    len: usize,
}

impl<T: Default> Ring<T> {
    pub(crate) fn new() -> Self {
        Ring {
            slots: Vec::new(),
            head: 0,
            len: 0,
        }
    }

    /// Elements queued.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn wrap(&self, i: usize) -> usize {
        i & self.slots.len().wrapping_sub(1)
    }

    /// The slot after the newest element, now part of the queue; it holds
    /// whatever an earlier element left in it (the caller overwrites it).
    #[inline(always)]
    pub(crate) fn push_slot(&mut self) -> &mut T {
        if self.len == self.slots.len() {
            self.grow();
        }
        let i = self.wrap(self.head + self.len);
        self.len += 1;
        &mut self.slots[i]
    }

    /// Double the slots (full: the elements are in order from `head`,
    /// wrapping). The elements are rotated to start at 0, the new slots
    /// follow them.
    #[cold]
    fn grow(&mut self) {
        self.slots.rotate_left(self.head);
        self.head = 0;
        let n = self.slots.len().max(1) * 2;
        self.slots.resize_with(n, T::default);
    }

    /// The oldest element.
    #[inline]
    pub(crate) fn front(&self) -> Option<&T> {
        if self.len == 0 {
            return None;
        }
        self.slots.get(self.head)
    }

    /// The oldest element, mutably.
    #[inline]
    pub(crate) fn front_mut(&mut self) -> Option<&mut T> {
        if self.len == 0 {
            return None;
        }
        self.slots.get_mut(self.head)
    }

    /// Release the oldest element's slot (its contents stay for reuse).
    #[inline(always)]
    pub(crate) fn pop(&mut self) {
        if self.len > 0 {
            self.head = self.wrap(self.head + 1);
            self.len -= 1;
        }
    }

    /// Release every element, calling `f` on each, oldest first.
    pub(crate) fn clear_with(&mut self, mut f: impl FnMut(&mut T)) {
        while let Some(x) = self.front_mut() {
            f(x);
            self.pop();
        }
        self.head = 0;
    }

    /// The queued elements, oldest first.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len).filter_map(move |k| self.slots.get(self.wrap(self.head + k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_order_survives_growth_at_any_head() {
        let mut r: Ring<u32> = Ring::new();
        let mut want = alloc::collections::VecDeque::new();
        let mut next = 0u32;
        // A fixed pseudo-random schedule of pushes and pops.
        let mut x = 0x2545_F491u32;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if x % 3 != 0 || r.is_empty() {
                *r.push_slot() = next;
                want.push_back(next);
                next += 1;
            } else {
                assert_eq!(r.front().copied(), want.front().copied());
                r.pop();
                want.pop_front();
            }
            assert_eq!(r.len(), want.len());
            assert!(r.iter().copied().eq(want.iter().copied()));
        }
    }
}
