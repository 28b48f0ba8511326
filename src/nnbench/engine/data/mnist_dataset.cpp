// MNIST-format data sets (see mnist_dataset.hpp): the four IDX files of a directory turned into
// tensors without copying the pixel bytes, or seeded synthetic data of the same shape; and one
// part written back as IDX files.
#include "nnbench/engine/data/mnist_dataset.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <fstream>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/data/idx_reader.hpp"

namespace nnbench::engine {
namespace {

std::string expected_files_hint() {
  return fmt::format(
      "an MNIST-format directory holds {}, {}, {} and {} (each may end in .gz); the default "
      "directory {} is installed by the Debian package dataset-fashion-mnist",
      kMnistTrainImages, kMnistTrainLabels, kMnistTestImages, kMnistTestLabels,
      kDefaultFashionMnistDir);
}

std::filesystem::path find_idx_file(const std::filesystem::path& dir, std::string_view name) {
  std::error_code ec;
  const std::filesystem::path plain = dir / std::string(name);
  if (std::filesystem::exists(plain, ec)) return plain;
  std::filesystem::path gz = plain;
  gz += ".gz";
  if (std::filesystem::exists(gz, ec)) return gz;
  throw InputError(fmt::format("{}: neither {} nor {}.gz found; {}", dir.string(), name, name,
                               expected_files_hint()));
}

// The tensor takes ownership of the vector's buffer, so a 47 MB image file is not copied.
torch::Tensor adopt_bytes(std::vector<std::uint8_t>&& bytes, at::IntArrayRef sizes,
                          torch::ScalarType as_type) {
  auto owned = std::make_unique<std::vector<std::uint8_t>>(std::move(bytes));
  std::uint8_t* data = owned->data();
  torch::Tensor raw = torch::from_blob(
      data, sizes, [owner = owned.get()](void*) { delete owner; }, torch::kUInt8);
  owned.release();  // now owned by the tensor's deleter
  return as_type == torch::kUInt8 ? raw : raw.to(as_type);
}

MnistSplit load_split(const std::filesystem::path& dir, std::string_view images_name,
                      std::string_view labels_name, std::int64_t class_count) {
  IdxArray images = read_idx_images(find_idx_file(dir, images_name));
  IdxArray labels = read_idx_labels(find_idx_file(dir, labels_name), class_count);
  check_idx_pair(images, labels);
  const std::array<std::int64_t, 4> image_sizes{images.dims[0], 1, images.dims[1], images.dims[2]};
  const std::array<std::int64_t, 1> label_sizes{labels.dims[0]};
  MnistSplit split;
  split.images = adopt_bytes(std::move(images.bytes), image_sizes, torch::kUInt8);
  split.labels = adopt_bytes(std::move(labels.bytes), label_sizes, torch::kInt64);
  return split;
}

// An unsigned-byte IDX file: magic 0x0000 0x08 <rank>, the dimension sizes (big-endian), data.
void write_idx(const std::filesystem::path& path, const std::vector<std::int64_t>& dims,
               const torch::Tensor& bytes) {
  std::vector<char> header{0, 0, 0x08, static_cast<char>(dims.size())};
  for (const std::int64_t dim : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      header.push_back(static_cast<char>((static_cast<std::uint32_t>(dim) >> shift) & 0xFF));
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
            static_cast<std::streamsize>(bytes.numel()));
  out.flush();
  if (!out) throw IoError(fmt::format("cannot write {}", path.string()));
}

}  // namespace

std::filesystem::path default_fashion_mnist_dir() {
  return std::filesystem::path(kDefaultFashionMnistDir);
}

MnistDataset load_mnist_format(const std::filesystem::path& dir, std::int64_t class_count) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw InputError(fmt::format("data directory {} does not exist or is not a directory; {}",
                                 dir.string(), expected_files_hint()));
  }
  MnistDataset dataset;
  dataset.class_count = class_count;
  dataset.source = dir.string();
  dataset.train = load_split(dir, kMnistTrainImages, kMnistTrainLabels, class_count);
  dataset.test = load_split(dir, kMnistTestImages, kMnistTestLabels, class_count);
  const auto train_sizes = dataset.train.images.sizes().slice(2);
  const auto test_sizes = dataset.test.images.sizes().slice(2);
  if (train_sizes != test_sizes) {
    throw InputError(
        fmt::format("{}: training images are {}x{} but test images are {}x{}; the sizes must agree",
                    dir.string(), train_sizes[0], train_sizes[1], test_sizes[0], test_sizes[1]));
  }
  return dataset;
}

MnistDataset synthetic_mnist_like(std::int64_t train_n, std::int64_t test_n, std::uint64_t seed) {
  if (train_n < 0 || test_n < 0) {
    throw InputError(
        fmt::format("synthetic data: sample counts must be >= 0 (got train {}, "
                    "test {})",
                    train_n, test_n));
  }
  constexpr std::int64_t kClasses = 10;
  constexpr std::int64_t kSide = 28;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  const auto byte_options = torch::TensorOptions().dtype(torch::kUInt8);
  // Prototype weight 3/4, noise 1/4: classes overlap a little but stay separable.
  const torch::Tensor prototypes =
      torch::randint(0, 256, {kClasses, 1, kSide, kSide}, generator, byte_options)
          .to(torch::kInt32);
  auto make_split = [&](std::int64_t n) {
    MnistSplit split;
    split.labels = torch::randint(0, kClasses, {n}, generator, torch::kInt64);
    const torch::Tensor noise =
        torch::randint(0, 256, {n, 1, kSide, kSide}, generator, byte_options).to(torch::kInt32);
    split.images =
        (prototypes.index_select(0, split.labels) * 3 + noise).div(4, "floor").to(torch::kUInt8);
    return split;
  };
  MnistDataset dataset;
  dataset.train = make_split(train_n);
  dataset.test = make_split(test_n);
  dataset.class_count = kClasses;
  dataset.synthetic = true;
  dataset.source = fmt::format("synthetic (seed {})", seed);
  return dataset;
}

void write_mnist_split(const MnistSplit& split, const std::filesystem::path& dir,
                       std::string_view prefix) {
  const std::int64_t count = split.size();
  if (count > 0 && (split.labels.min().item<std::int64_t>() < 0 ||
                    split.labels.max().item<std::int64_t>() > 255)) {
    throw InputError("IDX labels are bytes: a label outside 0..255 cannot be written");
  }
  const torch::Tensor images = split.images.to(torch::kCPU, torch::kUInt8).contiguous();
  const torch::Tensor labels = split.labels.to(torch::kCPU, torch::kUInt8).contiguous();
  write_idx(dir / fmt::format("{}-images-idx3-ubyte", prefix),
            {count, images.size(images.dim() - 2), images.size(images.dim() - 1)}, images);
  write_idx(dir / fmt::format("{}-labels-idx1-ubyte", prefix), {count}, labels);
}

}  // namespace nnbench::engine
