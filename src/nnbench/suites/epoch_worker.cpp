// Training epochs in a framework's worker process (see epoch_worker.hpp).
#include "nnbench/suites/epoch_worker.hpp"

#include <memory>

#include <fmt/format.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"
#include "nnbench/core/memory_probe.hpp"
#include "nnbench/engine/data/data_loader.hpp"

namespace nnbench::suites {
namespace {

namespace fs = std::filesystem;

// A number of the report's meta, or nullopt when absent or not a number.
std::optional<double> meta_number(const WorkerReport& report, const char* key) {
  const auto found = report.meta.find(key);
  if (found == report.meta.end()) return std::nullopt;
  const nlohmann::json value = nlohmann::json::parse(found->second, nullptr, false);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

// A list of numbers of the report's meta (JSON text), empty when absent.
std::vector<double> meta_numbers(const WorkerReport& report, const char* key) {
  const auto found = report.meta.find(key);
  if (found == report.meta.end()) return {};
  const nlohmann::json value = nlohmann::json::parse(found->second, nullptr, false);
  std::vector<double> numbers;
  if (!value.is_array()) return numbers;
  for (const nlohmann::json& item : value) {
    if (item.is_number()) numbers.push_back(item.get<double>());
  }
  return numbers;
}

std::string meta_text(const WorkerReport& report, const char* key) {
  const auto found = report.meta.find(key);
  return found == report.meta.end() ? std::string("?") : found->second;
}

}  // namespace

void write_worker_data(const engine::MnistDataset& dataset, double validation_fraction,
                       std::uint64_t split_seed, const fs::path& dir) {
  const engine::SplitIndices split =
      engine::split_train_validation(dataset.train.size(), validation_fraction, split_seed);
  const auto part = [&](const torch::Tensor& indices) {
    return engine::MnistSplit{dataset.train.images.index_select(0, indices),
                              dataset.train.labels.index_select(0, indices)};
  };
  engine::write_mnist_split(part(split.train), dir, "train");
  if (split.validation.numel() > 0) {
    engine::write_mnist_split(part(split.validation), dir, "validation");
  }
  engine::write_mnist_split(dataset.test, dir, "t10k");
}

std::vector<std::string> epoch_worker_command(const EpochWorkerSpec& spec) {
  std::vector<std::string> command{
      spec.python,    (fs::path(NNBENCH_SCRIPTS_DIR) / spec.script).string(),
      "--module",     spec.module.string(),
      "--network",    spec.network,
      "--mode",       "epoch",
      "--batch",      std::to_string(spec.batch_size),
      "--warmup",     std::to_string(spec.warmup_batches),
      "--iterations", std::to_string(spec.epochs),
      "--seed",       std::to_string(spec.seed),
      "--device",     spec.device,
      "--data",       spec.data.string()};
  if (spec.threads > 0) command.insert(command.end(), {"--threads", std::to_string(spec.threads)});
  if (!spec.handwritten.empty()) command.insert(command.end(), {"--handwritten", spec.handwritten});
  return command;
}

ReportedSampleTimer& record_epoch_report(State& state, const WorkerReport& report) {
  const std::optional<double> test_accuracy = meta_number(report, "test_accuracy");
  const std::optional<double> test_loss = meta_number(report, "test_loss");
  if (report.samples_ns.empty()) throw Error("the worker reported no epochs");
  if (!test_accuracy || !test_loss) {
    throw Error("the worker reported no test_accuracy and test_loss");
  }
  state.set_label("framework", meta_text(report, "framework") + " " + meta_text(report, "version") +
                                   " (python " + meta_text(report, "python") + ")");
  if (const auto samples = meta_number(report, "train_samples")) {
    state.set_items_per_iteration(*samples, "samples");
  }
  if (const auto parameters = meta_number(report, "parameters")) {
    state.add_metric("parameter_count", *parameters, "parameters");
  }
  if (const auto build_ms = meta_number(report, "build_time_ms")) {
    state.add_metric("build_time_ms", *build_ms, "ms");
  }
  state.add_metric("test_accuracy", *test_accuracy, "fraction", true);
  state.add_metric("test_loss", *test_loss, "nats");
  const std::vector<double> train_losses = meta_numbers(report, "train_losses");
  if (!train_losses.empty()) {
    state.add_metric({"train_loss", "nats", train_losses.back(), train_losses, false});
  }
  const std::vector<double> validation_accuracy = meta_numbers(report, "validation_accuracy");
  const std::vector<double> validation_loss = meta_numbers(report, "validation_loss");
  if (!validation_accuracy.empty() && !validation_loss.empty()) {
    state.add_metric(
        {"validation_accuracy", "fraction", validation_accuracy.back(), validation_accuracy, true});
    state.add_metric({"validation_loss", "nats", validation_loss.back(), validation_loss, false});
  }

  std::vector<MemoryFigure> memory;
  for (const char* key : {"peak_rss_bytes", "rss_delta_bytes", "rss_bytes"}) {
    if (const auto bytes = meta_number(report, key)) {
      memory.push_back({key, static_cast<std::int64_t>(*bytes)});
    }
  }
  if (!memory.empty()) {
    state.set_host_memory_probe(
        std::make_unique<ReportedMemoryProbe>(std::move(memory), "worker process_rss"));
    state.add_note(meta_text(report, "peak_rss_since_start") == "true"
                       ? "memory: the worker process's; peak_rss_bytes covers its whole life "
                         "(the kernel refused a peak reset)"
                       : "memory: the worker process's, over its epochs and test");
  }
  if (report.meta.count("initial_state")) {
    state.add_note("initial state: " + meta_text(report, "initial_state"));
  }

  auto timer = std::make_unique<ReportedSampleTimer>(
      report.samples_ns, "worker process: " + meta_text(report, "timer"));
  ReportedSampleTimer& reported = *timer;
  state.set_timer(std::move(timer));
  state.add_note(fmt::format("timed by the worker process ({}), {} epoch(s)",
                             meta_text(report, "timer"), report.samples_ns.size()));
  return reported;
}

}  // namespace nnbench::suites
