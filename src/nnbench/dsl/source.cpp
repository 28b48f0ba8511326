// SourceFile: file reading (regular files only, bounded in size) and offset -> line/column
// mapping.
#include "nnbench/dsl/source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "nnbench/core/error.hpp"
#include "nnbench/core/printable.hpp"

namespace nnbench::dsl {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string shown_path(const std::string& path) {
  return "'" + printable(path, std::string::npos) + "'";
}

// 16777216 -> "16 MiB", 17301504 -> "16.5 MiB".
std::string mib(std::uint64_t bytes) {
  const std::uint64_t tenths = bytes * 10 / (1024 * 1024);
  const std::string fraction = tenths % 10 == 0 ? "" : "." + std::to_string(tenths % 10);
  return std::to_string(tenths / 10) + fraction + " MiB";
}

// Only a regular file of bounded size is a model: a FIFO or a terminal would block the read
// forever, a device such as /dev/zero never ends, a directory reads as nothing.
void check_model_file(const std::string& path, const struct stat& status) {
  if (S_ISDIR(status.st_mode)) {
    throw InputError(shown_path(path) + " is a directory, not a model file");
  }
  if (!S_ISREG(status.st_mode)) {
    throw InputError(shown_path(path) +
                     " is not a regular file (a FIFO, device or socket); give a model file");
  }
  if (static_cast<std::uint64_t>(status.st_size) > SourceFile::kMaxBytes) {
    throw InputError("model file " + shown_path(path) + " is " + mib(status.st_size) + " (" +
                     std::to_string(status.st_size) + " bytes), over the " +
                     mib(SourceFile::kMaxBytes) + " limit for a model file");
  }
}

[[noreturn]] void throw_io(const std::string& what, const std::string& path) {
  throw IoError("cannot " + what + " model file " + shown_path(path) + ": " + std::strerror(errno));
}

// Closes the descriptor on every way out of read().
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  // Editors on Windows may start a UTF-8 file with a byte order mark; it is not text, and
  // dropping it keeps line 1's columns what the editor shows.
  if (text_.starts_with(kUtf8Bom)) text_.erase(0, kUtf8Bom.size());
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceFile SourceFile::read(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) throw_io("open", path);
  check_model_file(path, status);
  // O_NONBLOCK: should the path have become a FIFO since stat(), opening it must not wait for a
  // writer; fstat() below then refuses it.
  const FileDescriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) throw_io("open", path);
  if (::fstat(file.fd, &status) != 0) throw_io("read", path);
  check_model_file(path, status);
  // Read at most one byte past the limit, however much the file has grown since fstat().
  std::string text(static_cast<std::size_t>(status.st_size) + 1, '\0');
  std::size_t size = 0;
  while (size <= kMaxBytes) {
    if (size == text.size()) text.resize(std::min<std::size_t>(2 * size, kMaxBytes + 1));
    const ssize_t got = ::read(file.fd, text.data() + size, text.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw_io("read", path);
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  if (size > kMaxBytes) {
    throw InputError("model file " + shown_path(path) + " grew past the " + mib(kMaxBytes) +
                     " limit for a model file while it was read");
  }
  text.resize(size);
  return SourceFile(path, std::move(text));
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
