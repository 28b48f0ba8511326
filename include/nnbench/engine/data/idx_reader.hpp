// Reader for the IDX file format of MNIST and Fashion-MNIST (unsigned-byte data only), plain or
// gzip-compressed. Every defect of a file (bad magic, wrong dimension count, truncated data,
// trailing bytes, corrupt gzip stream, labels out of range, image/label counts that disagree) is
// an InputError whose message names the file and what is wrong. Torch-free: the bytes land in a
// std::vector that mnist_dataset.hpp hands to a tensor without copying.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnbench::engine {

// IDX magic numbers: 0x0000 (two zero bytes), 0x08 (unsigned byte), then the dimension count.
inline constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;  // labels: count
inline constexpr std::uint32_t kIdxImagesMagic = 0x00000803;  // images: count x rows x cols

// The contents of one IDX file: its dimension sizes (first = sample count) and the payload,
// row-major, exactly product(dims) bytes. `path` is the file it was read from (for messages).
struct IdxArray {
  std::filesystem::path path;
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> bytes;

  std::int64_t count() const { return dims.empty() ? 0 : dims.front(); }
};

// Reads an unsigned-byte IDX file whose magic must announce `expected_rank` dimensions. The file
// may be plain or gzip-compressed (detected from its content; a name ending in ".gz" must hold a
// gzip stream). The payload must be exactly as long as the header says. Throws InputError for a
// missing/unreadable file or any defect listed above. Blocking file I/O; thread-safe (no shared
// state).
IdxArray read_idx(const std::filesystem::path& path, int expected_rank);

// read_idx for images: rank 3 (count x rows x cols), rows and cols >= 1.
IdxArray read_idx_images(const std::filesystem::path& path);

// read_idx for labels: rank 1, every label in 0..class_count-1.
IdxArray read_idx_labels(const std::filesystem::path& path, std::int64_t class_count);

// Throws InputError naming both files when their sample counts differ.
void check_idx_pair(const IdxArray& images, const IdxArray& labels);

}  // namespace nnbench::engine
