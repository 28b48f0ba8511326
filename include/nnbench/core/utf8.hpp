// UTF-8 checks for text that comes from outside (command lines, paths, environment): result files
// are JSON, which must be valid UTF-8, and a byte that is not must not cost the run.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nnbench {

// The length (1 to 4) of the valid UTF-8 sequence at `offset` (< text.size()) and its code
// point, or 0 when the bytes there are not one: a stray continuation byte, a truncated or
// overlong sequence, a surrogate, anything above U+10FFFF.
std::size_t utf8_sequence(std::string_view text, std::size_t offset, char32_t& code_point);

bool is_valid_utf8(std::string_view text);

// The text with every byte that is not part of a valid UTF-8 sequence written as `\xhh` (as
// Python's backslashreplace does); valid text comes back unchanged.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace nnbench
