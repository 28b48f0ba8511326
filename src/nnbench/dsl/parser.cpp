// The recursive-descent parser. A syntax error throws ParseAbort inside one construct; the loop
// that owns the construct (file, section, layer) catches it, skips to a safe point and goes on.
#include "nnbench/dsl/parser.hpp"

#include <array>
#include <charconv>
#include <string_view>

#include "token_cursor.hpp"

namespace nnbench::dsl {
namespace {

constexpr std::array<std::string_view, 7> kSections = {"input",   "layers", "loss",   "optimizer",
                                                       "metrics", "train",  "execute"};
constexpr std::int64_t kMaxRepeat = 1000;

class Parser : public TokenCursor {
 public:
  using TokenCursor::TokenCursor;

  ast::File parse_file() {
    ast::File file;
    while (!at(TokenKind::kEnd) && !diagnostics_.full()) {
      try {
        const Token& keyword = peek();
        if (is_name("network")) {
          file.networks.push_back(parse_network());
        } else if (is_name("define")) {
          file.macros.push_back(parse_macro());
        } else {
          fail(keyword, "expected 'network' or 'define' at the top level, found " + quote(keyword));
        }
      } catch (const ParseAbort&) {
        // Skip to the next top-level declaration.
        advance();
        while (!at(TokenKind::kEnd) && !(is_name("network") || is_name("define"))) advance();
      }
    }
    return file;
  }

 private:
  bool at_section_start() const {
    if (peek().kind != TokenKind::kIdentifier) return false;
    bool is_section = false;
    for (std::string_view s : kSections) is_section = is_section || peek().text == s;
    // A layer is never followed by ':', so `name:` starts a section, even a misspelled one.
    const TokenKind next = peek(1).kind;
    return next == TokenKind::kColon || (is_section && next == TokenKind::kLBrace);
  }

  // Skips the rest of a broken layer: up to the next name on a later line, or a closing '}',
  // with brackets balanced.
  void skip_item(int error_line) {
    int nesting = 0;
    while (!at(TokenKind::kEnd)) {
      const Token& t = peek();
      if (nesting == 0 && t.kind == TokenKind::kRBrace) return;
      if (nesting == 0 && t.kind == TokenKind::kIdentifier && t.range.begin.line > error_line) {
        return;
      }
      if (t.kind == TokenKind::kLParen || t.kind == TokenKind::kLBrace ||
          t.kind == TokenKind::kLBracket) {
        ++nesting;
      } else if (t.kind == TokenKind::kRParen || t.kind == TokenKind::kRBrace ||
                 t.kind == TokenKind::kRBracket) {
        nesting = nesting > 0 ? nesting - 1 : 0;
      }
      advance();
    }
  }

  // Skips a broken section: up to the next section keyword or the network's closing '}'.
  void skip_section() {
    int nesting = 0;
    while (!at(TokenKind::kEnd)) {
      if (nesting == 0 && (at(TokenKind::kRBrace) || at_section_start())) return;
      if (at(TokenKind::kLParen) || at(TokenKind::kLBrace) || at(TokenKind::kLBracket)) ++nesting;
      if (at(TokenKind::kRParen) || at(TokenKind::kRBrace) || at(TokenKind::kRBracket)) {
        nesting = nesting > 0 ? nesting - 1 : 0;
      }
      advance();
    }
  }

  // ----- declarations -----
  ast::Network parse_network() {
    ast::Network net;
    const Token& keyword = advance();
    const Token& name = expect(TokenKind::kIdentifier, "after 'network' (the network's name)");
    net.name = name.text;
    net.name_range = name.range;
    expect(TokenKind::kLBrace, "to open the network body");
    while (!at(TokenKind::kRBrace) && !at(TokenKind::kEnd) && !diagnostics_.full()) {
      const std::size_t start = pos_;
      try {
        parse_section(net);
      } catch (const ParseAbort&) {
        if (pos_ == start) advance();  // always make progress
        skip_section();
      }
    }
    expect(TokenKind::kRBrace, "to close network " + quote_text(net.name));
    net.range = span_from(keyword.range);
    return net;
  }

  ast::Macro parse_macro() {
    ast::Macro macro;
    advance();
    const Token& name = expect(TokenKind::kIdentifier, "after 'define' (the block's name)");
    macro.name = name.text;
    macro.name_range = name.range;
    expect(TokenKind::kLBrace, "to open the definition of " + quote_text(macro.name));
    macro.body = parse_items_until_brace();
    expect(TokenKind::kRBrace, "to close the definition of " + quote_text(macro.name));
    return macro;
  }

  void duplicate_check(bool present, const Token& keyword) {
    if (present) fail(keyword, "section " + quote_text(keyword.text) + " is given twice");
  }

  void parse_section(ast::Network& net) {
    const Token& keyword = peek();
    if (keyword.kind != TokenKind::kIdentifier) {
      fail(keyword,
           "expected a section name (input, layers, loss, optimizer, metrics, train, "
           "execute), found " +
               quote(keyword));
    }
    const std::string& k = keyword.text;
    if (k == "train" || k == "execute") {
      advance();
      auto& settings = k == "train" ? net.train : net.execute;
      auto& range = k == "train" ? net.train_range : net.execute_range;
      duplicate_check(range.end.offset != 0, keyword);
      range = keyword.range;
      accept(TokenKind::kColon);
      settings = parse_settings(k);
      return;
    }
    std::vector<std::string_view> names(kSections.begin(), kSections.end());
    bool known = false;
    for (std::string_view s : kSections) known = known || k == s;
    if (!known) fail(keyword, with_suggestion("unknown section " + quote_text(k), k, names));
    advance();
    expect(TokenKind::kColon, "after " + quote_text(k));
    if (k == "input") {
      duplicate_check(net.input.has_value(), keyword);
      net.input_range = keyword.range;
      net.input = parse_value();
    } else if (k == "layers") {
      duplicate_check(net.has_layers, keyword);
      net.has_layers = true;
      net.layers_range = keyword.range;
      net.layers = parse_items_until_section();
    } else if (k == "loss") {
      duplicate_check(net.loss.has_value(), keyword);
      net.loss = parse_value();
    } else if (k == "optimizer") {
      duplicate_check(net.optimizer.has_value(), keyword);
      net.optimizer = parse_optimizer();
    } else {
      duplicate_check(net.metrics.has_value(), keyword);
      net.metrics = parse_value();
    }
  }

  ast::Item parse_optimizer() {
    ast::Item item;
    if (at(TokenKind::kString)) {
      const Token& t = advance();
      item.name = t.text;
      item.name_range = item.range = t.range;
      return item;
    }
    const Token& name = expect(TokenKind::kIdentifier, "(an optimizer such as Adam(...))");
    item.name = name.text;
    item.name_range = name.range;
    if (accept(TokenKind::kLParen)) {
      item.has_parens = true;
      item.args = parse_arguments();
    }
    item.range = span_from(name.range);
    return item;
  }

  std::vector<ast::Setting> parse_settings(const std::string& section) {
    expect(TokenKind::kLBrace, "to open " + quote_text(section));
    std::vector<ast::Setting> settings;
    while (!at(TokenKind::kRBrace)) {
      const Token& key =
          expect(TokenKind::kIdentifier, "(a setting name) in " + quote_text(section));
      expect(TokenKind::kColon, "after " + quote_text(key.text));
      settings.push_back(ast::Setting{key.text, key.range, parse_value()});
      accept(TokenKind::kComma);
    }
    advance();
    return settings;
  }

  // ----- layers -----
  std::vector<ast::Item> parse_items_until_section() {
    std::vector<ast::Item> items;
    while (!at(TokenKind::kRBrace) && !at(TokenKind::kEnd) && !at_section_start() &&
           !diagnostics_.full()) {
      parse_item_recovering(items);
    }
    return items;
  }

  std::vector<ast::Item> parse_items_until_brace() {
    std::vector<ast::Item> items;
    while (!at(TokenKind::kRBrace) && !at(TokenKind::kEnd) && !diagnostics_.full()) {
      parse_item_recovering(items);
    }
    return items;
  }

  void parse_item_recovering(std::vector<ast::Item>& items) {
    const int line = peek().range.begin.line;
    const std::size_t start = pos_;
    try {
      items.push_back(parse_item());
    } catch (const ParseAbort&) {
      if (pos_ == start) advance();  // always make progress
      skip_item(line);
    }
  }

  ast::Item parse_item() {
    DepthGuard guard(*this);
    ast::Item item;
    const Token& name = expect(TokenKind::kIdentifier, "(a layer name)");
    item.name = name.text;
    item.name_range = name.range;
    if (accept(TokenKind::kLParen)) {
      item.has_parens = true;
      item.args = parse_arguments();
    }
    if (accept(TokenKind::kLBrace)) {
      item.has_body = true;
      item.body = parse_items_until_brace();
      expect(TokenKind::kRBrace, "to close the block of " + quote_text(item.name));
    }
    for (int suffix = 0; suffix < 2; ++suffix) {
      if (accept(TokenKind::kAt)) {
        const Token& device = expect(TokenKind::kString, "after '@' (a device such as \"cuda:0\")");
        item.device = device.text;
        item.device_range = device.range;
      } else if (at(TokenKind::kStar)) {
        advance();
        const Token& count = expect(TokenKind::kInteger, "after '*' (a repetition count)");
        std::int64_t n = 0;
        const auto [ptr, ec] =
            std::from_chars(count.text.data(), count.text.data() + count.text.size(), n);
        if (ec != std::errc() || n < 1 || n > kMaxRepeat) {
          fail(count, "repetition count must be between 1 and " + std::to_string(kMaxRepeat));
        }
        item.repeat = n;
        item.repeat_range = count.range;
      }
    }
    item.range = span_from(name.range);
    return item;
  }
};

}  // namespace

ast::File parse(const std::vector<Token>& tokens, Diagnostics& diagnostics) {
  if (tokens.empty()) return {};
  return Parser(tokens, diagnostics).parse_file();
}

}  // namespace nnbench::dsl
