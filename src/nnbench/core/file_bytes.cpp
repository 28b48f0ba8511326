// Whole-file reads (see file_bytes.hpp).
#include "nnbench/core/file_bytes.hpp"

#include <fstream>
#include <sstream>

namespace nnbench {

std::optional<std::string> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace nnbench
