// Text -> numbers and truth values: the one set of parsers behind every input a user types (axis
// values, benchmark options, run settings on the command line and in config files). Each reads
// the whole text (no blanks, no trailing characters); reals must be finite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnbench {

// "-3", "42". No '+', no blanks, no fraction or exponent.
std::optional<long long> parse_integer(std::string_view text);
// A non-negative integer that fits 64 bits ("18446744073709551615"); "-1" is rejected.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);
// "0.5", "1e-3", "-2"; not "inf", "nan" or "0x1p3".
std::optional<double> parse_real(std::string_view text);
// true/false, on/off, yes/no, 1/0 (ASCII, case-insensitive).
std::optional<bool> parse_bool(std::string_view text);

// The shortest text that reads back as `value` ("0.001" for 1e-3, "2" for 2.0): the one spelling
// a real axis value or option is recorded with.
std::string format_real(double value);

}  // namespace nnbench
