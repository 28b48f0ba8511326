// The engine's torch-free face for the CLI: thread settings and the LibTorch part of the
// environment. (Headers that name torch types are for the engine, suites and benches only.)
#pragma once

#include <string>

#include "nnbench/core/environment.hpp"

namespace nnbench::engine {

// Sets LibTorch's intra-op threads (0 leaves LibTorch's default).
void set_threads(int intra_op_threads);

// "auto" -> "cuda" when LibTorch sees a CUDA GPU, else "cpu"; any other name unchanged.
std::string resolve_auto_device(const std::string& name);

// Adds the LibTorch version, whether CUDA is usable, thread counts and visible GPUs.
void add_torch_environment(Environment& environment);

}  // namespace nnbench::engine
