// Split, normalisation and batching (see data_loader.hpp). Shuffled batches are gathered with
// index_select_out into buffers allocated once; unshuffled ones are narrow() views, so the hot
// loop allocates only the small view objects LibTorch itself creates.
#include "nnbench/engine/data/data_loader.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

TensorPair select_part(const MnistSplit& split, const torch::Tensor& indices,
                       const Normalization& normalization, const torch::Device& device) {
  TensorPair part;
  part.inputs = normalize_images(split.images.index_select(0, indices), normalization, device);
  part.targets = split.labels.index_select(0, indices).to(device);
  return part;
}

TensorPair whole_part(const MnistSplit& split, const Normalization& normalization,
                      const torch::Device& device) {
  TensorPair part;
  part.inputs = normalize_images(split.images, normalization, device);
  part.targets = split.labels.to(device, torch::kInt64).contiguous();
  return part;
}

}  // namespace

Normalization compute_normalization(const torch::Tensor& images) {
  if (!images.defined() || images.numel() == 0) {
    throw InputError("normalisation statistics: no images (empty training part)");
  }
  if (images.scalar_type() != torch::kUInt8) {
    throw InputError(fmt::format("normalisation statistics: images must be uint8, not {}",
                                 c10::toString(images.scalar_type())));
  }
  const torch::Tensor host = images.to(torch::kCPU).contiguous();
  std::array<std::int64_t, 256> histogram{};
  const std::uint8_t* pixels = host.data_ptr<std::uint8_t>();
  const std::int64_t count = host.numel();
  for (std::int64_t i = 0; i < count; ++i) ++histogram[pixels[i]];

  double sum = 0.0;
  for (std::size_t value = 0; value < histogram.size(); ++value) {
    sum += static_cast<double>(histogram[value]) * static_cast<double>(value) / 255.0;
  }
  const double mean = sum / static_cast<double>(count);
  double squares = 0.0;
  for (std::size_t value = 0; value < histogram.size(); ++value) {
    const double deviation = static_cast<double>(value) / 255.0 - mean;
    squares += static_cast<double>(histogram[value]) * deviation * deviation;
  }
  const double std = std::sqrt(squares / static_cast<double>(count));
  return Normalization{mean, std > 1e-12 ? std : 1.0};
}

torch::Tensor normalize_images(const torch::Tensor& images, const Normalization& normalization,
                               const torch::Device& device) {
  if (!(normalization.std > 0.0) || !std::isfinite(normalization.mean)) {
    throw InputError(
        fmt::format("normalisation: std must be > 0 and mean finite (got mean {}, "
                    "std {})",
                    normalization.mean, normalization.std));
  }
  // (x/255 - mean)/std as one multiply-add in place on the single float allocation.
  const double scale = 1.0 / (255.0 * normalization.std);
  const double shift = -normalization.mean / normalization.std;
  torch::Tensor normalized = images.to(device, torch::kFloat32, /*non_blocking=*/false,
                                       /*copy=*/true, torch::MemoryFormat::Contiguous);
  normalized.mul_(scale).add_(shift);
  return normalized;
}

SplitIndices split_train_validation(std::int64_t n, double validation_fraction,
                                    std::uint64_t seed) {
  if (n < 0) throw InputError(fmt::format("validation split: sample count {} < 0", n));
  if (!(validation_fraction >= 0.0 && validation_fraction < 1.0)) {
    throw InputError(fmt::format("validation fraction {} is not in [0, 1)", validation_fraction));
  }
  const auto validation_n =
      static_cast<std::int64_t>(std::llround(static_cast<double>(n) * validation_fraction));
  if (n > 0 && validation_n >= n) {
    throw InputError(fmt::format("validation fraction {} of {} samples leaves no training samples",
                                 validation_fraction, n));
  }
  at::Generator generator = at::detail::createCPUGenerator(seed);
  const torch::Tensor permutation = torch::randperm(n, generator, torch::kInt64);
  SplitIndices split;
  split.train = std::get<0>(permutation.narrow(0, 0, n - validation_n).sort());
  split.validation = std::get<0>(permutation.narrow(0, n - validation_n, validation_n).sort());
  return split;
}

PreparedData prepare_data(const MnistDataset& dataset, const PrepareOptions& options) {
  const SplitIndices split =
      split_train_validation(dataset.train.size(), options.validation_fraction, options.split_seed);
  const torch::Tensor train_images = dataset.train.images.index_select(0, split.train);
  PreparedData prepared;
  prepared.normalization = options.normalization.has_value() ? *options.normalization
                                                             : compute_normalization(train_images);
  prepared.train.inputs = normalize_images(train_images, prepared.normalization, options.device);
  prepared.train.targets = dataset.train.labels.index_select(0, split.train).to(options.device);
  prepared.validation =
      select_part(dataset.train, split.validation, prepared.normalization, options.device);
  prepared.test = whole_part(dataset.test, prepared.normalization, options.device);
  return prepared;
}

DataLoader::DataLoader(TensorPair data, DataLoaderOptions options)
    : data_(std::move(data)),
      options_(std::move(options)),
      data_device_(torch::kCPU),
      batch_device_(torch::kCPU),
      generator_(at::detail::createCPUGenerator(options_.seed)) {
  if (options_.batch_size < 1) {
    throw InputError(fmt::format("batch size {} must be >= 1", options_.batch_size));
  }
  if (!data_.inputs.defined() || !data_.targets.defined() || data_.inputs.dim() < 1 ||
      data_.targets.dim() != 1 || data_.inputs.size(0) != data_.targets.size(0)) {
    throw InputError("data loader: inputs (N, ...) and targets (N) must be defined and agree in N");
  }
  if (data_.targets.scalar_type() != torch::kInt64 ||
      data_.inputs.device() != data_.targets.device()) {
    throw InputError("data loader: targets must be int64 and on the inputs' device");
  }
  data_device_ = data_.inputs.device();
  batch_device_ = options_.device.value_or(data_device_);
  const std::int64_t n = data_.size();
  data_.inputs = data_.inputs.contiguous();
  data_.targets = data_.targets.contiguous();
  if (options_.flatten) data_.inputs = data_.inputs.reshape({n, -1});

  const std::int64_t buffer_rows = std::min(options_.batch_size, n);
  std::vector<std::int64_t> input_shape = data_.inputs.sizes().vec();
  input_shape[0] = buffer_rows;
  if (options_.shuffle) {
    order_cpu_ = torch::empty({n}, torch::kInt64);
    order_ = data_device_.is_cpu() ? order_cpu_ : order_cpu_.to(data_device_);
    input_buffer_ = torch::empty(input_shape, data_.inputs.options());
    target_buffer_ = torch::empty({buffer_rows}, data_.targets.options());
  }
  if (batch_device_ != data_device_) {
    device_input_buffer_ = torch::empty(input_shape, data_.inputs.options().device(batch_device_));
    device_target_buffer_ =
        torch::empty({buffer_rows}, data_.targets.options().device(batch_device_));
  }
  cursor_ = n;  // nothing to yield before start_epoch()
}

std::int64_t DataLoader::batches_per_epoch() const {
  const std::int64_t n = data_.size();
  return options_.drop_last ? n / options_.batch_size
                            : (n + options_.batch_size - 1) / options_.batch_size;
}

std::int64_t DataLoader::samples_per_epoch() const {
  return options_.drop_last ? batches_per_epoch() * options_.batch_size : data_.size();
}

void DataLoader::start_epoch() {
  if (options_.shuffle) {
    torch::randperm_out(order_cpu_, data_.size(), generator_);
    if (!data_device_.is_cpu()) order_.copy_(order_cpu_);
  }
  cursor_ = 0;
  ++epochs_started_;
}

bool DataLoader::next(Batch& batch) {
  if (epochs_started_ == 0) {
    throw std::logic_error("DataLoader::next called before start_epoch()");
  }
  const std::int64_t remaining = data_.size() - cursor_;
  const std::int64_t rows = std::min(options_.batch_size, remaining);
  if (rows <= 0 || (options_.drop_last && rows < options_.batch_size)) return false;
  // Full batches use the buffers themselves; only a final partial batch needs a narrowed view.
  const bool full_buffer = options_.shuffle && rows == input_buffer_.size(0);
  torch::Tensor inputs;
  torch::Tensor targets;
  if (options_.shuffle) {
    const torch::Tensor indices = order_.narrow(0, cursor_, rows);
    inputs = full_buffer ? input_buffer_ : input_buffer_.narrow(0, 0, rows);
    targets = full_buffer ? target_buffer_ : target_buffer_.narrow(0, 0, rows);
    torch::index_select_out(inputs, data_.inputs, 0, indices);
    torch::index_select_out(targets, data_.targets, 0, indices);
  } else {
    inputs = data_.inputs.narrow(0, cursor_, rows);
    targets = data_.targets.narrow(0, cursor_, rows);
  }
  if (batch_device_ != data_device_) {
    const bool full_device = rows == device_input_buffer_.size(0);
    torch::Tensor device_inputs =
        full_device ? device_input_buffer_ : device_input_buffer_.narrow(0, 0, rows);
    torch::Tensor device_targets =
        full_device ? device_target_buffer_ : device_target_buffer_.narrow(0, 0, rows);
    device_inputs.copy_(inputs);
    device_targets.copy_(targets);
    inputs = std::move(device_inputs);
    targets = std::move(device_targets);
  }
  cursor_ += rows;
  batch.inputs = std::move(inputs);
  batch.targets = std::move(targets);
  return true;
}

}  // namespace nnbench::engine
