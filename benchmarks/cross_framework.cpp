// cross_framework (suite cross-framework): one model of the language run by several frameworks
// and measured by one harness. Axis `backend`: `torch` runs the language's in-process LibTorch
// module (timed by the harness around each call); the others write the language's code for a
// framework and run it in that framework's own runtime as a worker process: `pytorch`
// (`--emit pytorch`; `pytorch-compile`: under torch.compile), `jax` (`--emit jax`: Flax/Optax,
// jitted) and `keras` (`--emit keras`: Keras 3 on TensorFlow). A worker times each call itself
// with its framework's synchronisation and streams the raw samples back; nnbench computes every
// statistic from them alike. A first call that compiles is reported as compile_time_ms.
// Parameter counts come from each framework. A worker that crashes, hangs past
// --option worker_timeout_s (600) or prints something else fails its variant with its standard
// error's last lines; a framework that is missing makes the variant unavailable (jax and keras
// come with `make setup-frameworks`).
//
// Axis `mode`: `inference` (one forward pass per sample), `train` (one training step per sample)
// or `epoch`: training on real Fashion-MNIST (--option data=DIR), one epoch over the first
// train_limit images per sample (default all 60,000; --quick 6,000), --option epochs=N (1), then
// the test accuracy on the first test_limit test images (default all) as metric test_accuracy.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/emit_jax.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/engine/data/data_loader.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/reported_sample_timer.hpp"
#include "nnbench/suites/scratch_directory.hpp"
#include "nnbench/suites/trainable_model.hpp"
#include "nnbench/suites/training_loop.hpp"

namespace {

namespace fs = std::filesystem;
namespace suites = nnbench::suites;
namespace engine = nnbench::engine;

// How a worker backend gets its code, which script runs it, and whether its first call compiles
// (torch.compile, XLA under jax.jit, Keras's traced step): then it is reported as compile_time_ms.
struct WorkerBackend {
  std::string (*emit)(const nnbench::dsl::ir::Network&);
  const char* script;
  const char* framework_label;
  bool first_call_compiles;
};

WorkerBackend worker_backend(const std::string& backend) {
  namespace dsl = nnbench::dsl;
  if (backend == "pytorch") {
    return {dsl::emit_pytorch, "nnbench_worker_pytorch.py", "pytorch", false};
  }
  if (backend == "pytorch-compile") {
    return {dsl::emit_pytorch, "nnbench_worker_pytorch.py", "pytorch (torch.compile)", true};
  }
  if (backend == "jax") return {dsl::emit_jax, "nnbench_worker_jax.py", "jax", true};
  return {dsl::emit_keras, "nnbench_worker_keras.py", "keras", true};
}

class CrossFramework final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "One model of the language in several frameworks (in-process LibTorch; PyTorch, JAX "
           "and Keras in their own runtimes as worker processes), measured by one harness";
  }

  std::vector<nnbench::Option> options() const override {
    using nnbench::int_option;
    return {
        nnbench::with_default_note(
            nnbench::path_option("data", "", "mode epoch: an MNIST-format directory (IDX files)"),
            "Debian's Fashion-MNIST, " + engine::default_fashion_mnist_dir().string()),
        int_option("epochs", 1, "mode epoch: training epochs", 1, 100000),
        nnbench::with_quick_default(
            int_option("train_limit", 0, "mode epoch: train on the first N images (0: all)"),
            "6000"),
        int_option("test_limit", 0, "mode epoch: test on the first N images (0: all)"),
        suites::python_option(),
        int_option("worker_timeout_s", 600,
                   "seconds a framework's worker process may take before it is stopped", 1, 86400)};
  }

  std::vector<nnbench::Axis> axes() const override {
    return {suites::model_axis({"simple_mlp"}, {suites::ModelKind::LanguageFile},
                               "a model-language file: a name in models/ or a path"),
            nnbench::string_axis("backend", {"torch", "pytorch"},
                                 "torch: in-process LibTorch; pytorch: the language's PyTorch "
                                 "Python in a worker process; pytorch-compile: the same under "
                                 "torch.compile; jax: Flax/Optax; keras: Keras 3 on TensorFlow",
                                 {"torch", "pytorch", "pytorch-compile", "jax", "keras"}),
            nnbench::string_axis("mode", {"inference"},
                                 "inference, one training step, or epochs on Fashion-MNIST",
                                 {"inference", "train", "epoch"}),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {32}, "samples per call")};
  }

  void setup(nnbench::State& state) override {
    const nnbench::dsl::ir::Network network = suites::load_language_model(
        suites::resolve_model(state.get_string("model"), {suites::ModelKind::LanguageFile}));
    const long long batch = state.get_int("batch_size");
    const std::string backend = state.get_string("backend");
    const std::string mode = state.get_string("mode");
    state.set_items_per_iteration(static_cast<double>(batch), "samples");
    epochs_ = 0;
    if (mode == "epoch") {
      if (network.input_shape != std::vector<std::int64_t>{1, 28, 28}) {
        throw nnbench::InputError("mode epoch trains on Fashion-MNIST: model '" + network.name +
                                  "' takes (" +
                                  fmt::format("{}", fmt::join(network.input_shape, ", ")) + ")" +
                                  ", not 28x28 images of one channel");
      }
      epochs_ = state.options().get_int("epochs");
      train_limit_ = state.options().get_int("train_limit");
      test_limit_ = state.options().get_int("test_limit");
      data_dir_ = state.options().find_string("data").value_or(
          engine::default_fashion_mnist_dir().string());
    }
    state.set_label("model", network.name);
    state.set_label("mode", mode);
    state.set_label("dtype", state.get_string("dtype"));
    std::vector<std::int64_t> input_shape{batch};
    input_shape.insert(input_shape.end(), network.input_shape.begin(), network.input_shape.end());
    state.set_label("input_shape", suites::shape_text(input_shape));
    worker_timer_ = nullptr;
    if (backend == "torch") {
      setup_in_process(state, network, batch, mode);
    } else {
      setup_worker(state, network, batch, mode);
    }
  }

  void adjust_measurement(const nnbench::State& /*state*/,
                          nnbench::MeasurementConfig& config) const override {
    if (!worker_timer_ && epochs_ > 0) {
      // One sample per epoch, every epoch, and no warm-up epoch (it would train the model).
      config.mode = nnbench::SamplingMode::Fixed;
      config.iterations = static_cast<int>(epochs_);
      config.warmup_iterations = 0;
      config.iterations_per_sample = 1;
      return;
    }
    if (worker_timer_) worker_timer_->fix_sampling(config);
  }

  void run_once(nnbench::State& /*state*/) override {
    if (worker_timer_) return;  // the work ran in the worker; its timer hands out its samples
    if (loader_) {
      last_train_loss_ = suites::train_epoch(*model_.module, model_.step.forward, model_.step.loss,
                                             *optimizer_, *loader_);
    } else if (optimizer_) {
      optimizer_->zero_grad();
      model_.step.loss(model_.step.forward(data_.input), data_.target).backward();
      optimizer_->step();
    } else {
      const torch::InferenceMode inference;
      model_.step.infer(data_.input);
    }
    nnbench::engine::synchronize(device_);
  }

  void finish(nnbench::State& state) override {
    if (!loader_) return;
    const suites::Evaluation test =
        suites::evaluate(*model_.module, model_.step.forward, model_.step.loss, data_test_, 1024);
    state.add_metric("test_accuracy", test.accuracy, "fraction", true);
    state.add_metric("train_loss", last_train_loss_, "nats");
  }

  void teardown(nnbench::State& /*state*/) override {
    loader_.reset();
    data_test_ = engine::TensorPair{};
    optimizer_.reset();
    model_ = suites::TrainableModel{};
    data_ = suites::TrainingBatch{};
  }

 private:
  void setup_in_process(nnbench::State& state, const nnbench::dsl::ir::Network& network,
                        long long batch, const std::string& mode) {
    device_ = engine::resolve_device(state.device());
    const torch::ScalarType dtype = engine::parse_dtype(state.get_string("dtype"));
    model_ = suites::make_trainable_model(state, network, dtype, device_);
    if (mode == "epoch") {
      engine::MnistDataset dataset = engine::load_mnist_format(data_dir_);
      engine::PrepareOptions prepare;
      prepare.validation_fraction = 0;
      prepare.device = device_;
      engine::PreparedData prepared =
          engine::prepare_data({dataset.train.head(train_limit_), dataset.test.head(test_limit_),
                                dataset.class_count, dataset.synthetic, dataset.source},
                               prepare);
      if (dtype != torch::kFloat32) {
        prepared.train.inputs = prepared.train.inputs.to(dtype);
        prepared.test.inputs = prepared.test.inputs.to(dtype);
      }
      data_test_ = prepared.test;
      loader_ = std::make_unique<engine::DataLoader>(
          prepared.train,
          engine::DataLoaderOptions{batch, true, state.seed(), false, false, std::nullopt});
      optimizer_ = model_.step.make_optimizer();
      state.set_items_per_iteration(static_cast<double>(prepared.train.size()), "samples");
    } else {
      // One seeded batch, timed call after call.
      data_ = suites::make_training_batch(model_, batch, dtype, device_, state.seed());
      if (mode == "train") {
        optimizer_ = model_.step.make_optimizer();
      } else {
        model_.module->eval();
      }
    }
    state.set_label("framework", "libtorch " + std::string(TORCH_VERSION));
    std::int64_t parameters = 0;
    for (const torch::Tensor& p : model_.module->parameters()) parameters += p.numel();
    state.add_metric("parameter_count", static_cast<double>(parameters), "parameters");
  }

  void setup_worker(nnbench::State& state, const nnbench::dsl::ir::Network& network,
                    long long batch, const std::string& mode) {
    const std::string backend = state.get_string("backend");
    const WorkerBackend worker = worker_backend(backend);
    suites::ScratchDirectory scratch;
    const fs::path module = scratch.path() / (network.name + ".py");
    std::ofstream(module) << worker.emit(network);
    const std::string python = state.options().get_string("python");
    const bool epochs = mode == "epoch";
    std::vector<std::string> command{
        python,         (fs::path(NNBENCH_SCRIPTS_DIR) / worker.script).string(),
        "--module",     module.string(),
        "--network",    network.name,
        "--mode",       mode,
        "--batch",      std::to_string(batch),
        "--warmup",     std::to_string(epochs ? 0 : state.requested_warmup()),
        "--iterations", std::to_string(epochs ? epochs_ : state.requested_iterations()),
        "--seed",       std::to_string(state.seed()),
        "--device",     state.device(),
        "--dtype",      state.get_string("dtype")};
    if (epochs) {
      command.insert(command.end(),
                     {"--data", data_dir_, "--train-limit", std::to_string(train_limit_),
                      "--test-limit", std::to_string(test_limit_)});
    }
    if (backend == "pytorch-compile") command.push_back("--compile");
    const auto timeout = std::chrono::seconds(state.options().get_int("worker_timeout_s"));
    // The worker's heap gets the run's placement policy, so both sides are measured alike.
    const suites::WorkerReport report =
        suites::run_framework_worker(command, nnbench::host_allocator_environment(), timeout);
    if (report.samples_ns.empty()) throw nnbench::Error("the worker reported no samples");
    const auto meta = [&](const char* key) {
      const auto found = report.meta.find(key);
      return found == report.meta.end() ? std::string("?") : found->second;
    };
    state.set_label("framework", std::string(worker.framework_label) + " " + meta("version") +
                                     " (python " + meta("python") + ")");
    const auto add = [&](const char* key, const char* name, const char* unit, bool primary) {
      if (report.meta.count(key)) {
        state.add_metric(name, std::stod(report.meta.at(key)), unit, primary);
      }
    };
    // With a compiler, the first call is the compilation; otherwise the cold first call.
    add("first_call_ms", worker.first_call_compiles ? "compile_time_ms" : "first_call_ms", "ms",
        false);
    add("parameters", "parameter_count", "parameters", false);
    add("test_accuracy", "test_accuracy", "fraction", true);
    add("train_loss", "train_loss", "nats", false);
    if (report.meta.count("train_samples")) {
      state.set_items_per_iteration(std::stod(report.meta.at("train_samples")), "samples");
    }
    auto timer = std::make_unique<suites::ReportedSampleTimer>(report.samples_ns,
                                                               "worker process: " + meta("timer"));
    worker_timer_ = timer.get();
    state.set_timer(std::move(timer));
    state.add_note("timed by the worker process (" + meta("timer") + "), " +
                   std::to_string(report.samples_ns.size()) +
                   (epochs ? " epoch(s), the first with any compilation"
                           : " samples after " + std::to_string(state.requested_warmup()) +
                                 " warm-up iteration(s)"));
  }

  torch::Device device_{torch::kCPU};
  suites::TrainableModel model_;
  suites::TrainingBatch data_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  // Epoch mode.
  long long epochs_ = 0, train_limit_ = 0, test_limit_ = 0;
  std::string data_dir_;
  std::unique_ptr<engine::DataLoader> loader_;
  engine::TensorPair data_test_;
  double last_train_loss_ = 0;
  suites::ReportedSampleTimer* worker_timer_ = nullptr;
};

}  // namespace

NNBENCH_REGISTER(CrossFramework, "cross_framework");
