// Source text shown safely on a terminal: UTF-8 decoding, escapes, and the length cut.
#include "nnbench/core/printable.hpp"

#include "nnbench/core/utf8.hpp"

namespace nnbench {
namespace {

// Characters a terminal acts on instead of showing, or shows as nothing: C0 and C1 controls, DEL,
// the bidirectional marks, embeddings, overrides and isolates (which reorder the text around
// them), zero-width spaces and joiners, line and paragraph separators, the byte order mark.
bool is_hidden(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

// East Asian wide characters take two terminal columns (the common blocks; enough to keep a
// caret under the right character).
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

void append_escaped(std::string& out, std::string_view bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  for (const char b : bytes) {
    const auto byte = static_cast<unsigned char>(b);
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
}

// Appends printable(text, max_chars) to `out`; true when the text was cut.
bool append_printable(std::string& out, std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t offset = 0; offset < text.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      return true;
    }
    const ShownChar c = shown_char(text, offset);
    out += c.shown;
    offset += c.bytes;
  }
  return false;
}

}  // namespace

ShownChar shown_char(std::string_view text, std::size_t offset) {
  char32_t code_point = 0;
  const std::size_t length = utf8_sequence(text, offset, code_point);
  ShownChar c;
  if (length == 0) {
    // One bad byte only: the next may start a valid character.
    append_escaped(c.shown, text.substr(offset, 1));
    c.columns = c.shown.size();
    return c;
  }
  c.bytes = length;
  if (is_hidden(code_point)) {
    append_escaped(c.shown, text.substr(offset, length));
    c.columns = c.shown.size();
  } else {
    c.shown = std::string(text.substr(offset, length));
    c.columns = is_wide(code_point) ? 2 : 1;
  }
  return c;
}

std::string printable(std::string_view text, std::size_t max_chars) {
  std::string out;
  append_printable(out, text, max_chars);
  return out;
}

std::string quote_text(std::string_view text) {
  std::string out = "'";
  const bool cut = append_printable(out, text, kMaxQuotedChars);
  out += '\'';
  if (cut) out += " (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace nnbench
