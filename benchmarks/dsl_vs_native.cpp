// dsl_vs_native: the seed models trained on real Fashion-MNIST twice, compiled from models/*.nn
// by the model language and hand-written, with the same seed, initial weights and
// hyperparameters, in one framework at a time (axis backend, opt-in: --backends):
//   torch   (default) in-process LibTorch: the language's module builder vs the hand-written
//           LibTorch twins of suites/native_models;
//   pytorch, keras   the framework's own runtime in a worker process (suites/epoch_worker): the
//           language's emitted code (--emit pytorch / --emit keras) vs the hand-written twins of
//           scripts/nnbench_handwritten_<framework>.py, which start from the emitted model's
//           initial state; both read the same split of the same images (written as IDX files)
//           in the same order.
// One sample = one epoch. Each backend's two implementations run next to each other,
// interleaved in the order A B B A A B ... (the first side alternates by repetition) so that
// machine drift hits both alike; derived rows compare them metric by metric, per backend, with
// the seed's equivalence verdict (accuracy difference < 0.01 and loss difference < 0.1).
//
// Options (options() below): data=DIR|synthetic (default: Debian's Fashion-MNIST), epochs=N,
// batch_size=N, train_limit=N, test_limit=N (use the first N samples), warmup_batches=N,
// python=PATH and worker_timeout_s=N (worker back ends). --quick trains two epochs on 2,560
// samples.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <tuple>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/engine/data/data_loader.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/epoch_worker.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/implementation_comparison.hpp"
#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/native_models.hpp"
#include "nnbench/suites/scratch_directory.hpp"
#include "nnbench/suites/training_loop.hpp"

namespace {

using nnbench::State;
namespace engine = nnbench::engine;
namespace suites = nnbench::suites;
namespace fs = std::filesystem;

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
    return "Training of the seed models on Fashion-MNIST: model language vs hand-written code, "
           "in LibTorch, PyTorch or Keras";
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
            int_option("warmup_batches", 10, "untimed training steps before the first epoch"), "2"),
        suites::python_option(),
        int_option("worker_timeout_s", 3600,
                   "backends pytorch, keras: seconds a worker process may take before it is "
                   "stopped",
                   1, 7 * 86400)};
  }

  std::vector<nnbench::Axis> axes() const override {
    return {suites::model_axis({"simple_mlp", "cnn", "deep_mlp"}, {suites::ModelKind::LanguageFile},
                               "a seed model with a hand-written twin: simple_mlp, cnn, deep_mlp",
                               /*need_native_twin=*/true),
            nnbench::int_axis("repetition", {1}, "repetition (same seed within one)"),
            nnbench::string_axis("implementation", {"dsl", "native"},
                                 "compiled from models/*.nn, or hand-written", {"dsl", "native"}),
            // The framework both sides train in (--backends). Declared last, so that the names
            // of existing runs stay; order_variants puts each backend's pair together.
            nnbench::opt_in_axis(nnbench::string_axis(
                "backend", {"torch"},
                "the framework both sides train in: torch (in-process LibTorch), pytorch or keras "
                "(the framework's runtime in a worker process)",
                {"torch", "pytorch", "keras"}))};
  }

  void setup(State& state) override {
    worker_timer_ = nullptr;
    const suites::ModelSource source = suites::resolve_model(state.get_string("model"));
    const std::string& model = source.name;
    const bool dsl = state.get_string("implementation") == "dsl";
    const std::string backend =
        state.variant().has("backend") ? state.get_string("backend") : std::string("torch");
    seed_ = state.seed() + static_cast<std::uint64_t>(state.get_int("repetition"));

    // The language's model gives the hyperparameters; the native side hard-codes the seed's
    // (batch 128, Adam 1e-3, 5 epochs), as a hand-written program would.
    const auto parse_start = std::chrono::steady_clock::now();
    const nnbench::dsl::ir::Network network = suites::load_language_model(source);
    const double parse_ms = elapsed_ms(parse_start);
    epochs_ = state.options().find_int("epochs").value_or(dsl ? network.train.epochs : 5);
    batch_size_ =
        state.options().find_int("batch_size").value_or(dsl ? network.train.batch_size : 128);
    if (dsl) state.add_metric("parse_time_ms", parse_ms, "ms");
    set_labels(state, model, dsl);
    if (backend != "torch") {
      setup_worker(state, backend, network, model, dsl);
      return;
    }

    device_ = engine::resolve_device(state.device());
    engine::attach_device_memory_probe(state, state.device());  // device peaks on a GPU
    load_data(state);
    state.set_label("dataset", dataset_description_);
    if (synthetic_) state.add_note("data: synthetic (random images and labels), not Fashion-MNIST");
    warm_up(state, dsl, network, model);
    const auto build_start = std::chrono::steady_clock::now();
    trainee_ = make_trainee(dsl, network, model);
    const double build_ms = elapsed_ms(build_start);
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
    state.set_label("framework", "libtorch");
  }

  // Each backend's dsl and native variants next to each other (the expansion has the backend
  // innermost), then A B B A: in even repetitions the native side runs first, so a drift of the
  // machine within a pair does not always count against the same implementation.
  void order_variants(std::vector<nnbench::Variant>& variants) const override {
    const auto rank = [&](const char* axis) {
      std::map<std::string, std::size_t> first_seen;
      for (const nnbench::Variant& v : variants) {
        first_seen.emplace(axis_value(v, axis), first_seen.size());
      }
      return first_seen;
    };
    const auto models = rank("model"), repetitions = rank("repetition"), backends = rank("backend");
    std::stable_sort(variants.begin(), variants.end(),
                     [&](const nnbench::Variant& a, const nnbench::Variant& b) {
                       const auto key = [&](const nnbench::Variant& v) {
                         return std::make_tuple(models.at(axis_value(v, "model")),
                                                repetitions.at(axis_value(v, "repetition")),
                                                backends.at(axis_value(v, "backend")));
                       };
                       return key(a) < key(b);
                     });
    for (std::size_t i = 0; i + 1 < variants.size(); ++i) {
      nnbench::Variant& first = variants[i];
      nnbench::Variant& second = variants[i + 1];
      const bool pair = first.at("implementation") == "dsl" &&
                        second.at("implementation") == "native" &&
                        suites::same_comparison_pair(first, second);
      if (pair && std::stoll(first.at("repetition")) % 2 == 0) std::swap(first, second);
    }
  }

  void adjust_measurement(const State&, nnbench::MeasurementConfig& config) const override {
    if (worker_timer_) {  // the worker trained already: its epochs are the samples
      worker_timer_->fix_sampling(config);
      return;
    }
    // One sample per epoch, every epoch: a training run's length is part of what is measured.
    config.mode = nnbench::SamplingMode::Fixed;
    config.iterations = static_cast<int>(epochs_);
    config.warmup_iterations = 0;
    config.iterations_per_sample = 1;
    config.timeout_s = std::max(config.timeout_s, 24 * 3600.0);
  }

  void run_once(State&) override {
    if (worker_timer_) return;  // the epoch ran in the worker; its timer hands out its time
    train_losses_.push_back(suites::train_epoch(*trainee_.module, trainee_.forward, trainee_.loss,
                                                *trainee_.optimizer, *loader_));
    ++epochs_done_;
  }

  void finish(State& state) override {
    if (worker_timer_) return;  // the worker's figures were recorded in setup()
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
    worker_timer_ = nullptr;
  }

  // Per model and backend, the language's side against the hand-written one, with the seed's
  // verdict (implementation_comparison.hpp).
  std::vector<nnbench::Result> derive_results(
      const std::vector<nnbench::Result>& results) const override {
    return suites::implementation_comparison_rows(results);
  }

 private:
  // An axis value, or "" where the variant lacks the axis (backend is opt-in).
  static std::string axis_value(const nnbench::Variant& v, const char* axis) {
    return v.has(axis) ? v.at(axis) : std::string();
  }

  void set_labels(State& state, const std::string& model, bool dsl) const {
    state.set_label("model", model);
    state.set_label("mode", "train");
    state.set_label("implementation", dsl ? "dsl" : "native");
    state.set_label("dtype", "fp32");
    state.set_label("batch_size", std::to_string(batch_size_));
    state.set_label("input_shape", std::to_string(batch_size_) + "x1x28x28");
  }

  // Backends pytorch and keras: both implementations train in the framework's worker process,
  // on the data written for it; the worker's report becomes the variant's figures. The native
  // side gets the emitted code too: its hand-written model starts from that model's initial
  // state.
  void setup_worker(State& state, const std::string& backend,
                    const nnbench::dsl::ir::Network& network, const std::string& model, bool dsl) {
    const fs::path& data = worker_data(state);
    const auto emit_start = std::chrono::steady_clock::now();
    const std::string code = backend == "pytorch" ? nnbench::dsl::emit_pytorch(network)
                                                  : nnbench::dsl::emit_keras(network);
    if (dsl) state.add_metric("codegen_time_ms", elapsed_ms(emit_start), "ms");
    const suites::ScratchDirectory scratch;
    const fs::path module = scratch.path() / (network.name + ".py");
    std::ofstream(module) << code;
    suites::EpochWorkerSpec spec;
    spec.python = state.options().get_string("python");
    spec.script = "nnbench_worker_" + backend + ".py";
    spec.module = module;
    spec.network = network.name;
    spec.handwritten = dsl ? "" : model;
    spec.data = data;
    spec.batch_size = batch_size_;
    spec.epochs = epochs_;
    spec.warmup_batches = state.options().get_int("warmup_batches");
    spec.seed = seed_;
    spec.device = state.device();
    // The framework computes with as many threads as LibTorch does here (--threads), so that
    // the backends' figures compare.
    spec.threads = at::get_num_threads();
    // The worker's heap gets the run's placement policy, so both sides are measured alike.
    const suites::WorkerReport report = suites::run_framework_worker(
        suites::epoch_worker_command(spec), nnbench::host_allocator_environment(),
        std::chrono::seconds(state.options().get_int("worker_timeout_s")));
    worker_timer_ = &suites::record_epoch_report(state, report);
    state.set_label("dataset", worker_dataset_description_);
    if (worker_synthetic_) {
      state.add_note("data: synthetic (random images and labels), not Fashion-MNIST");
    }
  }

  // The data a worker reads, written once per data option into a directory of IDX files that
  // lives as long as the benchmark (the split of the in-process backend: see write_worker_data).
  const fs::path& worker_data(const State& state) {
    const std::string source = suites::training_data_source(state);
    const long long train_limit = state.options().get_int("train_limit");
    const long long test_limit = state.options().get_int("test_limit");
    const std::string key =
        source + "|" + std::to_string(train_limit) + "|" + std::to_string(test_limit);
    if (key != worker_data_key_ || !worker_data_) {
      engine::MnistDataset dataset = source == "synthetic"
                                         ? engine::synthetic_mnist_like(60000, 10000, state.seed())
                                         : engine::load_mnist_format(source);
      dataset.train = dataset.train.head(train_limit);
      dataset.test = dataset.test.head(test_limit);
      worker_data_ = std::make_unique<suites::ScratchDirectory>();
      suites::write_worker_data(dataset, kValidationFraction, state.seed(), worker_data_->path());
      worker_synthetic_ = dataset.synthetic;
      worker_dataset_description_ = (dataset.synthetic ? std::string("synthetic") : source) + " (" +
                                    std::to_string(dataset.train.size()) + " train, " +
                                    std::to_string(dataset.test.size()) + " test)";
      worker_data_key_ = key;
    }
    return worker_data_->path();
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
    prepare.validation_fraction = kValidationFraction;
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

  // The seed's validation_split: the part of the training images held out for validation.
  static constexpr double kValidationFraction = 0.2;

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
  // Worker backends.
  suites::ReportedSampleTimer* worker_timer_ = nullptr;
  std::string worker_data_key_, worker_dataset_description_;
  bool worker_synthetic_ = false;
  std::unique_ptr<suites::ScratchDirectory> worker_data_;
};

}  // namespace

NNBENCH_REGISTER(DslVsNative, "dsl_vs_native");
