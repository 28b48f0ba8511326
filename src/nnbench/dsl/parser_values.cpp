// Value and argument-list parsing (literals, tuples, lists, HPO search spaces).
#include <charconv>
#include <cstdlib>

#include "token_cursor.hpp"

namespace nnbench::dsl {

std::vector<ast::Argument> TokenCursor::parse_arguments() {
  std::vector<ast::Argument> args;
  while (!at(TokenKind::kRParen)) {
    ast::Argument arg;
    if (at(TokenKind::kIdentifier) && peek(1).kind == TokenKind::kEquals) {
      const Token& name = advance();
      arg.name = name.text;
      arg.name_range = name.range;
      advance();
    }
    arg.value = parse_value();
    if (arg.name.empty()) arg.name_range = arg.value.range;
    args.push_back(std::move(arg));
    if (!accept(TokenKind::kComma)) break;
  }
  expect(TokenKind::kRParen, "to close the argument list");
  return args;
}

ast::Value TokenCursor::parse_value() {
  DepthGuard guard(*this);
  const Token& first = peek();
  ast::Value v;
  v.range = first.range;
  switch (first.kind) {
    case TokenKind::kMinus: {
      advance();
      if (!at(TokenKind::kInteger) && !at(TokenKind::kFloat)) {
        fail(peek(), "expected a number after '-', found " + quote(peek()));
      }
      v = parse_number(advance(), true);
      v.range.begin = first.range.begin;
      return v;
    }
    case TokenKind::kInteger:
    case TokenKind::kFloat:
      return parse_number(advance(), false);
    case TokenKind::kString:
      v.kind = ast::ValueKind::kString;
      v.text = advance().text;
      return v;
    case TokenKind::kLParen:
    case TokenKind::kLBracket:
      return parse_sequence();
    case TokenKind::kIdentifier:
      return parse_name_value();
    default:
      fail(first, "expected a value, found " + quote(first));
  }
}

ast::Value TokenCursor::parse_number(const Token& t, bool negative) {
  ast::Value v;
  v.range = t.range;
  const std::string spelled = (negative ? "-" : "") + t.text;
  if (t.kind == TokenKind::kInteger) {
    v.kind = ast::ValueKind::kInt;
    const auto [ptr, ec] =
        std::from_chars(spelled.data(), spelled.data() + spelled.size(), v.int_value);
    if (ec != std::errc()) fail(t, "integer " + printable(spelled) + " is out of range");
  } else {
    v.kind = ast::ValueKind::kFloat;
    v.float_value = std::strtod(spelled.c_str(), nullptr);
    if (!(v.float_value - v.float_value == 0.0))
      fail(t, "number " + printable(spelled) + " is out of range");
  }
  return v;
}

ast::Value TokenCursor::parse_sequence() {
  const Token& open = advance();
  const bool tuple = open.kind == TokenKind::kLParen;
  const TokenKind close = tuple ? TokenKind::kRParen : TokenKind::kRBracket;
  ast::Value v;
  v.kind = tuple ? ast::ValueKind::kTuple : ast::ValueKind::kList;
  while (!at(close)) {
    v.items.push_back(parse_value());
    if (!accept(TokenKind::kComma)) break;
  }
  expect(close, tuple ? "to close the tuple" : "to close the list");
  v.range = span_from(open.range);
  return v;
}

ast::Value TokenCursor::parse_name_value() {
  const Token& name = advance();
  ast::Value v;
  v.range = name.range;
  if (name.text == "None") return v;
  if (name.text == "true" || name.text == "True" || name.text == "false" || name.text == "False") {
    v.kind = ast::ValueKind::kBool;
    v.bool_value = name.text[0] == 't' || name.text[0] == 'T';
    return v;
  }
  if (name.text == "HPO") return parse_hpo(name);
  if (name.text == "choice" || name.text == "range" || name.text == "log_range") {
    fail(name, "a search space is written HPO(" + name.text + "(...))");
  }
  if (at(TokenKind::kLParen)) fail(name, quote_text(name.text + "(...)") + " is not a value here");
  v.kind = ast::ValueKind::kName;
  v.text = name.text;
  return v;
}

ast::Value TokenCursor::parse_hpo(const Token& hpo) {
  expect(TokenKind::kLParen, "after 'HPO'");
  const Token& kind = expect(TokenKind::kIdentifier, "(choice, range or log_range) in HPO");
  ast::Value v;
  v.kind = ast::ValueKind::kHpo;
  if (kind.text == "choice") {
    v.hpo_kind = ast::HpoKind::kChoice;
  } else if (kind.text == "range") {
    v.hpo_kind = ast::HpoKind::kRange;
  } else if (kind.text == "log_range") {
    v.hpo_kind = ast::HpoKind::kLogRange;
  } else {
    fail(kind, with_suggestion("unknown search space " + quote_text(kind.text), kind.text,
                               {"choice", "range", "log_range"}));
  }
  expect(TokenKind::kLParen, "after " + quote_text(kind.text));
  const std::vector<ast::Argument> args = parse_arguments();
  expect(TokenKind::kRParen, "to close HPO(...)");
  v.range = span_from(hpo.range);
  for (const ast::Argument& a : args) {
    if (a.value.kind == ast::ValueKind::kHpo) fail(hpo, "HPO values cannot be nested");
    const bool step = v.hpo_kind == ast::HpoKind::kRange && a.name == "step";
    if (!a.name.empty() && !step) {
      diagnostics_.error(a.name_range,
                         "unknown argument " + quote_text(a.name) + " in " + kind.text + "(...)");
      throw ParseAbort{};
    }
    v.items.push_back(a.value);
  }
  return v;
}

}  // namespace nnbench::dsl
