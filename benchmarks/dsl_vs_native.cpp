// dsl_vs_native: the seed models trained on real Fashion-MNIST twice, compiled from models/*.nn
// by the model language and hand-written in LibTorch (suites/native_models), with the same seed,
// initial weights and hyperparameters. One sample = one epoch. The implementation axis is
// innermost, so the two run interleaved, in the order A B B A A B ... (the first side alternates
// by repetition) and machine drift hits both alike; derived
// rows compare them metric by metric with the seed's equivalence verdict (accuracy difference
// < 0.01 and loss difference < 0.1).
//
// Options (options() below): data=DIR|synthetic (default: Debian's Fashion-MNIST), epochs=N,
// batch_size=N, train_limit=N, test_limit=N (use the first N samples), warmup_batches=N.
// --quick trains two epochs on 2,560 samples.
#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/data/data_loader.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/native_models.hpp"
#include "nnbench/suites/paired_comparison.hpp"
#include "nnbench/suites/training_loop.hpp"

namespace {

using nnbench::State;
namespace engine = nnbench::engine;
namespace suites = nnbench::suites;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// What one variant trains: its module, forward, loss and optimizer, for either implementation.
struct Trainee {
  std::shared_ptr<torch::nn::Module> module;
  suites::ForwardFunction forward;
  suites::LossFunction loss;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
};

class DslVsNative final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Training of the seed models on Fashion-MNIST: model language vs hand-written LibTorch";
  }

  std::vector<nnbench::Option> options() const override {
    using nnbench::int_option;
    using nnbench::with_default_note;
    using nnbench::with_quick_default;
    return {
        suites::training_data_option(),
        with_quick_default(
            with_default_note(int_option("epochs", std::nullopt, "training epochs", 1, 100000),
                              "the model file's train.epochs; native: 5"),
            "2"),
        with_default_note(int_option("batch_size", std::nullopt, "training batch size", 1, 1 << 20),
                          "the model file's train.batch_size; native: 128"),
        with_quick_default(
            int_option("train_limit", 0, "train on the first N images (0: all 60,000)"), "2560"),
        with_quick_default(
            int_option("test_limit", 0, "test on the first N images (0: all 10,000)"), "512"),
        with_quick_default(
            int_option("warmup_batches", 10, "untimed training steps before the first epoch"),
            "2")};
  }

  std::vector<nnbench::Axis> axes() const override {
    return {suites::model_axis({"simple_mlp", "cnn", "deep_mlp"}, {suites::ModelKind::LanguageFile},
                               "a seed model with a hand-written twin: simple_mlp, cnn, deep_mlp",
                               /*need_native_twin=*/true),
            nnbench::int_axis("repetition", {1}, "repetition (same seed within one)"),
            nnbench::string_axis("implementation", {"dsl", "native"},
                                 "compiled from models/*.nn, or hand-written", {"dsl", "native"}),
            // The framework both sides train in (--backends): LibTorch only; cross_framework
            // runs the language's code in the others.
            nnbench::opt_in_axis(nnbench::string_axis(
                "backend", {"torch"}, "the framework: torch (in-process LibTorch)", {"torch"}))};
  }

  void setup(State& state) override {
    device_ = engine::resolve_device(state.device());
    engine::attach_device_memory_probe(state, state.device());  // device peaks on a GPU
    const suites::ModelSource source = suites::resolve_model(state.get_string("model"));
    const std::string& model = source.name;
    const bool dsl = state.get_string("implementation") == "dsl";
    seed_ = state.seed() + static_cast<std::uint64_t>(state.get_int("repetition"));
    load_data(state);

    // The language's model gives the hyperparameters; the native side hard-codes the seed's
    // (batch 128, Adam 1e-3, 5 epochs), as a hand-written program would.
    const auto parse_start = std::chrono::steady_clock::now();
    const nnbench::dsl::ir::Network network = suites::load_language_model(source);
    const double parse_ms = elapsed_ms(parse_start);
    epochs_ = state.options().find_int("epochs").value_or(dsl ? network.train.epochs : 5);
    batch_size_ =
        state.options().find_int("batch_size").value_or(dsl ? network.train.batch_size : 128);

    warm_up(state, dsl, network, model);
    const auto build_start = std::chrono::steady_clock::now();
    trainee_ = make_trainee(dsl, network, model);
    const double build_ms = elapsed_ms(build_start);
    if (dsl) state.add_metric("parse_time_ms", parse_ms, "ms");
    state.add_metric("build_time_ms", build_ms, "ms");
    std::int64_t parameters = 0;
    for (const auto& p : trainee_.module->parameters()) parameters += p.numel();
    state.add_metric("parameter_count", static_cast<double>(parameters), "parameters");

    loader_ = std::make_unique<engine::DataLoader>(
        data_.train,
        engine::DataLoaderOptions{batch_size_, true, seed_, false, false, std::nullopt});
    torch::manual_seed(seed_);  // dropout draws the same numbers in both implementations
    train_losses_.clear();
    validation_accuracy_.clear();
    validation_loss_.clear();
    epochs_done_ = 0;
    state.set_before_sample([this] { validate_previous_epoch(); });
    state.set_items_per_iteration(static_cast<double>(loader_->samples_per_epoch()), "samples");
    state.set_label("model", model);
    state.set_label("framework", "libtorch");
    state.set_label("mode", "train");
    state.set_label("implementation", dsl ? "dsl" : "native");
    state.set_label("dtype", "fp32");
    state.set_label("batch_size", std::to_string(batch_size_));
    state.set_label("input_shape", std::to_string(batch_size_) + "x1x28x28");
    state.set_label("dataset", dataset_description_);
    if (synthetic_) state.add_note("data: synthetic (random images and labels), not Fashion-MNIST");
  }

  // A B B A: in even repetitions the native side runs first, so a drift of the machine within
  // a pair does not always count against the same implementation.
  void order_variants(std::vector<nnbench::Variant>& variants) const override {
    for (std::size_t i = 0; i + 1 < variants.size(); ++i) {
      nnbench::Variant& first = variants[i];
      nnbench::Variant& second = variants[i + 1];
      const bool pair = first.at("implementation") == "dsl" &&
                        second.at("implementation") == "native" &&
                        first.at("model") == second.at("model") &&
                        first.at("repetition") == second.at("repetition");
      if (pair && std::stoll(first.at("repetition")) % 2 == 0) std::swap(first, second);
    }
  }

  void adjust_measurement(const State&, nnbench::MeasurementConfig& config) const override {
    // One sample per epoch, every epoch: a training run's length is part of what is measured.
    config.mode = nnbench::SamplingMode::Fixed;
    config.iterations = static_cast<int>(epochs_);
    config.warmup_iterations = 0;
    config.iterations_per_sample = 1;
    config.timeout_s = std::max(config.timeout_s, 24 * 3600.0);
  }

  void run_once(State&) override {
    train_losses_.push_back(suites::train_epoch(*trainee_.module, trainee_.forward, trainee_.loss,
                                                *trainee_.optimizer, *loader_));
    ++epochs_done_;
  }

  void finish(State& state) override {
    validate_previous_epoch();
    const suites::Evaluation test =
        suites::evaluate(*trainee_.module, trainee_.forward, trainee_.loss, data_.test, 1024);
    state.add_metric("test_accuracy", test.accuracy, "fraction", true);
    state.add_metric("test_loss", test.loss, "nats");
    state.add_metric({"train_loss", "nats", train_losses_.back(), train_losses_, false});
    if (!validation_accuracy_.empty()) {
      state.add_metric({"validation_accuracy", "fraction", validation_accuracy_.back(),
                        validation_accuracy_, true});
      state.add_metric(
          {"validation_loss", "nats", validation_loss_.back(), validation_loss_, false});
    }
  }

  void teardown(State&) override {
    trainee_ = Trainee{};
    loader_.reset();
  }

  std::vector<nnbench::Result> derive_results(
      const std::vector<nnbench::Result>& results) const override {
    // Per model: one row per repetition, and with several repetitions a pooled row ("all":
    // epoch times of every repetition pooled, accuracy and loss averaged).
    std::vector<nnbench::Result> rows;
    std::map<std::string,
             std::pair<std::vector<const nnbench::Result*>, std::vector<const nnbench::Result*>>>
        by_model;
    std::vector<std::string> model_order;
    for (const nnbench::Result& dsl : results) {
      if (!is_ok(dsl, "dsl")) continue;
      for (const nnbench::Result& native : results) {
        if (!is_ok(native, "native") || native.variant.at("model") != dsl.variant.at("model") ||
            native.variant.at("repetition") != dsl.variant.at("repetition")) {
          continue;
        }
        const std::string model = dsl.variant.at("model");
        rows.push_back(comparison_row(dsl, native, model, dsl.variant.at("repetition")));
        if (!by_model.count(model)) model_order.push_back(model);
        by_model[model].first.push_back(&dsl);
        by_model[model].second.push_back(&native);
      }
    }
    for (const std::string& model : model_order) {
      const auto& [dsl_runs, native_runs] = by_model[model];
      if (dsl_runs.size() < 2) continue;
      rows.push_back(comparison_row(pooled(dsl_runs), pooled(native_runs), model, "all"));
    }
    return rows;
  }

 private:
  static bool is_ok(const nnbench::Result& r, const std::string& implementation) {
    return r.status == nnbench::ResultStatus::Ok && r.variant.has("implementation") &&
           r.variant.at("implementation") == implementation;
  }

  // Several repetitions of one implementation as one result: epoch times and rates pooled
  // (median of all epochs), accuracy and loss averaged.
  static nnbench::Result pooled(const std::vector<const nnbench::Result*>& runs) {
    nnbench::Result merged = *runs.front();
    merged.metrics.clear();
    for (const char* name : {"latency_ms", "throughput"}) {
      nnbench::Metric metric = *runs.front()->find_metric(name);
      metric.samples.clear();
      for (const nnbench::Result* run : runs) {
        const auto& samples = run->find_metric(name)->samples;
        metric.samples.insert(metric.samples.end(), samples.begin(), samples.end());
      }
      metric.statistics = nnbench::compute_statistics(metric.samples);
      metric.value = metric.statistics->median;
      merged.metrics.push_back(metric);
    }
    for (const char* name : {"test_accuracy", "test_loss"}) {
      nnbench::Metric metric = *runs.front()->find_metric(name);
      double sum = 0;
      for (const nnbench::Result* run : runs) sum += run->find_metric(name)->value;
      metric.value = sum / static_cast<double>(runs.size());
      merged.metrics.push_back(metric);
    }
    return merged;
  }

  static nnbench::Result comparison_row(const nnbench::Result& dsl, const nnbench::Result& native,
                                        const std::string& model, const std::string& repetition) {
    nnbench::Result row = suites::compare_pair(
        dsl, native, "dsl", "native",
        {"latency_ms", "throughput", "test_accuracy", "test_loss", "peak_rss_bytes",
         "rss_delta_bytes", "device_peak_allocated_bytes", "build_time_ms", "parameter_count"},
        nnbench::Variant{
            {{"model", model}, {"repetition", repetition}, {"implementation", "dsl_vs_native"}},
            {{"repetition", nnbench::AxisType::Int}}});
    const double accuracy_diff =
        dsl.find_metric("test_accuracy")->value - native.find_metric("test_accuracy")->value;
    const double loss_diff =
        dsl.find_metric("test_loss")->value - native.find_metric("test_loss")->value;
    const bool equivalent = std::fabs(accuracy_diff) < 0.01 && std::fabs(loss_diff) < 0.1;
    row.metrics.push_back({"equivalent", "bool", equivalent ? 1.0 : 0.0, std::nullopt, {}, true});
    row.labels["implementation"] = "dsl_vs_native";
    row.labels["verdict"] = fmt_verdict(equivalent, accuracy_diff, loss_diff);
    return row;
  }

  static std::string fmt_verdict(bool equivalent, double accuracy_diff, double loss_diff) {
    char text[160];
    std::snprintf(text, sizeof text, "%s (|accuracy diff| %.4f %s 0.01, |loss diff| %.4f %s 0.1)",
                  equivalent ? "equivalent" : "NOT equivalent", std::fabs(accuracy_diff),
                  std::fabs(accuracy_diff) < 0.01 ? "<" : ">=", std::fabs(loss_diff),
                  std::fabs(loss_diff) < 0.1 ? "<" : ">=");
    return text;
  }

  // Loads and prepares the data once per data option; variants reuse it.
  void load_data(const State& state) {
    const std::string source = suites::training_data_source(state);
    const long long train_limit = state.options().get_int("train_limit");
    const long long test_limit = state.options().get_int("test_limit");
    const std::string key = source + "|" + std::to_string(train_limit) + "|" +
                            std::to_string(test_limit) + "|" + device_.str();
    if (key == data_key_) return;
    engine::MnistDataset dataset = source == "synthetic"
                                       ? engine::synthetic_mnist_like(60000, 10000, state.seed())
                                       : engine::load_mnist_format(source);
    dataset.train = dataset.train.head(train_limit);
    dataset.test = dataset.test.head(test_limit);
    synthetic_ = dataset.synthetic;
    dataset_description_ = (synthetic_ ? std::string("synthetic") : source) + " (" +
                           std::to_string(dataset.train.size()) + " train, " +
                           std::to_string(dataset.test.size()) + " test)";
    engine::PrepareOptions prepare;
    prepare.validation_fraction = 0.2;
    prepare.split_seed = state.seed();
    prepare.device = device_;
    data_ = engine::prepare_data(dataset, prepare);
    data_key_ = key;
  }

  Trainee make_trainee(bool dsl, const nnbench::dsl::ir::Network& network,
                       const std::string& model) const {
    Trainee t;
    if (dsl) {
      engine::BuiltModel built = engine::build_model(network, {seed_});
      built.module->to(device_);
      t.module = built.module.ptr();
      t.forward = [module = built.module](const torch::Tensor& x) mutable {
        return module->forward(x);
      };
      t.loss = built.loss;
      t.optimizer = built.make_optimizer(built.module->parameters());
    } else {
      auto native = suites::make_native_model(model, seed_);
      native->to(device_);
      t.module = native;
      t.forward = [native](const torch::Tensor& x) { return native->forward(x); };
      t.loss = [](const torch::Tensor& logits, const torch::Tensor& targets) {
        return torch::nn::functional::cross_entropy(logits, targets);
      };
      t.optimizer = std::make_unique<torch::optim::Adam>(native->parameters(),
                                                         torch::optim::AdamOptions(1e-3));
    }
    return t;
  }

  // A few training steps on a throwaway model of the same implementation, so allocator caches,
  // thread pools and kernels are warm before the measured model is built.
  void warm_up(const State& state, bool dsl, const nnbench::dsl::ir::Network& network,
               const std::string& model) {
    const long long batches = state.options().get_int("warmup_batches");
    if (batches == 0) return;
    Trainee scratch = make_trainee(dsl, network, model);
    engine::DataLoader loader(data_.train, {batch_size_, false, 0, false, false, std::nullopt});
    loader.start_epoch();
    engine::Batch batch;
    for (long long i = 0; i < batches && loader.next(batch); ++i) {
      scratch.optimizer->zero_grad();
      scratch.loss(scratch.forward(batch.inputs), batch.targets).backward();
      scratch.optimizer->step();
    }
    engine::synchronize(device_);
  }

  // Runs before each sample, untimed: evaluates the epoch just trained on the validation part.
  void validate_previous_epoch() {
    if (epochs_done_ == 0 || static_cast<std::size_t>(epochs_done_) == validation_accuracy_.size())
      return;
    if (data_.validation.size() == 0) return;
    const suites::Evaluation v =
        suites::evaluate(*trainee_.module, trainee_.forward, trainee_.loss, data_.validation, 1024);
    validation_accuracy_.push_back(v.accuracy);
    validation_loss_.push_back(v.loss);
  }

  torch::Device device_{torch::kCPU};
  std::uint64_t seed_ = 0;
  long long epochs_ = 1, batch_size_ = 128;
  std::string data_key_, dataset_description_;
  bool synthetic_ = false;
  engine::PreparedData data_;
  Trainee trainee_;
  std::unique_ptr<engine::DataLoader> loader_;
  std::vector<double> train_losses_, validation_accuracy_, validation_loss_;
  long long epochs_done_ = 0;
};

}  // namespace

NNBENCH_REGISTER(DslVsNative, "dsl_vs_native");
