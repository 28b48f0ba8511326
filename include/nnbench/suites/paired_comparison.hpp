// Derived rows that compare two variants of one benchmark metric by metric (A vs B): both
// values, their difference and the difference in percent of B. Used for the language-vs-native
// comparison of the training suite; any benchmark can use it from derive_results().
#pragma once

#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::suites {

// For every metric in `metrics` that both results report: <metric>_<a_name>, <metric>_<b_name>,
// <metric>_diff (a - b, in the metric's unit) and <metric>_diff_pct (100 (a - b) / b; absent when
// b is 0). The variant is `variant`; labels are a's. Both results must be ok.
Result compare_pair(const Result& a, const Result& b, const std::string& a_name,
                    const std::string& b_name, const std::vector<std::string>& metrics,
                    Variant variant);

}  // namespace nnbench::suites
