// The lexer: source text -> tokens, with comments and whitespace dropped.
#include "nnbench/dsl/lexer.hpp"

#include <cctype>

#include "nnbench/core/printable.hpp"

namespace nnbench::dsl {

const char* describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdentifier:
      return "a name";
    case TokenKind::kInteger:
      return "an integer";
    case TokenKind::kFloat:
      return "a number";
    case TokenKind::kString:
      return "a string";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kEquals:
      return "'='";
    case TokenKind::kAt:
      return "'@'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kEnd:
      return "end of file";
  }
  return "a token";
}

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

class Lexer {
 public:
  Lexer(const SourceFile& file, Diagnostics& diagnostics)
      : file_(file), text_(file.text()), diagnostics_(diagnostics) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      skip_space_and_comments();
      if (pos_ >= text_.size()) break;
      lex_one(tokens);
    }
    tokens.push_back(Token{TokenKind::kEnd, "", range(text_.size(), text_.size())});
    return tokens;
  }

 private:
  SourceRange range(std::size_t begin, std::size_t end) const {
    return SourceRange{file_.location(begin), file_.location(end)};
  }

  void skip_space_and_comments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const std::size_t start = pos_;
        const std::size_t close = text_.find("*/", pos_ + 2);
        if (close == std::string::npos) {
          diagnostics_.error(range(start, start + 2), "unterminated comment: '/*' has no '*/'");
          pos_ = text_.size();
        } else {
          pos_ = close + 2;
        }
      } else {
        return;
      }
    }
  }

  char peek(std::size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  void lex_one(std::vector<Token>& tokens) {
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (is_ident_start(c)) {
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      tokens.push_back(
          Token{TokenKind::kIdentifier, text_.substr(start, pos_ - start), range(start, pos_)});
      return;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
      lex_number(tokens);
      return;
    }
    if (c == '"' || c == '\'') {
      lex_string(tokens);
      return;
    }
    TokenKind kind;
    switch (c) {
      case '(':
        kind = TokenKind::kLParen;
        break;
      case ')':
        kind = TokenKind::kRParen;
        break;
      case '{':
        kind = TokenKind::kLBrace;
        break;
      case '}':
        kind = TokenKind::kRBrace;
        break;
      case '[':
        kind = TokenKind::kLBracket;
        break;
      case ']':
        kind = TokenKind::kRBracket;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case ':':
        kind = TokenKind::kColon;
        break;
      case '=':
        kind = TokenKind::kEquals;
        break;
      case '@':
        kind = TokenKind::kAt;
        break;
      case '*':
        kind = TokenKind::kStar;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      default: {
        // Skip a whole UTF-8 sequence so the message names one character, not its bytes.
        std::size_t end = pos_ + 1;
        while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) {
          ++end;
        }
        diagnostics_.error(range(start, end),
                           "unexpected character " + quote_text(text_.substr(start, end - start)));
        pos_ = end;
        return;
      }
    }
    ++pos_;
    tokens.push_back(Token{kind, std::string(1, c), range(start, pos_)});
  }

  void lex_number(std::vector<Token>& tokens) {
    const std::size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t exp = pos_ + 1;
      if (exp < text_.size() && (text_[exp] == '+' || text_[exp] == '-')) ++exp;
      if (exp < text_.size() && is_digit(text_[exp])) {
        is_float = true;
        pos_ = exp;
        while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      }
    }
    if (pos_ < text_.size() && is_ident_start(text_[pos_])) {
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      diagnostics_.error(range(start, pos_),
                         "malformed number " + quote_text(text_.substr(start, pos_ - start)));
      return;
    }
    tokens.push_back(Token{is_float ? TokenKind::kFloat : TokenKind::kInteger,
                           text_.substr(start, pos_ - start), range(start, pos_)});
  }

  void lex_string(std::vector<Token>& tokens) {
    const std::size_t start = pos_;
    const char quote = text_[pos_++];
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\n') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') {
        const char escaped = text_[pos_ + 1];
        value += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
        pos_ += 2;
      } else {
        value += text_[pos_++];
      }
    }
    if (pos_ >= text_.size() || text_[pos_] != quote) {
      diagnostics_.error(range(start, pos_),
                         "unterminated string: missing closing " + std::string(1, quote));
      return;
    }
    ++pos_;
    tokens.push_back(Token{TokenKind::kString, std::move(value), range(start, pos_)});
  }

  const SourceFile& file_;
  const std::string& text_;
  Diagnostics& diagnostics_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> lex(const SourceFile& file, Diagnostics& diagnostics) {
  return Lexer(file, diagnostics).run();
}

}  // namespace nnbench::dsl
