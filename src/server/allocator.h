// glibc malloc tuned for a long-running server that parses large answers.
//
// By default glibc returns freed memory at the top of the heap to the kernel
// as soon as more than 128 KiB is free (M_TRIM_THRESHOLD), and serves blocks
// of 128 KiB and more with their own mmap (M_MMAP_THRESHOLD, adjusted upward
// as blocks are freed). A backend answer of tens of MB is parsed into many
// small blocks and freed at the end of the request, so the next request
// page-faults all of it back in: half of a 50,000-line Loki parse was system
// time (59 MB/s against 302 MB/s with the heap kept; bench/RESULTS.md, "Loki
// streams parse").
//
// tune_allocator_for_server() raises both thresholds so that freed memory
// stays in the process for the next request, up to kTrimThreshold of free
// memory at the top of each heap. The idle footprint is unchanged (nothing is
// allocated ahead); the price is that RSS stays near its peak after a large
// query. A user who sets glibc's own knobs (GLIBC_TUNABLES with
// glibc.malloc.*, MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_,
// MALLOC_TOP_PAD_) keeps them: nothing is changed then.
#pragma once

#include <cstddef>

namespace tinkr::server {

inline constexpr size_t kTrimThreshold = size_t{64} << 20;  // free memory kept at the top of a heap
inline constexpr size_t kMmapThreshold = size_t{32} << 20;  // glibc's maximum on 64-bit

// Returns false when the environment already tunes malloc (nothing changed).
bool tune_allocator_for_server();

}  // namespace tinkr::server
