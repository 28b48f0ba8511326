// "Did you mean" suggestions for unknown names (benchmarks, axes, options).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnbench {

// Levenshtein distance, ASCII case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if it is close enough to be a likely typo (distance at most
// max(2, len/3)); nullopt otherwise.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace nnbench
