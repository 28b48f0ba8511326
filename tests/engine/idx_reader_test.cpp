// IDX reader and MNIST-format directory loading: small files written here (plain and gzipped)
// read back exactly, every kind of corruption rejected with a message naming file and defect, and
// the real Fashion-MNIST when the Debian package is installed.
#include "nnbench/engine/data/idx_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "expect_input_error.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/engine/data/data_loader.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void append_u32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

Bytes idx_file(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const Bytes& payload) {
  Bytes out;
  append_u32(out, magic);
  for (std::uint32_t dim : dims) append_u32(out, dim);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// Deterministic, poorly compressible bytes, so a gzip of them has a real deflate body.
Bytes pattern(std::size_t size, std::uint32_t modulo = 256) {
  Bytes out(size);
  std::uint32_t state = 12345;
  for (auto& byte : out) {
    state = state * 1103515245U + 12345U;
    byte = static_cast<std::uint8_t>((state >> 16) % modulo);
  }
  return out;
}

void write_plain(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

void write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

Bytes read_raw(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

using testing::expect_input_error;

class IdxFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nnbench-idx-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A complete MNIST-format directory: images rows x cols, labels i % 10.
  void write_set(std::uint32_t train_n, std::uint32_t test_n, std::uint32_t rows = 4,
                 std::uint32_t cols = 3) {
    auto labels = [](std::uint32_t n) {
      Bytes out(n);
      for (std::uint32_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i % 10);
      return out;
    };
    write_gz(dir_ / "train-images-idx3-ubyte.gz",
             idx_file(kIdxImagesMagic, {train_n, rows, cols}, pattern(train_n * rows * cols)));
    write_plain(dir_ / "train-labels-idx1-ubyte",
                idx_file(kIdxLabelsMagic, {train_n}, labels(train_n)));
    write_plain(dir_ / "t10k-images-idx3-ubyte",
                idx_file(kIdxImagesMagic, {test_n, rows, cols}, pattern(test_n * rows * cols)));
    write_gz(dir_ / "t10k-labels-idx1-ubyte.gz",
             idx_file(kIdxLabelsMagic, {test_n}, labels(test_n)));
  }

  fs::path dir_;
};

TEST_F(IdxFiles, ReadIdxImages_ReadsDimsAndBytesExactly_WhenFileIsPlain) {
  const Bytes pixels = pattern(3 * 4 * 5);
  write_plain(dir_ / "images", idx_file(kIdxImagesMagic, {3, 4, 5}, pixels));
  const IdxArray images = read_idx_images(dir_ / "images");
  EXPECT_EQ(images.dims, (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(images.count(), 3);
  EXPECT_EQ(images.bytes, pixels);
  EXPECT_EQ(images.path, dir_ / "images");
}

TEST_F(IdxFiles, ReadIdx_ReadsBothKindsExactly_WhenFilesAreGzipped) {
  const Bytes pixels = pattern(50 * 28 * 28);
  const Bytes labels = pattern(50, 10);
  write_gz(dir_ / "images.gz", idx_file(kIdxImagesMagic, {50, 28, 28}, pixels));
  write_gz(dir_ / "labels.gz", idx_file(kIdxLabelsMagic, {50}, labels));
  const IdxArray images = read_idx_images(dir_ / "images.gz");
  const IdxArray read_labels = read_idx_labels(dir_ / "labels.gz", 10);
  EXPECT_EQ(images.dims, (std::vector<std::int64_t>{50, 28, 28}));
  EXPECT_EQ(images.bytes, pixels);
  EXPECT_EQ(read_labels.dims, (std::vector<std::int64_t>{50}));
  EXPECT_EQ(read_labels.bytes, labels);
  EXPECT_NO_THROW(check_idx_pair(images, read_labels));
}

TEST_F(IdxFiles, ReadIdx_AcceptsZeroSamples_WhenHeaderSaysZero) {
  write_plain(dir_ / "labels", idx_file(kIdxLabelsMagic, {0}, {}));
  EXPECT_EQ(read_idx_labels(dir_ / "labels", 10).count(), 0);
}

TEST_F(IdxFiles, ReadIdx_ThrowsBadMagic_WhenMagicIsNotIdx) {
  write_plain(dir_ / "images", idx_file(0x12345678, {1, 2, 2}, pattern(4)));
  const fs::path path = dir_ / "images";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string() + ": bad magic number 0x12345678, expected 0x00000803"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsWrongDimensionCount_WhenLabelsAreReadAsImages) {
  write_plain(dir_ / "labels", idx_file(kIdxLabelsMagic, {4}, pattern(4, 10)));
  const fs::path path = dir_ / "labels";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string(),
                      "wrong dimension count: magic 0x00000801 announces 1 "
                      "dimensions, expected 3"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTruncated_WhenPayloadIsShort) {
  write_plain(dir_ / "images", idx_file(kIdxImagesMagic, {3, 2, 2}, pattern(10)));
  const fs::path path = dir_ / "images";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string() + ": truncated: header says 3 images of 2x2 (12 bytes) but "
                                      "the file holds 10 bytes after its 16-byte header"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTruncated_WhenGzippedPayloadIsShort) {
  write_gz(dir_ / "labels.gz", idx_file(kIdxLabelsMagic, {60000}, pattern(1234, 10)));
  const fs::path path = dir_ / "labels.gz";
  expect_input_error([&] { read_idx_labels(path, 10); },
                     {path.string() + ": truncated: header says 60000 labels (60000 bytes) but "
                                      "the file holds 1234 bytes after its 8-byte header"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTruncatedWithoutAllocatingClaimedSize_WhenHeaderIsHuge) {
  write_plain(dir_ / "images", idx_file(kIdxImagesMagic, {4000, 1000, 1000}, pattern(12)));
  expect_input_error([&] { read_idx_images(dir_ / "images"); },
                     {"truncated: header says 4000 images of 1000x1000 (4000000000 bytes) but the "
                      "file holds 12 bytes"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsImplausibleHeader_WhenSizesExceedFourGiB) {
  write_plain(dir_ / "images", idx_file(kIdxImagesMagic, {0xFFFFFFFF, 0xFFFFFFFF, 2}, {}));
  expect_input_error([&] { read_idx_images(dir_ / "images"); },
                     {"implausible header: dimension sizes 4294967295x4294967295 exceed"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTruncatedHeader_WhenDimensionSizesAreMissing) {
  Bytes bytes;
  append_u32(bytes, kIdxImagesMagic);
  append_u32(bytes, 60000);
  write_plain(dir_ / "images", bytes);
  expect_input_error([&] { read_idx_images(dir_ / "images"); },
                     {"truncated header: 3 dimension sizes need 12 bytes", "holds 4"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTruncated_WhenFileIsShorterThanMagic) {
  write_plain(dir_ / "images", {0, 0});
  expect_input_error([&] { read_idx_images(dir_ / "images"); },
                     {"truncated: 2 bytes, too short for the 4-byte IDX magic number"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsTrailingGarbage_WhenBytesFollowPayload) {
  Bytes bytes = idx_file(kIdxImagesMagic, {2, 2, 2}, pattern(8));
  bytes.push_back(7);
  bytes.push_back(9);
  write_gz(dir_ / "images.gz", bytes);
  const fs::path path = dir_ / "images.gz";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string() + ": trailing garbage: header says 2 images of 2x2 (8 bytes) "
                                      "but the file holds 10 bytes after its 16-byte header "
                                      "(2 extra)"});
}

TEST_F(IdxFiles, ReadIdxLabels_ThrowsOutOfRange_WhenLabelReachesClassCount) {
  write_plain(dir_ / "labels", idx_file(kIdxLabelsMagic, {4}, {0, 9, 10, 3}));
  const fs::path path = dir_ / "labels";
  expect_input_error([&] { read_idx_labels(path, 10); },
                     {path.string() + ": label 10 at index 2 is out of range 0..9 (class count "
                                      "10)"});
  EXPECT_NO_THROW(read_idx_labels(path, 11));
}

TEST_F(IdxFiles, CheckIdxPair_ThrowsNamingBothFiles_WhenCountsDisagree) {
  write_plain(dir_ / "images", idx_file(kIdxImagesMagic, {3, 2, 2}, pattern(12)));
  write_plain(dir_ / "labels", idx_file(kIdxLabelsMagic, {2}, {1, 2}));
  const IdxArray images = read_idx_images(dir_ / "images");
  const IdxArray labels = read_idx_labels(dir_ / "labels", 10);
  expect_input_error([&] { check_idx_pair(images, labels); },
                     {(dir_ / "images").string() + " holds 3 images but " +
                      (dir_ / "labels").string() + " holds 2 labels"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsCorruptGzip_WhenCompressedBytesAreDamaged) {
  write_gz(dir_ / "images.gz", idx_file(kIdxImagesMagic, {10, 28, 28}, pattern(10 * 28 * 28)));
  Bytes compressed = read_raw(dir_ / "images.gz");
  ASSERT_GT(compressed.size(), 200U);
  for (std::size_t i = compressed.size() / 2; i < compressed.size() / 2 + 16; ++i) {
    compressed[i] ^= 0xA5;
  }
  write_plain(dir_ / "images.gz", compressed);
  const fs::path path = dir_ / "images.gz";
  expect_input_error([&] { read_idx_images(path); }, {path.string() + ": corrupt gzip stream: "});
}

TEST_F(IdxFiles, ReadIdx_ThrowsCorruptGzip_WhenChecksumDoesNotMatch) {
  write_gz(dir_ / "images.gz", idx_file(kIdxImagesMagic, {10, 28, 28}, pattern(10 * 28 * 28)));
  Bytes compressed = read_raw(dir_ / "images.gz");
  compressed[compressed.size() - 8] ^= 0x01;  // the CRC-32 of the gzip trailer
  write_plain(dir_ / "images.gz", compressed);
  const fs::path path = dir_ / "images.gz";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string() + ": corrupt gzip stream: incorrect data check"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsCorruptGzip_WhenCompressedFileIsCutShort) {
  write_gz(dir_ / "images.gz", idx_file(kIdxImagesMagic, {10, 28, 28}, pattern(10 * 28 * 28)));
  Bytes compressed = read_raw(dir_ / "images.gz");
  compressed.resize(compressed.size() * 2 / 3);
  write_plain(dir_ / "images.gz", compressed);
  const fs::path path = dir_ / "images.gz";
  expect_input_error([&] { read_idx_images(path); },
                     {path.string() + ": corrupt gzip stream: unexpected end of file (the "
                                      "compressed file is cut short)"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsNotGzip_WhenGzNamedFileHasNoGzipHeader) {
  Bytes compressed = idx_file(kIdxLabelsMagic, {2}, {1, 2});
  write_plain(dir_ / "labels.gz", compressed);
  expect_input_error([&] { read_idx_labels(dir_ / "labels.gz", 10); },
                     {"labels.gz: not a gzip stream although the name ends in .gz"});
}

TEST_F(IdxFiles, ReadIdx_ThrowsNamingFile_WhenFileIsMissingEmptyOrADirectory) {
  expect_input_error([&] { read_idx_labels(dir_ / "absent", 10); },
                     {(dir_ / "absent").string() + ": no such file"});
  write_plain(dir_ / "empty", {});
  expect_input_error([&] { read_idx_labels(dir_ / "empty", 10); }, {"empty: the file is empty"});
  expect_input_error([&] { read_idx_labels(dir_, 10); }, {"is a directory, not an IDX file"});
}

TEST_F(IdxFiles, LoadMnistFormat_ReadsAllFourFiles_WhenPlainAndGzipAreMixed) {
  write_set(/*train_n=*/12, /*test_n=*/5);
  const MnistDataset dataset = load_mnist_format(dir_);
  EXPECT_FALSE(dataset.synthetic);
  EXPECT_EQ(dataset.source, dir_.string());
  EXPECT_EQ(dataset.train.images.sizes(), (std::vector<std::int64_t>{12, 1, 4, 3}));
  EXPECT_EQ(dataset.test.images.sizes(), (std::vector<std::int64_t>{5, 1, 4, 3}));
  EXPECT_EQ(dataset.train.images.scalar_type(), torch::kUInt8);
  EXPECT_EQ(dataset.train.labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(dataset.image_rows(), 4);
  EXPECT_EQ(dataset.image_cols(), 3);
  const Bytes pixels = pattern(12 * 4 * 3);
  const torch::Tensor expected =
      torch::tensor(std::vector<std::int64_t>(pixels.begin(), pixels.end())).to(torch::kUInt8);
  EXPECT_TRUE(torch::equal(dataset.train.images.flatten(), expected));
  EXPECT_TRUE(torch::equal(dataset.test.labels, torch::arange(5, torch::kInt64)));
}

TEST_F(IdxFiles, LoadMnistFormat_PrefersPlainFile_WhenBothPlainAndGzipExist) {
  write_set(12, 5);
  write_plain(dir_ / "t10k-labels-idx1-ubyte", idx_file(kIdxLabelsMagic, {5}, {9, 9, 9, 9, 9}));
  const MnistDataset dataset = load_mnist_format(dir_);
  EXPECT_TRUE(torch::equal(dataset.test.labels, torch::full({5}, 9, torch::kInt64)));
}

TEST_F(IdxFiles, LoadMnistFormat_ThrowsNamingFilesAndPackage_WhenDirectoryIsMissing) {
  const fs::path missing = dir_ / "no-such-dir";
  expect_input_error([&] { load_mnist_format(missing); },
                     {missing.string(), "does not exist", "train-images-idx3-ubyte",
                      "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                      "/usr/share/datasets/fashion-mnist", "Debian package dataset-fashion-mnist"});
}

TEST_F(IdxFiles, LoadMnistFormat_ThrowsNamingMissingFile_WhenOneFileIsAbsent) {
  write_set(12, 5);
  fs::remove(dir_ / "t10k-images-idx3-ubyte");
  expect_input_error([&] { load_mnist_format(dir_); },
                     {"neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz found",
                      "dataset-fashion-mnist"});
}

TEST_F(IdxFiles, LoadMnistFormat_ThrowsCountMismatch_WhenLabelsDisagreeWithImages) {
  write_set(12, 5);
  write_gz(dir_ / "t10k-labels-idx1-ubyte.gz", idx_file(kIdxLabelsMagic, {4}, {1, 2, 3, 4}));
  expect_input_error([&] { load_mnist_format(dir_); },
                     {"t10k-images-idx3-ubyte holds 5 images but", "holds 4 labels"});
}

TEST_F(IdxFiles, LoadMnistFormat_ThrowsSizeMismatch_WhenTrainAndTestImageSizesDiffer) {
  write_set(12, 5);
  write_plain(dir_ / "t10k-images-idx3-ubyte",
              idx_file(kIdxImagesMagic, {5, 2, 2}, pattern(5 * 2 * 2)));
  expect_input_error([&] { load_mnist_format(dir_); },
                     {"training images are 4x3 but test images are 2x2"});
}

TEST(FashionMnist, LoadMnistFormat_Loads60000And10000BalancedSamples_WhenPackageIsInstalled) {
  const fs::path dir = default_fashion_mnist_dir();
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << dir << " is absent (apt-get install dataset-fashion-mnist to run this test)";
  }
  const MnistDataset dataset = load_mnist_format(dir);
  EXPECT_EQ(dataset.train.size(), 60000);
  EXPECT_EQ(dataset.test.size(), 10000);
  EXPECT_EQ(dataset.train.images.sizes(), (std::vector<std::int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(dataset.test.images.sizes(), (std::vector<std::int64_t>{10000, 1, 28, 28}));
  // Fashion-MNIST is balanced: 6000 training and 1000 test samples per class.
  EXPECT_TRUE(
      torch::equal(torch::bincount(dataset.train.labels), torch::full({10}, 6000, torch::kInt64)));
  EXPECT_TRUE(
      torch::equal(torch::bincount(dataset.test.labels), torch::full({10}, 1000, torch::kInt64)));
  // The published pixel statistics of the training set.
  const Normalization stats = compute_normalization(dataset.train.images);
  EXPECT_NEAR(stats.mean, 0.2860, 5e-4);
  EXPECT_NEAR(stats.std, 0.3530, 5e-4);
}

}  // namespace
}  // namespace nnbench::engine
