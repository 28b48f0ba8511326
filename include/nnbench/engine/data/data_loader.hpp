// From a data set to batches: a seeded train/validation split, normalisation (statistics of the
// training part), and a loader that shuffles with a seed and fills preallocated batch buffers, so
// the training loop allocates nothing per batch beyond what LibTorch itself needs.
#pragma once

#include <cstdint>
#include <optional>

#include <torch/types.h>

#include "nnbench/engine/data/mnist_dataset.hpp"

namespace nnbench::engine {

// Pixel statistics on the [0,1] scale (pixel / 255); normalised = (pixel/255 - mean) / std.
struct Normalization {
  double mean = 0.0;
  double std = 1.0;
};

// Exact mean and (population) standard deviation of uint8 images on the [0,1] scale, from a
// 256-bin histogram. A constant set (std 0) gets std 1 so that normalising only centres it.
// Throws InputError for an empty or non-uint8 tensor.
Normalization compute_normalization(const torch::Tensor& images);

// uint8 images (any shape) -> float32 (pixel/255 - mean)/std on `device`: one allocation there,
// normalised in place. The result is contiguous and owns its memory.
torch::Tensor normalize_images(const torch::Tensor& images, const Normalization& normalization,
                               const torch::Device& device);

// Sample indices of a seeded split: validation = the last round(n * fraction) entries of a random
// permutation of 0..n-1 drawn from a CPU generator seeded with `seed`, train = the rest; both
// sorted ascending, int64, on the CPU. Same (n, fraction, seed), same split, on every machine.
// Throws InputError unless 0 <= fraction < 1 and the training part is non-empty (for n > 0).
struct SplitIndices {
  torch::Tensor train;
  torch::Tensor validation;
};
SplitIndices split_train_validation(std::int64_t n, double validation_fraction, std::uint64_t seed);

// Inputs and targets of one part, ready for a DataLoader: inputs float32 (N, 1, rows, cols),
// targets int64 (N), contiguous, on one device.
struct TensorPair {
  torch::Tensor inputs;
  torch::Tensor targets;

  std::int64_t size() const { return targets.defined() ? targets.size(0) : 0; }
};

struct PrepareOptions {
  double validation_fraction = 0.2;  // taken from the training set; 0 = no validation part
  std::uint64_t split_seed = 0;
  // Given statistics (e.g. the published Fashion-MNIST 0.2860 / 0.3530); when absent they are
  // computed on the training part only, so nothing of validation or test leaks into training.
  std::optional<Normalization> normalization = std::nullopt;
  // Where the normalised tensors live. A GPU here puts the whole data set on it once, so batches
  // are gathered there and no host-to-device copy happens per batch.
  torch::Device device = torch::kCPU;
};

struct PreparedData {
  TensorPair train;
  TensorPair validation;  // empty (size 0) when validation_fraction is 0
  TensorPair test;
  Normalization normalization;  // the statistics used for all three parts
};

// Splits the training set, computes or takes the normalisation, and builds the three normalised
// float tensors, each allocated once. Throws InputError for a bad fraction. Takes a few hundred ms
// for Fashion-MNIST; not meant for the timed region.
PreparedData prepare_data(const MnistDataset& dataset, const PrepareOptions& options);

struct DataLoaderOptions {
  std::int64_t batch_size = 128;
  bool shuffle = true;     // a fresh permutation per epoch; otherwise batches are views in order
  std::uint64_t seed = 0;  // seeds the shuffling generator (the epoch sequence is reproducible)
  bool drop_last = false;  // drop the final partial batch instead of yielding it
  bool flatten = false;    // inputs (B, rows*cols) instead of (B, 1, rows, cols)
  // Device of the batches; absent = the data's device. When it differs, each batch is gathered
  // where the data lives and copied into a preallocated buffer here (blocking copy).
  std::optional<torch::Device> device = std::nullopt;
};

// One batch. Its tensors alias the loader's buffers (shuffled) or the data (in order): they are
// valid until the next call to next() and must not be written to. Copy (clone) to keep them.
struct Batch {
  torch::Tensor inputs;
  torch::Tensor targets;

  std::int64_t size() const { return targets.defined() ? targets.size(0) : 0; }
};

// Iterates over a TensorPair in batches:
//   for (epoch...) { loader.start_epoch(); Batch batch; while (loader.next(batch)) {...} }
// The loader shares (does not copy) the data tensors; the caller must not resize them. Buffers
// for one batch are allocated in the constructor. Not thread-safe: one loader per thread.
class DataLoader {
 public:
  // Throws InputError for batch_size < 1, mismatched or wrongly typed tensors.
  DataLoader(TensorPair data, DataLoaderOptions options);
  // A copy would share the batch buffers and the generator with the original: moves only.
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;
  DataLoader(DataLoader&&) = default;
  DataLoader& operator=(DataLoader&&) = default;

  // Rewinds; when shuffling, draws the next permutation from the loader's generator, so epoch k
  // of two loaders with the same seed visits the samples in the same order.
  void start_epoch();
  // Fills `batch` with the next batch of the current epoch; false when the epoch is over.
  // Throws std::logic_error when no epoch was started.
  bool next(Batch& batch);

  std::int64_t size() const { return data_.size(); }  // samples, whole data set
  std::int64_t batches_per_epoch() const;
  std::int64_t samples_per_epoch() const;  // size() minus what drop_last drops
  std::int64_t epochs_started() const { return epochs_started_; }
  const DataLoaderOptions& options() const { return options_; }

 private:
  TensorPair data_;  // flattened views when options_.flatten
  DataLoaderOptions options_;
  torch::Device data_device_;
  torch::Device batch_device_;
  at::Generator generator_;
  torch::Tensor order_cpu_;     // int64 permutation, regenerated in place each epoch
  torch::Tensor order_;         // order_cpu_ on the data's device (same tensor on the CPU)
  torch::Tensor input_buffer_;  // one batch, gathered on the data's device
  torch::Tensor target_buffer_;
  torch::Tensor device_input_buffer_;  // one batch on batch_device_, when it differs
  torch::Tensor device_target_buffer_;
  std::int64_t cursor_ = 0;
  std::int64_t epochs_started_ = 0;
};

}  // namespace nnbench::engine
