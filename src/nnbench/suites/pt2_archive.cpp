// Zip entry names of a .pt2 archive (see pt2_archive.hpp).
#include "nnbench/suites/pt2_archive.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {
namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::size_t kEndRecordSize = 22;
constexpr std::size_t kEntryHeaderSize = 46;

std::uint32_t little_endian(const std::string& bytes, std::size_t at, int width) {
  std::uint32_t value = 0;
  for (int i = width - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

std::string read_range(std::ifstream& in, std::uint64_t offset, std::size_t size) {
  std::string bytes(size, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size) bytes.resize(0);
  return bytes;
}

}  // namespace

std::vector<std::string> zip_entry_names(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {}", file.string()));
  in.seekg(0, std::ios::end);
  const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
  const auto not_zip = [&](const char* why) {
    return InputError(fmt::format("{} is not a .pt2 archive (a zip file): {}", file.string(), why));
  };
  // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
  const std::uint64_t tail_size = std::min<std::uint64_t>(size, kEndRecordSize + 0xFFFF);
  const std::string tail = read_range(in, size - tail_size, static_cast<std::size_t>(tail_size));
  if (tail.size() < kEndRecordSize) throw not_zip("too short");
  std::size_t end = std::string::npos;
  for (std::size_t at = tail.size() - kEndRecordSize + 1; at-- > 0;) {
    if (little_endian(tail, at, 4) == kEndOfDirectory) {
      end = at;
      break;
    }
  }
  if (end == std::string::npos) throw not_zip("no end-of-central-directory record");
  const std::uint32_t entries = little_endian(tail, end + 10, 2);
  const std::uint32_t directory_size = little_endian(tail, end + 12, 4);
  const std::uint32_t directory_offset = little_endian(tail, end + 16, 4);
  if (directory_offset == 0xFFFFFFFF || entries == 0xFFFF) {
    // Zip64: the archive is over 4 GiB or has over 65535 entries; its record says where.
    throw not_zip("a zip64 archive (over 4 GiB): export a smaller model or give its .py file");
  }
  if (static_cast<std::uint64_t>(directory_offset) + directory_size > size) {
    throw not_zip("its central directory lies outside the file");
  }
  const std::string directory = read_range(in, directory_offset, directory_size);
  std::vector<std::string> names;
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < entries; ++i) {
    if (at + kEntryHeaderSize > directory.size() ||
        little_endian(directory, at, 4) != kDirectoryEntry) {
      throw not_zip("a malformed central directory");
    }
    const std::size_t name_size = little_endian(directory, at + 28, 2);
    const std::size_t extra_size = little_endian(directory, at + 30, 2);
    const std::size_t comment_size = little_endian(directory, at + 32, 2);
    if (at + kEntryHeaderSize + name_size > directory.size()) {
      throw not_zip("a malformed central directory");
    }
    names.push_back(directory.substr(at + kEntryHeaderSize, name_size));
    at += kEntryHeaderSize + name_size + extra_size + comment_size;
  }
  return names;
}

}  // namespace nnbench::suites
