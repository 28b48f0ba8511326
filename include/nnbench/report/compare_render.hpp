// Prints a Comparison: a Markdown table (for PR comments, CI summaries) or a plain aligned table
// (for a terminal), each followed by a one-line tally of the verdicts.
#pragma once

#include <string>

#include "nnbench/report/compare.hpp"

namespace nnbench::report {

// "2 faster, 1 slower, 5 same, 0 missing (threshold 5%, alpha 0.05)"
std::string comparison_tally(const Comparison& comparison);
std::string render_comparison_markdown(const Comparison& comparison);
std::string render_comparison_terminal(const Comparison& comparison);

}  // namespace nnbench::report
