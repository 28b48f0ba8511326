// IDX reader (see idx_reader.hpp). zlib's gz* functions read plain and gzip files alike, so one
// code path serves both; the header is parsed first so that the payload is read straight into a
// buffer of the announced size, and a truncated or overlong file is reported with exact counts.
#include "nnbench/engine/data/idx_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

// Largest payload accepted (4 GiB): far above any MNIST-format set, low enough that a corrupt
// header cannot make us allocate the machine away.
constexpr std::int64_t kMaxPayloadBytes = std::int64_t{1} << 32;
// zlib's gzread takes an unsigned int length; read in chunks well below that.
constexpr std::size_t kReadChunkBytes = std::size_t{1} << 24;
constexpr std::size_t kInitialBufferBytes = std::size_t{1} << 26;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw InputError(fmt::format("{}: {}", path.string(), what));
}

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// zlib's own error text, without the "<path>: " prefix it adds (fail() adds the path once).
std::string zlib_message(gzFile file, const std::filesystem::path& path, int& errnum) {
  std::string message = gzerror(file, &errnum);
  const std::string prefix = path.string() + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

// Reads up to `size` bytes, fewer only at the end of the data. A zlib error (corrupt or cut-off
// gzip stream, read error) is thrown with zlib's own words.
std::size_t read_some(gzFile file, const std::filesystem::path& path, std::uint8_t* out,
                      std::size_t size) {
  std::size_t total = 0;
  while (total < size) {
    const auto chunk = static_cast<unsigned>(std::min(size - total, kReadChunkBytes));
    const int got = gzread(file, out + total, chunk);
    if (got < 0) {
      int errnum = Z_OK;
      const std::string message = zlib_message(file, path, errnum);
      if (errnum == Z_ERRNO) fail(path, fmt::format("read error: {}", std::strerror(errno)));
      fail(path, fmt::format("corrupt gzip stream: {}", message));
    }
    if (got == 0) break;
    total += static_cast<std::size_t>(got);
  }
  // zlib reports a gzip stream that stops mid-way not through gzread's result but as a pending
  // Z_BUF_ERROR once the data runs out.
  if (total < size) {
    int errnum = Z_OK;
    const std::string message = zlib_message(file, path, errnum);
    if (errnum == Z_BUF_ERROR) {
      fail(path,
           fmt::format("corrupt gzip stream: {} (the compressed file is cut short)", message));
    }
    if (errnum != Z_OK) fail(path, fmt::format("corrupt gzip stream: {}", message));
  }
  return total;
}

// Counts and discards what follows the payload.
std::int64_t count_trailing_bytes(gzFile file, const std::filesystem::path& path) {
  std::array<std::uint8_t, 1 << 16> scratch{};
  std::int64_t extra = 0;
  while (true) {
    const std::size_t got = read_some(file, path, scratch.data(), scratch.size());
    extra += static_cast<std::int64_t>(got);
    if (got < scratch.size()) return extra;
  }
}

std::uint32_t big_endian_u32(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// "60000 images of 28x28", "60000 labels", "2x3x4x5 values".
std::string describe_dims(const std::vector<std::int64_t>& dims) {
  if (dims.size() == 3) return fmt::format("{} images of {}x{}", dims[0], dims[1], dims[2]);
  if (dims.size() == 1) return fmt::format("{} labels", dims[0]);
  return fmt::format("{} values", fmt::join(dims, "x"));
}

std::string rank_meaning(int rank) {
  if (rank == 3) return "images: count x rows x cols";
  if (rank == 1) return "labels: count";
  return fmt::format("{} dimensions", rank);
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& path, int expected_rank) {
  if (expected_rank < 1 || expected_rank > 255) {
    throw InputError(fmt::format("read_idx: expected rank {} is not in 1..255", expected_rank));
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) fail(path, "no such file");
  if (std::filesystem::is_directory(status)) fail(path, "is a directory, not an IDX file");
  if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(path, ec) == 0) {
    fail(path, "the file is empty");
  }
  errno = 0;
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) {
    fail(path, fmt::format("cannot open: {}", errno != 0 ? std::strerror(errno) : "out of memory"));
  }
  gzbuffer(file.get(), 1U << 20);

  const std::uint32_t expected_magic = 0x00000800U | static_cast<std::uint32_t>(expected_rank);
  std::array<std::uint8_t, 4> magic_bytes{};
  const std::size_t magic_got = read_some(file.get(), path, magic_bytes.data(), magic_bytes.size());
  if (path.extension() == ".gz" && gzdirect(file.get()) != 0) {
    fail(path, "not a gzip stream although the name ends in .gz (bad gzip header)");
  }
  if (magic_got < magic_bytes.size()) {
    fail(path,
         fmt::format("truncated: {} bytes, too short for the 4-byte IDX magic number", magic_got));
  }
  const std::uint32_t magic = big_endian_u32(magic_bytes.data());
  if ((magic & 0xFFFFFF00U) != 0x00000800U) {
    fail(path, fmt::format("bad magic number 0x{:08x}, expected 0x{:08x} ({}); not an IDX file "
                           "of unsigned bytes",
                           magic, expected_magic, rank_meaning(expected_rank)));
  }
  const int rank = static_cast<int>(magic & 0xFFU);
  if (rank != expected_rank) {
    fail(path, fmt::format("wrong dimension count: magic 0x{:08x} announces {} dimensions, "
                           "expected {} ({})",
                           magic, rank, expected_rank, rank_meaning(expected_rank)));
  }

  std::vector<std::uint8_t> size_bytes(static_cast<std::size_t>(rank) * 4);
  const std::size_t sizes_got = read_some(file.get(), path, size_bytes.data(), size_bytes.size());
  if (sizes_got < size_bytes.size()) {
    fail(path, fmt::format("truncated header: {} dimension sizes need {} bytes after the magic "
                           "number but the file holds {}",
                           rank, size_bytes.size(), sizes_got));
  }
  IdxArray result;
  result.path = path;
  std::int64_t payload_bytes = 1;
  for (int d = 0; d < rank; ++d) {
    const std::uint32_t size = big_endian_u32(size_bytes.data() + 4 * d);
    result.dims.push_back(size);
    if (size != 0 && payload_bytes > kMaxPayloadBytes / size) {
      fail(path, fmt::format("implausible header: dimension sizes {} exceed {} bytes",
                             fmt::join(result.dims, "x"), kMaxPayloadBytes));
    }
    payload_bytes *= size;
  }
  const std::int64_t header_bytes = 4 + 4 * std::int64_t{rank};

  // The buffer grows with the data actually read (doubling from 64 MiB), so a header that lies
  // about a huge size costs at most twice the real file, not the announced size.
  const auto wanted = static_cast<std::size_t>(payload_bytes);
  std::size_t filled = 0;
  while (filled < wanted) {
    const std::size_t step = std::min(wanted - filled, std::max(filled, kInitialBufferBytes));
    result.bytes.resize(filled + step);
    const std::size_t got_now = read_some(file.get(), path, result.bytes.data() + filled, step);
    filled += got_now;
    if (got_now < step) break;
  }
  const auto got = static_cast<std::int64_t>(filled);
  if (got < payload_bytes) {
    fail(path, fmt::format("truncated: header says {} ({} bytes) but the file holds {} bytes "
                           "after its {}-byte header",
                           describe_dims(result.dims), payload_bytes, got, header_bytes));
  }
  const std::int64_t extra = count_trailing_bytes(file.get(), path);
  if (extra > 0) {
    fail(path, fmt::format("trailing garbage: header says {} ({} bytes) but the file holds {} "
                           "bytes after its {}-byte header ({} extra)",
                           describe_dims(result.dims), payload_bytes, payload_bytes + extra,
                           header_bytes, extra));
  }
  const int close_status = gzclose_r(file.release());
  if (close_status != Z_OK) {
    fail(path, fmt::format("corrupt gzip stream: zlib error {} when closing", close_status));
  }
  return result;
}

IdxArray read_idx_images(const std::filesystem::path& path) {
  IdxArray images = read_idx(path, 3);
  if (images.dims[1] < 1 || images.dims[2] < 1) {
    fail(path, fmt::format("image size {}x{} is empty", images.dims[1], images.dims[2]));
  }
  return images;
}

IdxArray read_idx_labels(const std::filesystem::path& path, std::int64_t class_count) {
  if (class_count < 1 || class_count > 256) {
    throw InputError(fmt::format("read_idx_labels: class count {} is not in 1..256", class_count));
  }
  IdxArray labels = read_idx(path, 1);
  const auto bad = std::find_if(labels.bytes.begin(), labels.bytes.end(),
                                [class_count](std::uint8_t label) { return label >= class_count; });
  if (bad != labels.bytes.end()) {
    fail(path, fmt::format("label {} at index {} is out of range 0..{} (class count {})", int{*bad},
                           bad - labels.bytes.begin(), class_count - 1, class_count));
  }
  return labels;
}

void check_idx_pair(const IdxArray& images, const IdxArray& labels) {
  if (images.count() != labels.count()) {
    throw InputError(fmt::format("{} holds {} images but {} holds {} labels; the counts must agree",
                                 images.path.string(), images.count(), labels.path.string(),
                                 labels.count()));
  }
}

}  // namespace nnbench::engine
