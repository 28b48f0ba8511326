// Factory for the empty benchmark body defined in empty_body.cpp.
#pragma once

#include <memory>

#include "nnbench/core/benchmark.hpp"

std::unique_ptr<nnbench::Benchmark> make_empty_body();
