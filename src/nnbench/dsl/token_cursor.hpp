// Internal to the parser: a cursor over the token list with the uniform helpers (peek, expect,
// fail), the nesting-depth guard, and the parsing of values and argument lists, which layers,
// optimizers, settings and search spaces share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nnbench/core/printable.hpp"
#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/lexer.hpp"
#include "nnbench/dsl/parser.hpp"

namespace nnbench::dsl {

// Thrown after a syntax error has been reported; caught where the parser resynchronises.
struct ParseAbort {};

class TokenCursor {
 public:
  // `diagnostics` holds the lexer's errors at this point; syntax errors on their lines and the
  // line after are not reported, since they are echoes of the broken token.
  TokenCursor(const std::vector<Token>& tokens, Diagnostics& diagnostics)
      : tokens_(tokens), diagnostics_(diagnostics) {
    for (const Diagnostic& d : diagnostics.list()) lexer_error_lines_.push_back(d.range.begin.line);
  }

 protected:
  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool is_name(std::string_view text, std::size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::kIdentifier && peek(ahead).text == text;
  }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool accept(TokenKind kind) {
    if (!at(kind)) return false;
    advance();
    return true;
  }
  static std::string quote(const Token& t) {
    switch (t.kind) {
      case TokenKind::kIdentifier:
        return quote_text(t.text);
      case TokenKind::kInteger:
      case TokenKind::kFloat:
        return "number " + printable(t.text);
      case TokenKind::kString:
        return "a string";
      default:
        return describe(t.kind);
    }
  }
  [[noreturn]] void fail(const Token& at_token, std::string message) {
    const int line = at_token.range.begin.line;
    bool echo = false;
    for (int l : lexer_error_lines_) echo = echo || line == l || line == l + 1;
    if (!echo) diagnostics_.error(at_token.range, std::move(message));
    throw ParseAbort{};
  }
  const Token& expect(TokenKind kind, std::string_view context) {
    if (!at(kind)) {
      fail(peek(), std::string("expected ") + describe(kind) + " " + std::string(context) +
                       ", found " + quote(peek()));
    }
    return advance();
  }
  SourceRange span_from(const SourceRange& begin) const {
    const Token& last = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    return SourceRange{begin.begin, last.range.end};
  }

  // Guards recursion: blocks, tuples and HPO values nest through here.
  class DepthGuard {
   public:
    explicit DepthGuard(TokenCursor& p) : p_(p) {
      if (++p_.depth_ > kMaxNestingDepth) {
        --p_.depth_;
        p_.fail(p_.peek(),
                "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels");
      }
    }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    TokenCursor& p_;
  };

  // `name=value, value, ...` up to and including the closing ')'.
  std::vector<ast::Argument> parse_arguments();
  // A literal, tuple, list, bare name or HPO(...) search space.
  ast::Value parse_value();

  const std::vector<Token>& tokens_;
  Diagnostics& diagnostics_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<int> lexer_error_lines_;

 private:
  ast::Value parse_number(const Token& t, bool negative);
  ast::Value parse_sequence();
  ast::Value parse_name_value();
  ast::Value parse_hpo(const Token& hpo);
};

}  // namespace nnbench::dsl
