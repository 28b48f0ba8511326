// RunConfig flattening (for result files and the config hash) and glob matching.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/runner.hpp"

namespace nnbench {

std::map<std::string, std::string> RunConfig::flatten() const {
  std::map<std::string, std::string> flat;
  flat["include"] = fmt::format("{}", fmt::join(include, ","));
  flat["exclude"] = fmt::format("{}", fmt::join(exclude, ","));
  for (const auto& [axis, values] : axes)
    flat["axis." + axis] = fmt::format("{}", fmt::join(values, ","));
  flat["enable_mock"] = enable_mock ? "true" : "false";
  flat["quick"] = quick ? "true" : "false";
  flat["device"] = device;
  flat["seed"] = std::to_string(seed);
  flat["output_dir"] = output_dir;
  for (const auto& [key, value] : options) flat["option." + key] = value;
  const MeasurementConfig& m = measurement;
  flat["warmup_iterations"] = std::to_string(m.warmup_iterations);
  flat["sampling_mode"] = to_string(m.mode);
  flat["iterations"] = std::to_string(m.iterations);
  flat["iterations_per_sample"] = std::to_string(m.iterations_per_sample);
  flat["min_sample_time_ms"] = fmt::format("{}", m.min_sample_time_ms);
  flat["target_rse"] = fmt::format("{}", m.target_rse);
  flat["min_samples"] = std::to_string(m.min_samples);
  flat["max_samples"] = std::to_string(m.max_samples);
  flat["time_budget_s"] = fmt::format("{}", m.time_budget_s);
  flat["timeout_s"] = fmt::format("{}", m.timeout_s);
  return flat;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative matcher with backtracking to the last '*': linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace nnbench
