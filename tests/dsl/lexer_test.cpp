// Lexer: token kinds, comments, numbers, strings, and its error reports.
#include "nnbench/dsl/lexer.hpp"

#include <gtest/gtest.h>

namespace nnbench::dsl {
namespace {

std::vector<Token> lex_text(const std::string& text, Diagnostics& d) {
  return lex(SourceFile("t.nn", text), d);
}

TEST(Lexer, SplitsPunctuationNamesAndNumbers_WhenMixed) {
  Diagnostics d;
  const auto tokens = lex_text("Conv2D(32, (3,3)) @ \"cuda:0\" * 2 -1e-3 .5", d);
  ASSERT_FALSE(d.has_errors());
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  const std::vector<TokenKind> expected = {
      TokenKind::kIdentifier, TokenKind::kLParen,  TokenKind::kInteger, TokenKind::kComma,
      TokenKind::kLParen,     TokenKind::kInteger, TokenKind::kComma,   TokenKind::kInteger,
      TokenKind::kRParen,     TokenKind::kRParen,  TokenKind::kAt,      TokenKind::kString,
      TokenKind::kStar,       TokenKind::kInteger, TokenKind::kMinus,   TokenKind::kFloat,
      TokenKind::kFloat,      TokenKind::kEnd};
  EXPECT_EQ(kinds, expected);
  EXPECT_EQ(tokens[11].text, "cuda:0");
  EXPECT_EQ(tokens[15].text, "1e-3");
}

TEST(Lexer, SkipsAllThreeCommentStyles_WhenPresent) {
  Diagnostics d;
  const auto tokens = lex_text("a # one\nb // two\n/* three\n lines */ c", d);
  ASSERT_FALSE(d.has_errors());
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2].text, "c");
  EXPECT_EQ(tokens[2].range.begin.line, 4);
  EXPECT_EQ(tokens[2].range.begin.column, 11);
}

TEST(Lexer, ResolvesEscapes_WhenStringHasThem) {
  Diagnostics d;
  const auto tokens = lex_text(R"('it\'s' "a\"b")", d);
  ASSERT_FALSE(d.has_errors());
  EXPECT_EQ(tokens[0].text, "it's");
  EXPECT_EQ(tokens[1].text, "a\"b");
}

TEST(Lexer, ReportsAndContinues_WhenInputIsMalformed) {
  Diagnostics d;
  const auto tokens = lex_text("a $ b \"open\nc 12abc /* never closed", d);
  ASSERT_EQ(d.list().size(), 4u);
  EXPECT_EQ(d.list()[0].message, "unexpected character '$'");
  EXPECT_EQ(d.list()[1].message, "unterminated string: missing closing \"");
  EXPECT_EQ(d.list()[2].message, "malformed number '12abc'");
  EXPECT_EQ(d.list()[3].message, "unterminated comment: '/*' has no '*/'");
  ASSERT_EQ(tokens.size(), 4u);  // a b c end
  EXPECT_EQ(tokens.back().kind, TokenKind::kEnd);
}

TEST(Lexer, StopsCollecting_WhenErrorsExceedTheCap) {
  Diagnostics d;
  lex_text(std::string(1000, '$'), d);
  EXPECT_EQ(d.list().size(), Diagnostics::kMaxErrors);
  EXPECT_NE(d.render(SourceFile("t.nn", "")).find("too many errors"), std::string::npos);
}

}  // namespace
}  // namespace nnbench::dsl
