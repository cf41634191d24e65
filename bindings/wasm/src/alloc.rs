//! The global allocator of the wasm build: power-of-two size classes with a
//! free list each, carved from `memory.grow` pages.
//!
//! It replaces std's dlmalloc, whose code is about 2.8 KB of the gzipped
//! `.wasm` — 7 % of the light entry's 40 KB budget. What it gives up: blocks
//! are never split or merged, so a request is rounded up to a power of two
//! (at most 2x memory) and a freed block only serves its own size class
//! again. That suits this crate, whose allocations are a request's headers,
//! body copy and messages; and wasm memory never shrinks anyway.
//!
//! wasm32-unknown-unknown without the `atomics` feature has one thread, so
//! the state needs no lock.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

const PAGE: usize = 65_536;
/// The smallest block holds the free list's next pointer.
const MIN_CLASS: u32 = size_of::<usize>().trailing_zeros();

struct State {
    /// `free[k]`: the first free block of 2^k bytes (0: none); each free
    /// block's first word is the next one's address.
    free: [usize; usize::BITS as usize],
    /// Where the next new block may start, and the end of wasm memory.
    next: usize,
    end: usize,
}

pub struct SizeClasses(UnsafeCell<State>);

// SAFETY: the target has a single thread (see the module doc and the cfg in lib.rs).
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    pub const fn new() -> Self {
        SizeClasses(UnsafeCell::new(State {
            free: [0; usize::BITS as usize],
            next: 0,
            end: 0,
        }))
    }
}

/// The size class of `layout`: k such that 2^k >= size and align.
fn class_of(layout: Layout) -> Option<u32> {
    let size = layout.size().max(layout.align());
    Some(
        size.checked_next_power_of_two()?
            .trailing_zeros()
            .max(MIN_CLASS),
    )
}

impl State {
    /// A fresh block of 2^class bytes, aligned to its size (at most a page,
    /// which every `Layout` this crate meets stays far below).
    fn carve(&mut self, class: u32) -> Option<usize> {
        let size = 1usize << class;
        if self.end == 0 {
            // Everything below the current end is the stack and static data.
            self.end = core::arch::wasm32::memory_size(0).checked_mul(PAGE)?;
            self.next = self.end;
        }
        let align = size.min(PAGE);
        let start = self.next.checked_add(align - 1)? & !(align - 1);
        let stop = start.checked_add(size)?;
        if stop > self.end {
            let pages = (stop - self.end).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return None;
            }
            self.end = self.end.checked_add(pages * PAGE)?;
        }
        self.next = stop;
        Some(start)
    }
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > PAGE {
            return null_mut();
        }
        let Some(class) = class_of(layout) else {
            return null_mut();
        };
        // SAFETY: one thread, and no allocator call re-enters another.
        let state = unsafe { &mut *self.0.get() };
        let head = state.free[class as usize];
        if head != 0 {
            // SAFETY: `head` is a free block of this class, whose first word
            // `dealloc` set to the next free block.
            state.free[class as usize] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        state
            .carve(class)
            .map_or(null_mut(), |start| start as *mut u8)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // `alloc` succeeded with this layout, so it has a class.
        let Some(class) = class_of(layout) else {
            return;
        };
        // SAFETY: as in `alloc`; the block is at least a word and word-aligned.
        let state = unsafe { &mut *self.0.get() };
        unsafe { *(ptr as *mut usize) = state.free[class as usize] };
        state.free[class as usize] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        // A vector growing within its power of two keeps its block.
        if class_of(new_layout) == class_of(layout) {
            return ptr;
        }
        // SAFETY: the caller's contract for `realloc` covers `alloc`'s.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least the smaller of the two sizes.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}
