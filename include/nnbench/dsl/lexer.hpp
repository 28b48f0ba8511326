// Tokens of the model language and the lexer that produces them.
#pragma once

#include <string>
#include <vector>

#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/source.hpp"

namespace nnbench::dsl {

enum class TokenKind {
  kIdentifier,  // names and keywords alike (network, define, Dense, relu, None, true)
  kInteger,
  kFloat,
  kString,  // text holds the value without quotes, escapes resolved
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kComma,
  kColon,
  kEquals,
  kAt,
  kStar,
  kMinus,
  kEnd,  // end of file; always the last token
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier or string value; number spelling as written
  SourceRange range;
};

// How a token kind is named in diagnostics: "identifier", "number", "'('", "end of file".
const char* describe(TokenKind kind);

// Entry point of the lexer: splits `file` into tokens, skipping whitespace and comments
// (`# ...`, `// ...`, `/* ... */`). Malformed input (an unterminated string or comment, a stray
// character) is reported to `diagnostics` and skipped, so lexing always completes. The result
// always ends with one kEnd token.
std::vector<Token> lex(const SourceFile& file, Diagnostics& diagnostics);

}  // namespace nnbench::dsl
