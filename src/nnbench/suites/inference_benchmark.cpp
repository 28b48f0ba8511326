// The shared forward-pass benchmark (see inference_benchmark.hpp).
#include "nnbench/suites/inference_benchmark.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/data/image_folder.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/models/inference_fusion.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/engine/runtime/backend_settings.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"
#include "nnbench/engine/runtime/device_memory_guard.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/aot_package.hpp"
#include "nnbench/suites/forward_load_backend.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/output_check.hpp"

namespace nnbench::suites {
namespace {

std::string axis_or(const State& state, const std::string& axis, const std::string& fallback) {
  return state.variant().has(axis) ? state.variant().at(axis) : fallback;
}

bool on_off(const State& state, const std::string& axis, const std::string& fallback) {
  const std::string value = axis_or(state, axis, fallback);
  if (value == "on") return true;
  if (value == "off") return false;
  throw InputError(fmt::format("axis '{}' value '{}': expected on or off", axis, value));
}

// What one variant runs, read from its axes.
struct Spec {
  std::string model;
  std::int64_t batch_size = 1;
  std::string dtype_name, mode, layout;
  torch::ScalarType dtype = torch::kFloat32;
  engine::BackendSettings backend;
  engine::ZooOptions zoo;

  bool fused() const { return mode == "fused" || mode == "fused+graph"; }
  bool graph() const { return mode == "graph" || mode == "fused+graph" || mode == "aot+graph"; }
  bool aot() const { return mode == "aot" || mode == "aot+graph"; }

  // The model is rebuilt only when this changes between variants (a fused model is another).
  std::string model_key(const torch::Device& device) const {
    return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", model, dtype_name, layout, zoo.hidden_dim,
                       zoo.image_size, zoo.seed, device.str(), fused());
  }
};

const std::vector<std::string>& mode_names() {
  // aot+graph captures the package's single-threaded runner: the threaded one waits on the
  // completion events of earlier runs, which fails inside a capture (seen on the H100 with
  // PyTorch 2.11).
  static const std::vector<std::string> names{"eager",       "graph", "fused",
                                              "fused+graph", "aot",   "aot+graph"};
  return names;
}

Spec read_spec(const State& state, const std::string& fixed_model) {
  Spec spec;
  if (fixed_model.empty()) {
    const ModelSource source = resolve_model(state.get_string("model"));
    spec.model = source.kind == ModelKind::LanguageFile ? source.file.string() : source.name;
  } else {
    spec.model = fixed_model;
  }
  spec.batch_size = state.get_int("batch_size");
  spec.dtype_name = axis_or(state, "dtype", "fp32");
  spec.dtype = engine::parse_dtype(spec.dtype_name);
  spec.mode = axis_or(state, "mode", "eager");
  if (std::find(mode_names().begin(), mode_names().end(), spec.mode) == mode_names().end()) {
    throw InputError(fmt::format("axis 'mode' value '{}': expected {}", spec.mode,
                                 fmt::join(mode_names(), ", ")));
  }
  spec.layout = axis_or(state, "layout", "contiguous");
  if (spec.layout != "contiguous" && spec.layout != "channels_last") {
    throw InputError(
        fmt::format("axis 'layout' value '{}': expected contiguous or channels_last", spec.layout));
  }
  spec.backend.cudnn_benchmark = on_off(state, "cudnn_benchmark", "on");
  spec.backend.tf32 = on_off(state, "tf32", "off");
  // The zoo's options, where the benchmark declares them (the scaling MLP's own benchmark has
  // its width as an axis).
  if (state.variant().has("hidden_dim")) {
    spec.zoo.hidden_dim = state.get_int("hidden_dim");
  } else if (spec.model == "scaling_mlp") {
    spec.zoo.hidden_dim = state.options().get_int("hidden_dim");
  }
  if (fixed_model.empty()) spec.zoo.image_size = state.options().get_int("image_size");
  spec.zoo.seed = state.seed();
  return spec;
}

// Skips the variants that cannot run on this device, saying why.
void skip_unsupported(State& state, const Spec& spec, const torch::Device& device) {
  const bool cuda = device.is_cuda();
  if (spec.graph() && !cuda) {
    state.skip(fmt::format(
        "mode '{}' replays a CUDA graph and needs a CUDA device; on the CPU use mode={}", spec.mode,
        spec.fused() ? "fused" : (spec.aot() ? "aot" : "eager")));
  }
  if (spec.dtype == torch::kFloat16 && !cuda) {
    state.skip("fp16 matrix products are not supported on the CPU; use bf16 or a GPU");
  }
  if (spec.backend.tf32 && !cuda) state.skip("tf32=on is a mode of CUDA matrix units");
  if (spec.backend.tf32 && spec.dtype != torch::kFloat32) {
    state.skip(fmt::format("tf32=on applies to fp32 only, not {}", spec.dtype_name));
  }
  if (state.quick() && !cuda && spec.batch_size > 8 && spec.model != "scaling_mlp") {
    state.skip(
        fmt::format("--quick on the CPU stops at batch 8 (asked {}); run without --quick "
                    "to measure it",
                    spec.batch_size));
  }
}

// "<stage> <model> at batch <n> in <dtype>": what ran out of device memory (guard_device_memory).
auto out_of_memory_in(const Spec& spec, const char* stage) {
  return [&spec, stage] {
    return fmt::format("{} {} at batch {} in {}", stage, spec.model, spec.batch_size,
                       spec.dtype_name);
  };
}

// A batch of real images from an ImageNet-style folder (option data=DIR): decoded once per batch
// size into pinned memory where there is a GPU, repeated when the folder has fewer images.
torch::Tensor image_batch(State& state, const std::string& folder, const Spec& spec,
                          const torch::Device& device) {
  engine::ImageFolderOptions options;
  options.image_size = spec.zoo.image_size;
  options.limit = spec.batch_size;
  options.pin_memory = device.is_cuda();
  const engine::ImageFolder images = engine::load_image_folder(folder, options);
  torch::Tensor batch = images.images;
  if (images.size() < spec.batch_size) {
    const std::int64_t copies = (spec.batch_size + images.size() - 1) / images.size();
    batch = batch.repeat({copies, 1, 1, 1}).narrow(0, 0, spec.batch_size);
    state.add_note(fmt::format("{} images from {} repeated to fill batch {}", images.size(), folder,
                               spec.batch_size));
  }
  state.set_label("input",
                  fmt::format("{} images of {} classes from {}{}", images.size(),
                              images.classes.size(), folder, images.pinned ? " (pinned)" : ""));
  return batch.to(device, spec.dtype, /*non_blocking=*/images.pinned);
}

// Converts the 4-D parameters (convolution weights) to channels_last.
void make_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

// Records how far a rewritten model's output is from eager LibTorch's on the same batch; a
// difference past the dtype's tolerance is a failure of the rewrite.
void check_against_eager(State& state, const Spec& spec, double difference) {
  check_output(state, "relative_difference_vs_eager", difference, spec.dtype, "mode " + spec.mode,
               "eager LibTorch's");
}

}  // namespace

struct InferenceBenchmark::Session {
  Spec spec;
  torch::Device device{torch::kCPU};
  std::string model_key;
  std::optional<engine::ZooModel> model;
  engine::FusionReport fusion;   // of the fused model
  double fusion_difference = 0;  // its output against eager's, measured when it was built
  torch::Tensor input, output;
  std::unique_ptr<engine::ScopedBackendSettings> backend;
  std::unique_ptr<engine::CapturedForward> graph;
  // A load scenario's graphs of the smaller batch buckets (graph modes), by bucket.
  std::map<std::int64_t, std::unique_ptr<engine::CapturedForward>> bucket_graphs;
  std::unique_ptr<AotModel> aot;
  engine::DeviceInstruments instruments;

  // Queues one forward pass of the first `rows` samples of the input (all of them for a graph
  // or an AOT package of batch_size), as the variant's mode runs it.
  void forward(std::int64_t rows) {
    torch::InferenceMode inference;
    if (graph) {
      (rows == spec.batch_size ? *graph : *bucket_graphs.at(rows)).replay();
    } else if (aot) {
      output = aot->forward(input);
    } else {
      output = engine::guard_device_memory([&] { return model->forward(input.narrow(0, 0, rows)); },
                                           out_of_memory_in(spec, "running"));
    }
  }
};

InferenceBenchmark::InferenceBenchmark(std::string fixed_model)
    : fixed_model_(std::move(fixed_model)), session_(std::make_unique<Session>()) {}

InferenceBenchmark::~InferenceBenchmark() = default;

std::vector<Option> InferenceBenchmark::options() const {
  std::vector<Option> options = engine::device_instrument_option_declarations();
  if (!fixed_model_.empty()) return options;  // the model's own benchmark: its axes say it all
  const std::vector<Option> zoo{
      string_option("data", "synthetic",
                    "'synthetic' (seeded random input), or an ImageNet-style image folder "
                    "(class/image files) for image models"),
      int_option("image_size", 224, "side of the square input images (vit_b_16: a multiple of 16)",
                 32, 4096),
      int_option("hidden_dim", 512, "scaling_mlp: width of its three hidden layers", 1, 1 << 20),
      bool_option("aot_max_autotune", false,
                  "aot modes: compile with Inductor's max-autotune (slow to compile)"),
      with_default_note(path_option("aot_cache", "", "aot modes: the compiled packages' folder"),
                        "$NNBENCH_CACHE_DIR/aot, else ~/.cache/nnbench/aot"),
      python_option(),
      int_option("aot_timeout_s", 1800, "aot modes: seconds the compiler may take", 1, 86400)};
  options.insert(options.end(), zoo.begin(), zoo.end());
  for (Option& scenario : load::load_scenario_options(/*generation=*/false))
    options.push_back(scenario);
  return options;
}

namespace {

using Session = InferenceBenchmark::Session;

// Builds the variant's model unless the session holds it already (same model, dtype, layout,
// sizes, seed, device and fusion); true when it was built now.
bool load_model(State& state, Session& s) {
  const Spec& spec = s.spec;
  const std::string key = spec.model_key(s.device);
  if (key == s.model_key) return false;
  s.model.reset();
  s.model_key.clear();
  engine::ZooModel model = engine::make_zoo_model(spec.model, spec.zoo);
  if (spec.layout == "channels_last" && !model.convolutional) {
    state.skip(
        fmt::format("layout channels_last applies to convolutional models, not {}", spec.model));
  }
  engine::guard_device_memory(
      [&] {
        model.module->to(s.device, spec.dtype);
        if (spec.layout == "channels_last") make_channels_last(*model.module);
        return 0;
      },
      out_of_memory_in(spec, "loading"));
  model.module->eval();
  s.model = std::move(model);
  s.model_key = key;
  return true;
}

// The batch: seeded random input, or real images (option data=DIR), in the model's layout.
torch::Tensor make_input(State& state, const Session& s, const std::string& data,
                         const std::vector<std::int64_t>& input_shape, bool channels_last) {
  const Spec& spec = s.spec;
  if (data != "synthetic" && s.model->sample_shape.size() != 3) {
    state.skip(fmt::format("data={} holds images; {} takes vectors of {}", data, spec.model,
                           s.model->sample_shape.front()));
  }
  return engine::guard_device_memory(
      [&] {
        torch::Tensor input = data == "synthetic"
                                  ? seeded_input(input_shape, spec.dtype, s.device, state.seed())
                                  : image_batch(state, data, spec, s.device);
        return channels_last ? input.contiguous(torch::MemoryFormat::ChannelsLast) : input;
      },
      out_of_memory_in(spec, "allocating the input of"));
}

// The fused modes: the model rewritten once per built model (at the first batch size it meets),
// its difference from eager checked for every variant.
void prepare_fused(State& state, Session& s, bool built_now) {
  const Spec& spec = s.spec;
  engine::ZooModel& model = *s.model;
  if (built_now) {
    // A rewrite that throws leaves no half-fused model for the next variant.
    const std::string key = s.model_key;
    s.model_key.clear();
    torch::InferenceMode inference;
    const torch::Tensor reference = model.forward(s.input);
    s.fusion = engine::fuse_for_inference(*model.module);
    if (model.convolutional) make_channels_last(*model.module);
    s.fusion_difference = relative_difference(model.forward(s.input), reference);
    s.model_key = key;
  }
  check_against_eager(state, spec, s.fusion_difference);
  state.set_label("fusion", s.fusion.summary());
}

// The aot modes: the model compiled by AOTInductor (or taken from the cache) and checked against
// eager on the variant's batch.
void prepare_aot(State& state, Session& s, bool channels_last) {
  const Spec& spec = s.spec;
  AotRequest request;
  request.dtype_name = spec.dtype_name;
  request.batch_size = spec.batch_size;
  request.channels_last = channels_last;
  request.max_autotune = state.options().get_bool("aot_max_autotune");
  request.single_threaded = spec.graph();
  request.cache_dir = state.options().find_string("aot_cache").value_or("");
  request.python = state.options().get_string("python");
  request.timeout = std::chrono::seconds(state.options().get_int("aot_timeout_s"));
  s.aot = std::make_unique<AotModel>(*s.model, s.device, request);
  torch::InferenceMode inference;
  const torch::Tensor reference = s.model->forward(s.input);
  const torch::Tensor output = engine::guard_device_memory([&] { return s.aot->forward(s.input); },
                                                           out_of_memory_in(spec, "running"));
  check_against_eager(state, spec, relative_difference(output, reference));
  state.add_metric("compile_time_ms", s.aot->compile_ms(), "ms");
  state.set_label("aot_package", s.aot->cache_hit() ? "cached" : "compiled now");
}

// The graph modes: one forward pass (eager, fused or the AOT package's) captured in a CUDA graph.
void capture_graph(State& state, Session& s) {
  torch::InferenceMode inference;
  auto forward = [&s] { return s.aot ? s.aot->forward(s.input) : s.model->forward(s.input); };
  s.graph = engine::guard_device_memory(
      [&] { return std::make_unique<engine::CapturedForward>(forward, s.device); },
      out_of_memory_in(s.spec, "capturing"));
  // aot+graph: compile_time_ms is the package's; the capture is reported apart.
  state.add_metric(s.spec.aot() ? "graph_capture_ms" : "compile_time_ms", s.graph->capture_ms(),
                   "ms");
}

void label_variant(State& state, const Session& s, const std::vector<std::int64_t>& input_shape,
                   bool channels_last) {
  const Spec& spec = s.spec;
  const engine::ZooModel& model = *s.model;
  state.set_items_per_iteration(static_cast<double>(spec.batch_size), "samples");
  state.set_flops_per_iteration(2.0 * static_cast<double>(model.macs_per_sample) *
                                static_cast<double>(spec.batch_size));
  state.set_label("model", model.name);
  if (model.network) state.set_label("model_file", spec.model);
  state.set_label("framework", spec.aot() ? "libtorch aotinductor" : "libtorch");
  state.set_label("mode", spec.mode);
  state.set_label("layout", channels_last ? "channels_last" : "contiguous");
  state.set_label("input_shape", shape_text(input_shape));
  if (s.device.is_cuda()) {
    state.set_label("cudnn_benchmark", spec.backend.cudnn_benchmark ? "on" : "off");
    state.set_label("tf32", spec.backend.tf32 ? "on" : "off");
  }
  state.add_metric("parameter_count", static_cast<double>(model.parameter_count()), "parameters");
}

}  // namespace

void InferenceBenchmark::setup(State& state) {
  Session& s = *session_;
  s.spec = read_spec(state, fixed_model_);
  const Spec& spec = s.spec;
  s.device = engine::resolve_device(state.device());
  skip_unsupported(state, spec, s.device);
  // CUDA: event timer, allocator probe, NVML monitor, L2 flush with cold=true; CPU: nothing.
  s.instruments = engine::attach_device_instruments(state, state.device());
  s.backend = std::make_unique<engine::ScopedBackendSettings>(spec.backend);
  const bool built_now = load_model(state, s);
  // On CUDA the fused modes run convolutional models channels_last (what cuDNN's fused kernels
  // are made for) whatever the layout axis says.
  const bool channels_last = spec.layout == "channels_last" ||
                             (spec.fused() && s.model->convolutional && s.device.is_cuda());
  std::vector<std::int64_t> input_shape{spec.batch_size};
  input_shape.insert(input_shape.end(), s.model->sample_shape.begin(), s.model->sample_shape.end());
  const std::string data =
      fixed_model_.empty() ? state.options().get_string("data") : std::string("synthetic");
  s.input = make_input(state, s, data, input_shape, channels_last);
  if (spec.fused()) prepare_fused(state, s, built_now);
  if (spec.aot()) prepare_aot(state, s, channels_last);
  if (spec.graph()) capture_graph(state, s);
  label_variant(state, s, input_shape, channels_last);
}

// No synchronisation here: on a GPU the event timer brackets the queued work and waits for it
// after the sample; on the CPU the forward pass returns when done.
void InferenceBenchmark::run_once(State&) {
  Session& s = *session_;
  s.forward(s.spec.batch_size);
  s.instruments.count_iteration();
}

std::unique_ptr<load::LoadTarget> InferenceBenchmark::load_target(State& state) {
  const std::optional<load::LoadScenario> scenario = load::variant_load_scenario(state);
  if (!scenario) return nullptr;
  Session& s = *session_;
  const Spec& spec = s.spec;
  auto target = std::make_unique<load::LoadTarget>();
  target->settings = load::load_scenario_settings(state, *scenario,
                                                  static_cast<std::size_t>(spec.batch_size), false);
  // An AOT package is compiled for one batch size: every batch runs at it. The closed loops and
  // offline runs issue whole batches; the server's dynamic batches take power-of-two buckets.
  std::vector<std::int64_t> buckets{spec.batch_size};
  if (*scenario == load::LoadScenario::Server && !spec.aot()) {
    buckets = power_of_two_buckets(spec.batch_size);
  }
  torch::InferenceMode inference;
  if (spec.graph()) {
    for (const std::int64_t bucket : buckets) {
      if (bucket == spec.batch_size || s.bucket_graphs.count(bucket)) continue;
      const torch::Tensor rows = s.input.narrow(0, 0, bucket);
      auto forward = [&s, rows] { return s.model->forward(rows); };
      s.bucket_graphs[bucket] = engine::guard_device_memory(
          [&] { return std::make_unique<engine::CapturedForward>(forward, s.device); },
          out_of_memory_in(spec, "capturing the buckets of"));
    }
  }
  auto backend = std::make_unique<ForwardLoadBackend>(
      s.device, buckets, [&s](std::int64_t bucket) { s.forward(bucket); });
  engine::guard_device_memory(
      [&] {
        backend->warm_up(std::max(state.requested_warmup(), 1));
        return 0;
      },
      out_of_memory_in(spec, "warming up the buckets of"));
  target->synchronization = backend->completion_method();
  state.set_label("batch_buckets", fmt::format("{}", fmt::join(buckets, ",")));
  target->backend = std::move(backend);
  return target;
}

void InferenceBenchmark::teardown(State&) {
  Session& s = *session_;
  s.bucket_graphs.clear();
  s.graph.reset();
  s.aot.reset();
  s.output = torch::Tensor();
  s.input = torch::Tensor();
  s.backend.reset();
  s.instruments = {};
}

}  // namespace nnbench::suites
