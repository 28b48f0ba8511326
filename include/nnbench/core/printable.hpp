// Text from outside (a model file, a benchmark's names and reasons, paths) made safe to print on a
// terminal and short enough to read. Such text may hold any bytes: an ESC starts a terminal
// command, an invalid UTF-8 byte garbles the line, a megabyte-long name floods the screen. Every
// piece of source text a diagnostic quotes goes through quote_text(), its echoed source line is
// drawn with shown_char(), and the terminal tables of a run show their cells through printable().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nnbench {

// The most characters of source text one message quotes.
inline constexpr std::size_t kMaxQuotedChars = 64;

// One character of text as a terminal shows it.
struct ShownChar {
  std::size_t bytes = 1;    // bytes of the source it stands for (>= 1)
  std::string shown;        // the text printed for it
  std::size_t columns = 1;  // terminal columns `shown` takes (2 for East Asian wide characters)
};

// The character starting at byte `offset` of `text` (offset < text.size()). A printable UTF-8
// character is shown as itself; a control character (C0, DEL, C1), a bidirectional mark,
// override or isolate, a zero-width or separator character, the byte order mark, and every byte
// of an invalid UTF-8 sequence are shown as "\xHH" per byte, so nothing can move the cursor,
// recolour or reorder the terminal's text, or hide in it.
ShownChar shown_char(std::string_view text, std::size_t offset);

// `text` with every character shown as shown_char() does, cut after `max_chars` characters with
// "…" when longer.
std::string printable(std::string_view text, std::size_t max_chars = kMaxQuotedChars);

// 'text' for a message: printable(text) in single quotes, followed by " (N bytes)" when it was
// cut, so the reader still learns how long it was.
std::string quote_text(std::string_view text);

}  // namespace nnbench
