// Out of device memory as one line in a result row instead of a crash: the suites run their
// set-up and measured calls through guard_device_memory.
#pragma once

#include <c10/util/Exception.h>

#include <string>
#include <utility>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"

namespace nnbench::engine {

// Returns action(). A CUDA out-of-memory error becomes nnbench::Error("out of device memory
// <describe()> (<the allocator's message>)"): describe() runs first (it may also drop tensors the
// caller holds), then the caching allocator's unused blocks go back to the driver, so that the
// next variant starts from a clean pool. describe() runs only on that error: free on a hot path.
template <typename Action, typename Describe>
auto guard_device_memory(Action&& action, Describe&& describe) {
  try {
    return std::forward<Action>(action)();
  } catch (const c10::OutOfMemoryError& e) {
    const std::string what = std::forward<Describe>(describe)();
    release_cached_device_memory();
    throw Error("out of device memory " + what + " (" + e.what_without_backtrace() + ")");
  }
}

}  // namespace nnbench::engine
