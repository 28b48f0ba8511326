// UTF-8 validation and escaping (see utf8.hpp).
#include "nnbench/core/utf8.hpp"

#include <fmt/format.h>

namespace nnbench {

std::size_t utf8_sequence(std::string_view text, std::size_t offset, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(offset);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  // The lead byte's high bits give the length; its low bits start the code point.
  const std::size_t length = (lead & 0xE0) == 0xC0   ? 2
                             : (lead & 0xF0) == 0xE0 ? 3
                             : (lead & 0xF8) == 0xF0 ? 4
                                                     : 0;
  if (length == 0) return 0;
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};  // shortest form, by length
  code_point = lead & (0x7F >> length);
  if (offset + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(offset + i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(offset + i) & 0x3F);
  }
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  return code_point >= kSmallest[length] && code_point <= 0x10FFFF && !surrogate ? length : 0;
}

bool is_valid_utf8(std::string_view text) {
  char32_t code_point = 0;
  for (std::size_t offset = 0; offset < text.size();) {
    const std::size_t length = utf8_sequence(text, offset, code_point);
    if (length == 0) return false;
    offset += length;
  }
  return true;
}

std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char32_t code_point = 0;
  for (std::size_t offset = 0; offset < text.size();) {
    const std::size_t length = utf8_sequence(text, offset, code_point);
    if (length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[offset]));
      ++offset;
    } else {
      out.append(text.substr(offset, length));
      offset += length;
    }
  }
  return out;
}

}  // namespace nnbench
