// SourceFile: file reading and offset -> line/column mapping.
#include "nnbench/dsl/source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "nnbench/core/error.hpp"

namespace nnbench::dsl {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceFile SourceFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open model file '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("cannot read model file '" + path + "'");
  return SourceFile(path, buffer.str());
}

SourceLocation SourceFile::location(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line_index = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
  SourceLocation loc;
  loc.line = static_cast<int>(line_index + 1);
  loc.column = static_cast<int>(offset - line_starts_[line_index] + 1);
  loc.offset = offset;
  return loc;
}

std::string_view SourceFile::line_text(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[static_cast<std::size_t>(line) - 1];
  std::size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

}  // namespace nnbench::dsl
