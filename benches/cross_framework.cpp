// cross_framework (suite cross-framework): one model of the language run by several frameworks
// and measured by one harness. Axis `backend`: `torch` runs the language's in-process LibTorch
// module (timed by the harness around each call); `pytorch` writes the language's PyTorch Python
// (`nnbench compile --emit pytorch`) and runs it in PyTorch's own runtime as a worker process
// (scripts/nnbench_worker_pytorch.py; `pytorch-compile`: under torch.compile, its compilation
// reported as compile_time_ms), which times each call itself with the framework's
// synchronisation and streams the raw samples back; nnbench computes every statistic from them
// alike. Parameter counts come from each framework. A worker that crashes, hangs past
// --option worker_timeout_s (600) or prints something else fails its variant with its standard
// error's last lines; a framework that is missing makes the variant unavailable.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/engine/torch_runtime.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/language_model.hpp"
#include "nnbench/suites/trainable_model.hpp"

namespace {

namespace fs = std::filesystem;
namespace suites = nnbench::suites;
namespace engine = nnbench::engine;

// Hands the harness the samples a worker measured, one per run_once() call, in order.
class ReportedSampleTimer final : public nnbench::Timer {
 public:
  ReportedSampleTimer(std::vector<double> samples_ns, std::string kind)
      : samples_ns_(std::move(samples_ns)), kind_(std::move(kind)) {}
  void start() override {}
  void stop() override {}
  double elapsed_ns() override {
    if (next_ >= samples_ns_.size()) throw nnbench::Error("more samples asked than reported");
    return samples_ns_[next_++];
  }
  std::string kind() const override { return kind_; }
  std::string synchronization() const override {
    return "the worker's own, around each call (see the timer kind)";
  }
  std::size_t count() const { return samples_ns_.size(); }

 private:
  std::vector<double> samples_ns_;
  std::string kind_;
  std::size_t next_ = 0;
};

// A directory of its own under the temporary directory, removed with the object.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "nnbench-worker-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw nnbench::IoError("cannot make a directory under " + fs::temp_directory_path().string());
    }
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class CrossFramework final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "One model of the language in several frameworks (in-process LibTorch; PyTorch's "
           "Python runtime as a worker process), measured by one harness";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::string_axis("model", {"simple_mlp"},
                                 "a model in models/ (or --option model=FILE)"),
            nnbench::string_axis("backend", {"torch", "pytorch"},
                                 "torch: in-process LibTorch; pytorch: the language's PyTorch "
                                 "Python in a worker process; pytorch-compile: the same under "
                                 "torch.compile",
                                 {"torch", "pytorch", "pytorch-compile"}),
            nnbench::string_axis("mode", {"inference"}, "inference or one training step",
                                 {"inference", "train"}),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {32}, "samples per call")};
  }

  void setup(nnbench::State& state) override {
    const nnbench::dsl::ir::Network network = suites::load_language_model(
        fs::path(NNBENCH_SOURCE_DIR) / "models", state.get_string("model"), state.option("model"));
    const long long batch = state.get_int("batch_size");
    if (batch < 1) throw nnbench::InputError("axis 'batch_size': expected >= 1");
    const std::string backend = state.get_string("backend");
    const std::string mode = state.get_string("mode");
    state.set_items_per_iteration(static_cast<double>(batch), "samples");
    state.set_label("model", network.name);
    state.set_label("mode", mode);
    state.set_label("dtype", state.get_string("dtype"));
    worker_timer_ = nullptr;
    if (backend == "torch") {
      setup_in_process(state, network, batch, mode);
    } else {
      setup_worker(state, network, batch, mode);
    }
  }

  void adjust_measurement(const nnbench::State& /*state*/,
                          nnbench::MeasurementConfig& config) const override {
    if (!worker_timer_) return;
    // The worker ran warm-up and measured iterations already: one sample per reported one.
    config.mode = nnbench::SamplingMode::Fixed;
    config.iterations = static_cast<int>(worker_timer_->count());
    config.warmup_iterations = 0;
    config.iterations_per_sample = 1;
  }

  void run_once(nnbench::State& /*state*/) override {
    if (worker_timer_) return;  // the work ran in the worker; its timer hands out its samples
    if (optimizer_) {
      optimizer_->zero_grad();
      model_.step.loss(model_.step.forward(data_.input), data_.target).backward();
      optimizer_->step();
    } else {
      const torch::InferenceMode inference;
      model_.step.infer(data_.input);
    }
    nnbench::engine::synchronize(device_);
  }

  void teardown(nnbench::State& /*state*/) override {
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
    data_ = suites::make_training_batch(model_, batch, dtype, device_, state.seed());
    if (mode == "train") {
      optimizer_ = model_.step.make_optimizer();
    } else {
      model_.module->eval();
    }
    state.set_label("framework", "libtorch " + std::string(TORCH_VERSION));
    std::int64_t parameters = 0;
    for (const torch::Tensor& p : model_.module->parameters()) parameters += p.numel();
    state.add_metric("parameter_count", static_cast<double>(parameters), "parameters");
  }

  void setup_worker(nnbench::State& state, const nnbench::dsl::ir::Network& network,
                    long long batch, const std::string& mode) {
    ScratchDirectory scratch;
    const fs::path module = scratch.path() / (network.name + ".py");
    std::ofstream(module) << nnbench::dsl::emit_pytorch(network);
    const std::string python = state.option("python", NNBENCH_SCRIPT_PYTHON);
    std::vector<std::string> command{
        python,         (fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_worker_pytorch.py").string(),
        "--module",     module.string(),
        "--network",    network.name,
        "--mode",       mode,
        "--batch",      std::to_string(batch),
        "--warmup",     std::to_string(state.requested_warmup()),
        "--iterations", std::to_string(state.requested_iterations()),
        "--seed",       std::to_string(state.seed()),
        "--device",     state.device(),
        "--dtype",      state.get_string("dtype")};
    const bool compiled = state.get_string("backend") == "pytorch-compile";
    if (compiled) command.push_back("--compile");
    const auto timeout = std::chrono::seconds(state.count_option("worker_timeout_s", 600));
    // The worker's heap gets the run's placement policy, so both sides are measured alike.
    const suites::WorkerReport report =
        suites::run_framework_worker(command, nnbench::host_allocator_environment(), timeout);
    if (report.samples_ns.empty()) throw nnbench::Error("the worker reported no samples");
    const auto meta = [&](const char* key) {
      const auto found = report.meta.find(key);
      return found == report.meta.end() ? std::string("?") : found->second;
    };
    state.set_label("framework", std::string(compiled ? "pytorch (torch.compile) " : "pytorch ") +
                                     meta("version") + " (python " + meta("python") + ")");
    if (report.meta.count("first_call_ms")) {
      // With torch.compile, the compilation; otherwise the cold first call.
      state.add_metric(compiled ? "compile_time_ms" : "first_call_ms",
                       std::stod(report.meta.at("first_call_ms")), "ms");
    }
    if (report.meta.count("parameters")) {
      state.add_metric("parameter_count", std::stod(report.meta.at("parameters")), "parameters");
    }
    auto timer = std::make_unique<ReportedSampleTimer>(report.samples_ns,
                                                       "worker process: " + meta("timer"));
    worker_timer_ = timer.get();
    state.set_timer(std::move(timer));
    state.add_note("timed by the worker process (" + meta("timer") + "), " +
                   std::to_string(report.samples_ns.size()) + " samples after " +
                   std::to_string(state.requested_warmup()) + " warm-up iteration(s)");
  }

  torch::Device device_{torch::kCPU};
  suites::TrainableModel model_;
  suites::TrainingBatch data_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  ReportedSampleTimer* worker_timer_ = nullptr;
};

}  // namespace

NNBENCH_REGISTER(CrossFramework, "cross_framework");
