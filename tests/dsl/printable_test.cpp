// Hostile source text in diagnostics: control characters, invalid UTF-8 and huge names are shown
// escaped and cut, the echoed line is a window around the caret, and the whole output of any
// input stays small.
#include <algorithm>

#include "dsl_test_util.hpp"
#include "nnbench/core/printable.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::network_text;

// True when `text` holds no byte a terminal would act on (only '\n' and '\t' below 0x20).
bool terminal_safe(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F;
  });
}

TEST(Printable, EscapesControlCharacters_WhenTextHoldsThem) {
  EXPECT_EQ(printable("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(printable("\t\r\x7f"), "\\x09\\x0d\\x7f");
  EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");               // C1 CSI
  EXPECT_EQ(printable("ab\xe2\x80\xae"), "ab\\xe2\\x80\\xae");  // right-to-left override
  EXPECT_EQ(printable("\xef\xbb\xbfx"), "\\xef\\xbb\\xbfx");    // byte order mark
}

TEST(Printable, KeepsValidUtf8AndEscapesEachBadByte_WhenTextIsMixed) {
  EXPECT_EQ(printable("caf\xc3\xa9 \xe4\xb8\xad"), "caf\xc3\xa9 \xe4\xb8\xad");
  EXPECT_EQ(printable("\xff"), "\\xff");
  EXPECT_EQ(printable("x\xc3"), "x\\xc3");                  // truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(printable("\xe4\xb8"
                      "a"),
            "\\xe4\\xb8"
            "a");                                        // the next byte starts again
  EXPECT_EQ(shown_char("\xe4\xb8\xad", 0).columns, 2u);  // wide
}

TEST(Printable, CutsWithLength_WhenTextIsLong) {
  EXPECT_EQ(printable(std::string(100, 'x')), std::string(kMaxQuotedChars, 'x') + "…");
  EXPECT_EQ(printable(std::string(kMaxQuotedChars, 'x')), std::string(kMaxQuotedChars, 'x'));
  EXPECT_EQ(quote_text("Dense"), "'Dense'");
  const std::string shown(kMaxQuotedChars, 'a');
  EXPECT_EQ(quote_text(std::string(5'000'000, 'a')), "'" + shown + "…' (5000000 bytes)");
}

TEST(Printable, EscapesQuotedValueAndEchoedLine_WhenSourceHoldsTerminalCommands) {
  const std::string errors = compile_errors(network_text("(4,)", "    Dense(2)", "\"\x1b[2J\""));
  EXPECT_NE(errors.find("unknown loss '\\x1b[2J'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("  loss: \"\\x1b[2J\"\n        ^~~~~~~~~\n"), std::string::npos) << errors;
  EXPECT_TRUE(terminal_safe(errors)) << errors;
}

TEST(Printable, KeepsCaretUnderTheError_WhenEscapesAndWideCharactersPrecedeIt) {
  EXPECT_EQ(compile_errors("/* \x1b \xe4\xb8\xad */ $"),
            "test.nn:1:13: error: unexpected character '$'\n"
            "/* \\x1b \xe4\xb8\xad */ $\n"
            "              ^\n");
}

TEST(Printable, EchoesAWindowAroundTheCaret_WhenTheLineIsLong) {
  const std::string line = std::string(1000, ' ') + "$" + std::string(1000, ' ') + "x";
  const std::string errors = compile_errors(line);
  const std::size_t first_break = errors.find('\n');
  const std::string echoed =
      errors.substr(first_break + 1, errors.find('\n', first_break + 1) - first_break - 1);
  const std::string marks = errors.substr(first_break + echoed.size() + 2);
  EXPECT_EQ(echoed, "…" + std::string(40, ' ') + "$" + std::string(79, ' ') + "…");
  EXPECT_EQ(marks.find('^'), echoed.find('$') - std::string("…").size() + 1);
  EXPECT_EQ(marks, std::string(41, ' ') + "^\n");
}

TEST(Printable, ShowsTheLineEnd_WhenTheCaretIsNearTheEndOfALongLine) {
  const std::string errors = compile_errors(std::string(500, ' ') + "$");
  EXPECT_EQ(errors, "test.nn:1:501: error: unexpected character '$'\n…" + std::string(119, ' ') +
                        "$\n" + std::string(120, ' ') + "^\n");
}

TEST(Printable, BoundsTheOutput_WhenANameIsFiveMegabytes) {
  const std::string name(5'000'000, 'Q');
  const std::string errors = compile_errors(network_text("(4,)", "    " + name + "(2)"));
  EXPECT_LT(errors.size(), 1000u) << errors.substr(0, 1000);
  EXPECT_NE(
      errors.find("unknown layer '" + std::string(kMaxQuotedChars, 'Q') + "…' (5000000 bytes)"),
      std::string::npos);
}

TEST(Printable, BoundsTheOutput_WhenEveryLineIsLongAndWrong) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += std::string(100'000, '\x01') + "\n";
  const std::string errors = compile_errors(text);
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 3 * Diagnostics::kMaxErrors + 1);
  EXPECT_LT(errors.size(), 25'000u);
  EXPECT_TRUE(terminal_safe(errors));
}

}  // namespace
}  // namespace nnbench::dsl
