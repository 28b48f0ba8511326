// Comparing two runs: per variant and metric the medians, their ratio, a Mann-Whitney U test on
// the raw samples, and a verdict. `nnbench compare BASE NEW` exits non-zero when
// has_significant_regression() is true, so CI can gate on it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/report/result_reader.hpp"

namespace nnbench::report {

struct CompareOptions {
  std::string metric = "latency_ms";  // "*" compares every metric both sides report
  double threshold = 0.05;            // relative change of the median that counts (5%)
  double alpha = 0.05;                // significance level of the Mann-Whitney U test
};

// Throws InputError naming the option when threshold is outside [0, 1], alpha outside (0, 1) or
// metric empty.
void validate(const CompareOptions& options);
// "0.05" or "5%" -> 0.05. A bare number above 1 ("5") is refused with the percentage it would be,
// rather than read as 500%.
double parse_threshold(const std::string& text);

enum class Verdict {
  Faster,   // better by more than the threshold, and significant (for higher_is_better metrics,
            // "faster" means higher)
  Slower,   // worse by more than the threshold, and significant: a regression
  Same,     // within the threshold, or not significant, or not testable (see note)
  Missing,  // the variant or metric is absent, or did not complete, on one side
};
std::string to_string(Verdict verdict);

struct CompareRow {
  std::string benchmark, variant, metric, unit;
  bool higher_is_better = false;
  std::optional<double> base_median, new_median;  // statistics median, else the metric's value
  std::optional<double> ratio;                    // new / base
  std::optional<double> p_value;                  // two-sided Mann-Whitney U on raw samples
  std::size_t base_samples = 0, new_samples = 0;
  Verdict verdict = Verdict::Same;
  std::string note;  // why a row is missing or untested; empty otherwise
};

struct Comparison {
  CompareOptions options;
  std::string base_run_id, new_run_id;
  std::vector<CompareRow> rows;  // base order; variants only in the candidate last
};

// Matches variants by benchmark name and variant name. Throws InputError on invalid options, when
// the runs have no variant in common, or when no result of either run reports the metric.
Comparison compare_runs(const LoadedRun& base, const LoadedRun& candidate,
                        const CompareOptions& options = {});

// The verdict for one metric's figures (the rule compare_runs applies): Faster / Slower when
// |ratio - 1| > threshold and p < alpha, direction judged by higher_is_better; Same otherwise.
Verdict judge(std::optional<double> ratio, std::optional<double> p_value, bool higher_is_better,
              const CompareOptions& options);

// True when any row is Slower: a significant regression.
bool has_significant_regression(const Comparison& comparison);

}  // namespace nnbench::report
