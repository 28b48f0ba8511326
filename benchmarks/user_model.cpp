// user_model (suite user-model): a model the user brings, run under nnbench's harness by the
// back ends that fit it, each checked against eager PyTorch before it is timed
// (docs/your-model.md).
//
// Models: a .py file (`model()` and `example_inputs(batch_size, dtype, device)`, or
// `file.py:FACTORY`), a .pt2 archive (a torch.export program, or an AOTInductor package), an
// .onnx file; also the zoo's resnet50 and vit_b_16 and a model-language file, so that one model
// runs in LibTorch (the inference suite), PyTorch, AOTInductor and ONNX Runtime side by side.
// Back ends (axis `backend`):
//   pytorch          eager PyTorch in its own runtime (a worker process): the reference;
//   pytorch-compile  torch.compile in the worker, axis compile_mode (default, reduce-overhead,
//                    max-autotune); the first call, the compilation, is compile_time_ms;
//   aot, aot+graph   torch.export -> AOTInductor (compiled once into the cache), the package
//                    run from C++ and timed by nnbench's own harness (CUDA events on a GPU), and
//                    replayed from a CUDA graph; compile_mode max-autotune compiles with
//                    Inductor's max_autotune;
//   onnxruntime      the model exported with torch.onnx (or the user's .onnx) in ONNX Runtime's
//                    CPU execution provider, axes ort_optimization and ort_threads.
// A worker times its calls itself and streams the raw samples; nnbench computes every statistic.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/environment.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"
#include "nnbench/engine/runtime/device_memory_guard.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/aot_package.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/output_check.hpp"
#include "nnbench/suites/python_model.hpp"
#include "nnbench/suites/reported_sample_timer.hpp"

namespace {

namespace fs = std::filesystem;
namespace suites = nnbench::suites;
namespace engine = nnbench::engine;
using nnbench::InputError;
using suites::ModelKind;

const std::vector<std::string>& backend_names() {
  static const std::vector<std::string> names{"pytorch", "pytorch-compile", "aot", "aot+graph",
                                              "onnxruntime"};
  return names;
}

// What one variant runs, read from its axes.
struct Spec {
  suites::ModelSource source;
  std::string backend, compile_mode, ort_optimization, dtype_name;
  long long ort_threads = 0, batch_size = 1;
  torch::ScalarType dtype = torch::kFloat32;

  bool aot() const { return backend == "aot" || backend == "aot+graph"; }
};

Spec read_spec(const nnbench::State& state) {
  Spec spec;
  spec.source = suites::resolve_model(state.get_string("model"));
  spec.backend = state.get_string("backend");
  spec.compile_mode = state.get_string("compile_mode");
  spec.ort_optimization = state.get_string("ort_optimization");
  spec.ort_threads = state.get_int("ort_threads");
  spec.dtype_name = state.get_string("dtype");
  spec.dtype = engine::parse_dtype(spec.dtype_name);
  spec.batch_size = state.get_int("batch_size");
  return spec;
}

// Skips the combinations that do not apply, saying why: a model kind one back end cannot run,
// a setting of another back end, a device or dtype the back end lacks.
void skip_inapplicable(const nnbench::State& state, const Spec& spec, bool cuda) {
  const suites::ModelSource& source = spec.source;
  if (source.kind == ModelKind::OnnxFile && spec.backend != "onnxruntime") {
    state.skip("an ONNX file runs in backend onnxruntime only");
  }
  if (source.pt2 == suites::Pt2Content::AotiPackage && !spec.aot()) {
    state.skip("an AOTInductor package (compiled code) runs in backends aot and aot+graph only");
  }
  if (spec.compile_mode != "default" && spec.backend != "pytorch-compile" && !spec.aot()) {
    state.skip(fmt::format("compile_mode={} applies to backends pytorch-compile and aot",
                           spec.compile_mode));
  }
  if (spec.compile_mode == "reduce-overhead" && spec.aot()) {
    state.skip(
        "compile_mode=reduce-overhead is torch.compile's CUDA graphs; AOTInductor's is "
        "backend aot+graph");
  }
  if (spec.compile_mode != "default" && source.pt2 == suites::Pt2Content::AotiPackage) {
    state.skip("an AOTInductor package is compiled already: compile_mode does not apply");
  }
  if ((spec.ort_optimization != "all" || spec.ort_threads != 0) && spec.backend != "onnxruntime") {
    state.skip("ort_optimization and ort_threads apply to backend onnxruntime");
  }
  if (spec.backend == "aot+graph" && !cuda) {
    state.skip(
        "backend aot+graph replays a CUDA graph and needs a CUDA device; on the CPU use "
        "backend aot");
  }
  if (spec.compile_mode == "reduce-overhead" && !cuda) {
    state.skip(
        "compile_mode=reduce-overhead replays CUDA graphs; on the CPU it is the default "
        "mode");
  }
  if (spec.backend == "onnxruntime" && cuda) {
    state.skip(
        "backend onnxruntime runs ONNX Runtime's CPU execution provider; run it with "
        "--device cpu");
  }
  if (spec.backend == "onnxruntime" && spec.dtype != torch::kFloat32) {
    state.skip(
        fmt::format("backend onnxruntime runs fp32 models here (the CPU execution "
                    "provider lacks {} kernels for most operators)",
                    spec.dtype_name));
  }
  if (spec.dtype == torch::kFloat16 && !cuda) {
    state.skip("fp16 matrix products are not supported on the CPU; use bf16 or a GPU");
  }
  if (state.quick() && !cuda && spec.batch_size > 1) {
    state.skip(
        fmt::format("--quick on the CPU runs batch 1 only (each batch size is compiled "
                    "and exported anew); run without --quick to measure batch {}",
                    spec.batch_size));
  }
}

// The identity of a model file: its bytes' hash.
std::string file_hash(const fs::path& file) {
  const std::optional<std::string> bytes = nnbench::read_file_bytes(file);
  if (!bytes) throw nnbench::IoError("cannot read " + file.string());
  return nnbench::fnv1a_hex(*bytes);
}

// The inputs and eager outputs nnbench_model_prepare.py saved: [[inputs...], [outputs...]].
std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> read_reference(
    const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  if (bytes.empty()) throw nnbench::IoError("cannot read " + file.string());
  const c10::IValue value = torch::pickle_load(bytes);
  const auto tensors = [](const c10::IValue& list) {
    std::vector<torch::Tensor> out;
    for (const c10::IValue& item : list.toListRef()) out.push_back(item.toTensor());
    return out;
  };
  const auto parts = value.toListRef();
  if (parts.size() != 2) throw nnbench::Error(file.string() + ": not [[inputs], [outputs]]");
  return {tensors(parts[0]), tensors(parts[1])};
}

// "3x224x224,16": one sample's shape per input (option input_shape, AOTInductor packages).
std::vector<std::vector<std::int64_t>> parse_input_shapes(const std::string& text) {
  std::vector<std::vector<std::int64_t>> shapes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::vector<std::int64_t> shape;
    std::size_t at = start;
    while (at < end) {
      const std::size_t x = std::min(text.find('x', at), end);
      const std::optional<long long> size = nnbench::parse_integer(text.substr(at, x - at));
      if (!size || *size < 1 || *size > (1 << 24)) {
        throw InputError(fmt::format("option input_shape '{}': '{}' is not a size from 1 up", text,
                                     text.substr(at, x - at)));
      }
      shape.push_back(*size);
      at = x + 1;
    }
    if (shape.empty()) throw InputError("option input_shape '" + text + "': an empty shape");
    shapes.push_back(shape);
    start = end + 1;
  }
  return shapes;
}

class UserModel final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Your model (.py, .pt2, .onnx; or resnet50, vit_b_16, a .nn file) in eager PyTorch, "
           "torch.compile, AOTInductor from C++ and ONNX Runtime, each checked against eager "
           "PyTorch before it is timed";
  }

  std::vector<nnbench::Option> options() const override {
    using nnbench::int_option;
    std::vector<nnbench::Option> options = engine::device_instrument_option_declarations();
    const std::vector<nnbench::Option> own{
        suites::python_option(),
        int_option("worker_timeout_s", 1800,
                   "seconds a worker (PyTorch, ONNX Runtime, the compiler) may take", 1, 86400),
        nnbench::with_default_note(
            nnbench::path_option("aot_cache", "", "compiled packages and ONNX exports' folder"),
            "$NNBENCH_CACHE_DIR/aot, else ~/.cache/nnbench/aot"),
        nnbench::string_option(
            "input_shape", "",
            "an AOTInductor package given directly: one sample's shape per input, e.g. "
            "3x224x224 (several inputs: 3x224x224,16); the batch_size axis is prepended")};
    options.insert(options.end(), own.begin(), own.end());
    return options;
  }

  std::vector<nnbench::Axis> axes() const override {
    return {
        suites::model_axis({"small_convnet"},
                           {ModelKind::PythonFile, ModelKind::Pt2File, ModelKind::OnnxFile,
                            ModelKind::Zoo, ModelKind::LanguageFile},
                           "your model: a .py[:FACTORY], .pt2 or .onnx file; or resnet50, "
                           "vit_b_16, a .nn file"),
        nnbench::string_axis("backend", {"pytorch", "aot", "onnxruntime"},
                             "pytorch (eager, the reference), pytorch-compile (torch.compile), "
                             "aot (AOTInductor from C++), aot+graph (its CUDA graph), onnxruntime "
                             "(CPU execution provider)",
                             backend_names()),
        nnbench::string_axis("compile_mode", {"default"},
                             "pytorch-compile: torch.compile's mode; aot: max-autotune compiles "
                             "with Inductor's max_autotune",
                             {"default", "reduce-overhead", "max-autotune"}),
        nnbench::string_axis("ort_optimization", {"all"}, "onnxruntime: graph optimisation level",
                             {"disabled", "basic", "extended", "all"}),
        nnbench::int_axis("ort_threads", {0}, "onnxruntime: intra-op threads (0: its default)", 0),
        nnbench::string_axis("dtype", {"fp32"}, "element type of weights and inputs",
                             {"fp32", "fp16", "bf16"}),
        nnbench::int_axis("batch_size", {1, 8}, "samples per forward call"),
    };
  }

  void setup(nnbench::State& state) override {
    spec_ = read_spec(state);
    device_ = engine::resolve_device(state.device());
    worker_timer_ = nullptr;
    label(state);  // skipped rows too: the report groups every row by its model
    skip_inapplicable(state, spec_, device_.is_cuda());
    if (spec_.aot()) {
      setup_aot(state);
    } else {
      setup_worker(state);
    }
  }

  void adjust_measurement(const nnbench::State& /*state*/,
                          nnbench::MeasurementConfig& config) const override {
    if (worker_timer_) worker_timer_->fix_sampling(config);
  }

  // aot: queued on the GPU without a synchronisation (the event timer brackets the sample); on
  // the CPU the package's run returns when done. Workers: the samples were measured there.
  void run_once(nnbench::State& /*state*/) override {
    if (worker_timer_) return;
    torch::InferenceMode inference;
    if (graph_) {
      graph_->replay();
    } else {
      outputs_ = aot_->run(inputs_);
    }
    instruments_.count_iteration();
  }

  void teardown(nnbench::State& /*state*/) override {
    graph_.reset();
    aot_.reset();
    inputs_.clear();
    outputs_.clear();
    instruments_ = {};
  }

 private:
  void label(nnbench::State& state) {
    const suites::ModelSource& source = spec_.source;
    state.set_items_per_iteration(static_cast<double>(spec_.batch_size), "samples");
    state.set_label("model", source.name);
    state.set_label("model_kind", source.pt2 == suites::Pt2Content::AotiPackage
                                      ? "AOTInductor package"
                                  : source.pt2 == suites::Pt2Content::ExportedProgram
                                      ? "torch.export program"
                                      : suites::model_kind_name(source.kind));
    if (!source.file.empty()) {
      state.set_label("model_source", source.file.string());
      // Once per file and run: every variant of a model labels the same hash.
      auto [known, fresh] = file_hashes_.try_emplace(source.file.string());
      if (fresh) known->second = file_hash(source.file);
      state.set_label("model_hash", known->second);
    }
    state.set_label("backend", spec_.backend);
    if (spec_.backend == "pytorch-compile" || spec_.aot()) {
      state.set_label("compile_mode", spec_.compile_mode);
    }
  }

  suites::PrepareRequest prepare_request(const nnbench::State& state) const {
    suites::PrepareRequest request;
    request.dtype_name = spec_.dtype_name;
    request.batch_size = spec_.batch_size;
    request.device = device_.is_cuda() ? "cuda" : "cpu";
    request.target = suites::aot_target_of(device_);
    request.seed = static_cast<std::int64_t>(state.seed());
    request.max_autotune = spec_.compile_mode == "max-autotune";
    request.cache_dir = state.options().find_string("aot_cache").value_or("");
    request.python = state.options().get_string("python");
    request.timeout = std::chrono::seconds(state.options().get_int("worker_timeout_s"));
    return request;
  }

  // The AOTInductor package: compiled from the model (or the user's own), checked against the
  // eager reference on the same inputs, captured in a CUDA graph for aot+graph; timed here.
  void setup_aot(nnbench::State& state) {
    const bool given_package = spec_.source.pt2 == suites::Pt2Content::AotiPackage;
    std::vector<torch::Tensor> references;
    if (given_package) {
      const std::string shapes = state.options().get_string("input_shape");
      if (shapes.empty()) {
        throw InputError(fmt::format(
            "model '{}' is an AOTInductor package, which does not record its inputs: give "
            "--option input_shape=SHAPE (one sample, e.g. 3x224x224)",
            spec_.source.given));
      }
      for (std::vector<std::int64_t> shape : parse_input_shapes(shapes)) {
        shape.insert(shape.begin(), spec_.batch_size);
        inputs_.push_back(suites::seeded_input(shape, spec_.dtype, device_, state.seed()));
      }
      aot_ = std::make_unique<suites::AotModel>(spec_.source.file.string(), device_,
                                                spec_.backend == "aot+graph", 0, true);
      state.set_label("correctness",
                      "not checked: an AOTInductor package holds compiled code "
                      "only (give its .py or torch.export program to check it)");
    } else {
      suites::ScratchDirectory scratch;
      const suites::PythonModel model = suites::python_model_of(spec_.source, scratch);
      const suites::PreparedModel prepared = suites::prepare_python_model(
          model, suites::PreparedForm::AotPackage, prepare_request(state));
      auto [inputs, outputs] = read_reference(prepared.reference);
      for (torch::Tensor& input : inputs) inputs_.push_back(input.to(device_));
      references = std::move(outputs);
      aot_ = std::make_unique<suites::AotModel>(prepared.artifact.string(), device_,
                                                spec_.backend == "aot+graph", prepared.prepare_ms,
                                                prepared.cache_hit);
      state.add_metric("compile_time_ms", prepared.prepare_ms, "ms");
      state.add_metric("parameter_count", static_cast<double>(prepared.parameters), "parameters");
      state.set_label("aot_package", prepared.cache_hit ? "cached" : "compiled now");
    }
    instruments_ = engine::attach_device_instruments(state, state.device());
    torch::InferenceMode inference;
    std::vector<torch::Tensor> outputs;
    try {
      outputs = aot_->run(inputs_);
    } catch (const c10::Error& e) {
      throw nnbench::Error(fmt::format("the AOTInductor package rejected inputs {}: {}",
                                       input_shapes_text(), e.what_without_backtrace()));
    }
    if (!references.empty()) {
      suites::check_output(state, "relative_difference_vs_eager",
                           suites::relative_difference(outputs, references), spec_.dtype,
                           "backend " + spec_.backend, "eager PyTorch's");
    }
    state.set_label("framework", "libtorch aotinductor " + std::string(TORCH_VERSION));
    state.set_label("input_shape", input_shapes_text());
    if (spec_.backend == "aot+graph") {
      auto forward = [this] { return aot_->run(inputs_).front(); };
      graph_ = engine::guard_device_memory(
          [&] { return std::make_unique<engine::CapturedForward>(forward, device_); },
          [this] {
            return fmt::format("capturing {} at batch {}", spec_.source.name, spec_.batch_size);
          });
      state.add_metric("graph_capture_ms", graph_->capture_ms(), "ms");
    }
  }

  std::string input_shapes_text() const {
    std::vector<std::string> shapes;
    for (const torch::Tensor& input : inputs_)
      shapes.push_back(suites::shape_text(input.sizes().vec()));
    return fmt::format("{}", fmt::join(shapes, ", "));
  }

  // pytorch, pytorch-compile and onnxruntime: a worker runs and times the model.
  void setup_worker(nnbench::State& state) {
    suites::ScratchDirectory scratch;
    const std::string python = state.options().get_string("python");
    std::vector<std::string> command{python};
    const auto common = [&](std::vector<std::string> more) {
      more.insert(more.end(), {"--batch", std::to_string(spec_.batch_size), "--seed",
                               std::to_string(state.seed()), "--warmup",
                               std::to_string(state.requested_warmup()), "--iterations",
                               std::to_string(state.requested_iterations())});
      command.insert(command.end(), more.begin(), more.end());
    };
    const char* framework = "pytorch";
    if (spec_.backend == "onnxruntime") {
      framework = "onnxruntime";
      command.push_back((fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_worker_onnxruntime.py").string());
      std::vector<std::string> more{"--optimization", spec_.ort_optimization, "--threads",
                                    std::to_string(spec_.ort_threads)};
      if (spec_.source.kind == ModelKind::OnnxFile) {
        more.insert(more.end(), {"--onnx", spec_.source.file.string()});
      } else {
        const suites::PreparedModel prepared =
            suites::prepare_python_model(suites::python_model_of(spec_.source, scratch),
                                         suites::PreparedForm::OnnxExport, prepare_request(state));
        more.insert(more.end(), {"--onnx", prepared.artifact.string(), "--reference",
                                 prepared.reference.string()});
        state.add_metric("export_time_ms", prepared.prepare_ms, "ms");
        state.add_metric("parameter_count", static_cast<double>(prepared.parameters), "parameters");
        state.set_label("onnx_export", prepared.cache_hit ? "cached" : "exported now");
      }
      common(more);
    } else {
      command.push_back((fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_worker_model.py").string());
      std::vector<std::string> more = suites::python_model_of(spec_.source, scratch).arguments();
      more.insert(more.end(), {"--device", state.device(), "--dtype", spec_.dtype_name});
      if (spec_.backend == "pytorch-compile") {
        more.insert(more.end(), {"--compile-mode", spec_.compile_mode});
      }
      common(more);
    }
    const suites::WorkerReport report = suites::run_framework_worker(
        command, nnbench::host_allocator_environment(),
        std::chrono::seconds(state.options().get_int("worker_timeout_s")));
    if (report.samples_ns.empty()) throw nnbench::Error("the worker reported no samples");
    record_worker(state, report, framework);
  }

  void record_worker(nnbench::State& state, const suites::WorkerReport& report,
                     const std::string& framework) {
    const auto meta = [&](const char* key) {
      const auto found = report.meta.find(key);
      return found == report.meta.end() ? std::string("?") : found->second;
    };
    state.set_label("framework",
                    framework + " " + meta("version") + " (python " + meta("python") + ")");
    if (report.meta.count("inputs")) state.set_label("input_shape", meta("inputs"));
    const auto number = [&](const char* key) { return std::stod(report.meta.at(key)); };
    if (report.meta.count("relative_difference_vs_eager")) {
      suites::check_output(state, "relative_difference_vs_eager",
                           number("relative_difference_vs_eager"), spec_.dtype,
                           "backend " + spec_.backend, "eager PyTorch's");
    } else if (report.meta.count("relative_difference_vs_unoptimized")) {
      suites::check_output(state, "relative_difference_vs_unoptimized",
                           number("relative_difference_vs_unoptimized"), spec_.dtype,
                           "backend onnxruntime", "the unoptimised graph's");
      state.set_label("correctness",
                      "against ONNX Runtime with every graph optimisation "
                      "disabled (an .onnx file has no PyTorch reference)");
    } else if (spec_.backend == "pytorch") {
      state.set_label("correctness", "the reference: eager PyTorch");
    }
    if (report.meta.count("first_call_ms")) {
      state.add_metric(spec_.backend == "pytorch-compile" ? "compile_time_ms" : "first_call_ms",
                       number("first_call_ms"), "ms");
    }
    if (report.meta.count("parameters") && number("parameters") > 0) {
      state.add_metric("parameter_count", number("parameters"), "parameters");
    }
    auto timer = std::make_unique<suites::ReportedSampleTimer>(report.samples_ns,
                                                               "worker process: " + meta("timer"));
    worker_timer_ = timer.get();
    state.set_timer(std::move(timer));
    state.add_note(
        fmt::format("timed by the worker process ({}), {} samples after {} warm-up "
                    "call(s)",
                    meta("timer"), report.samples_ns.size(), state.requested_warmup()));
  }

  Spec spec_;
  torch::Device device_{torch::kCPU};
  std::unique_ptr<suites::AotModel> aot_;
  std::unique_ptr<engine::CapturedForward> graph_;
  std::vector<torch::Tensor> inputs_, outputs_;
  std::map<std::string, std::string> file_hashes_;  // model file -> hash, for the labels
  engine::DeviceInstruments instruments_;
  suites::ReportedSampleTimer* worker_timer_ = nullptr;
};

}  // namespace

NNBENCH_REGISTER(UserModel, "user_model");
