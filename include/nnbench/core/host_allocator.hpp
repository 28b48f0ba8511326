// The host heap's placement policy, fixed for a whole run.
//
// glibc's malloc serves a large block with its own mmap (page-aligned) until the first such block
// is freed, and then raises its threshold to that block's size (up to 32 MiB), so whether a
// tensor of a few hundred KiB is page-aligned depends on what the process allocated and freed
// before. Page-aligned tensors that are streamed together (a parameter, its gradient and Adam's
// two moments) share their low 12 address bits and stall on 4K aliasing: measured on simple_mlp's
// 784x128 weight, 8-15% per training step (docs/benchmarks.md, issue 4). Fixing the thresholds
// at glibc's own maxima from the start makes the placement depend on sizes, not on history.
#pragma once

#include <string>
#include <vector>

namespace nnbench {

// Sets glibc's mmap threshold to 32 MiB and its trim threshold to 64 MiB, unless the user set
// either through MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES (theirs win).
// Returns what is in force, for the environment record, e.g.
// "glibc malloc: mmap threshold 32 MiB, trim threshold 64 MiB (fixed by nnbench)".
// Outside glibc: does nothing and says so.
std::string fix_host_allocator_thresholds();

// The same policy for a child process (a framework's worker), as glibc reads it from the
// environment: {"MALLOC_MMAP_THRESHOLD_=33554432", "MALLOC_TRIM_THRESHOLD_=67108864"}; empty
// where the user set the thresholds (the child inherits theirs) or outside glibc.
std::vector<std::string> host_allocator_environment();

}  // namespace nnbench
