// dsl_vs_native's derived rows: the language's implementation of a seed model (variant
// implementation=dsl) against the hand-written one (implementation=native), trained alike in one
// framework, metric by metric (paired_comparison.hpp), with the seed's equivalence verdict.
#pragma once

#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::suites {

// The seed's tolerances: two implementations are equivalent when their test accuracies differ
// by less than this fraction and their test losses by less than this many nats.
inline constexpr double kEquivalentAccuracyDifference = 0.01;
inline constexpr double kEquivalentLossDifference = 0.1;

// True when `a` and `b` are the two sides of one comparison: the same model, repetition and
// backend (an absent backend axis counts as one value).
bool same_comparison_pair(const Variant& a, const Variant& b);

// For each ok dsl/native pair of `results`: one row, variant {model, repetition,
// implementation=dsl_vs_native[, backend]}, with <metric>_dsl, _native, _diff and _diff_pct of
// the epoch time, throughput, test accuracy and loss, memory, build time and parameter count,
// the metric `equivalent` (1 or 0) and the label `verdict` ("equivalent (|accuracy diff| 0.0020
// < 0.01, |loss diff| 0.0100 < 0.1)"). With several repetitions of a model and backend, one more
// row, repetition "all": epoch times pooled, accuracy and loss averaged.
std::vector<Result> implementation_comparison_rows(const std::vector<Result>& results);

}  // namespace nnbench::suites
