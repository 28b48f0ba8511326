// A model source file held in memory, and positions in it. Every token, AST node and diagnostic
// points into a SourceFile through these types.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nnbench::dsl {

// A position in a source file. line and column are 1-based; column counts bytes.
struct SourceLocation {
  int line = 1;
  int column = 1;
  std::size_t offset = 0;  // byte offset from the start of the file
};

// A half-open byte range [begin, end) in one file.
struct SourceRange {
  SourceLocation begin;
  SourceLocation end;
};

// The text of one file and the offsets where its lines start.
class SourceFile {
 public:
  // The largest model file read() accepts; real models are a few kilobytes.
  static constexpr std::size_t kMaxBytes = 16 * 1024 * 1024;

  // `text` without a leading UTF-8 byte order mark, so columns on line 1 are the editor's.
  SourceFile(std::string name, std::string text);

  // Reads a model file. Throws nnbench::InputError, without opening it, when `path` is a
  // directory, not a regular file (a FIFO, device or socket) or larger than kMaxBytes, and
  // nnbench::IoError when it cannot be opened or read. Never blocks on a FIFO.
  static SourceFile read(const std::string& path);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // The location of a byte offset (clamped to the end of the file).
  SourceLocation location(std::size_t offset) const;
  // Line `line` (1-based) without its line break; empty when out of range.
  std::string_view line_text(int line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace nnbench::dsl
