// An MNIST-format image classification data set (MNIST, Fashion-MNIST, ...) as CPU tensors: read
// from a directory of the four IDX files, or made up at random with the same shape (`--data
// synthetic`). Splitting, normalisation and batching are data_loader.hpp's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <torch/types.h>

namespace nnbench::engine {

// Where Debian's dataset-fashion-mnist package installs Fashion-MNIST.
inline constexpr std::string_view kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";
std::filesystem::path default_fashion_mnist_dir();

// The file names looked for in a directory; each may also carry a ".gz" suffix.
inline constexpr std::string_view kMnistTrainImages = "train-images-idx3-ubyte";
inline constexpr std::string_view kMnistTrainLabels = "train-labels-idx1-ubyte";
inline constexpr std::string_view kMnistTestImages = "t10k-images-idx3-ubyte";
inline constexpr std::string_view kMnistTestLabels = "t10k-labels-idx1-ubyte";

// One part of the data set. images: uint8 (N, 1, rows, cols), pixel values 0..255, contiguous,
// on the CPU. labels: int64 (N), values 0..class_count-1. The tensors own their memory.
struct MnistSplit {
  torch::Tensor images;
  torch::Tensor labels;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  // The first `limit` samples (views, no copy); all of them when limit is 0 or not smaller.
  MnistSplit head(std::int64_t limit) const {
    if (limit <= 0 || limit >= size()) return *this;
    return {images.narrow(0, 0, limit), labels.narrow(0, 0, limit)};
  }
};

struct MnistDataset {
  MnistSplit train;
  MnistSplit test;
  std::int64_t class_count = 10;
  // True for synthetic_mnist_like: the numbers measured on it say nothing about accuracy on real
  // data, and reports must say so.
  bool synthetic = false;
  // For reports: the directory read, or "synthetic (seed N)".
  std::string source;

  std::int64_t image_rows() const { return train.images.size(2); }
  std::int64_t image_cols() const { return train.images.size(3); }
};

// Reads <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte, each plain or with ".gz" (the plain
// file wins when both exist). Checks every file (idx_reader.hpp), that images and labels agree in
// count, and that train and test images have the same size. Throws InputError naming the expected
// files (and the Debian package that installs the default directory) when the directory or a file
// is missing, and naming the file and the defect when one is corrupt. Blocking I/O (Fashion-MNIST:
// ~0.5 s); thread-safe.
MnistDataset load_mnist_format(const std::filesystem::path& dir, std::int64_t class_count = 10);

// Random data shaped like MNIST: 28x28 uint8 images, 10 classes. Each class has its own random
// prototype image and a sample is its class prototype blended with noise, so a model can learn
// the labels (useful for smoke runs) while no accuracy figure means anything. Same seed, same
// data. Throws InputError for negative sizes.
MnistDataset synthetic_mnist_like(std::int64_t train_n, std::int64_t test_n, std::uint64_t seed);

// Writes `split` as the IDX pair <dir>/<prefix>-images-idx3-ubyte and
// <dir>/<prefix>-labels-idx1-ubyte (prefix "train" or "t10k" gives the names load_mnist_format
// reads), so that another process (a framework's worker) reads exactly these samples. Labels must
// be in 0..255. Throws IoError when a file cannot be written.
void write_mnist_split(const MnistSplit& split, const std::filesystem::path& dir,
                       std::string_view prefix);

}  // namespace nnbench::engine
