// AOTInductor packages for the `aot` mode (see aot_package.hpp).
#include "nnbench/suites/aot_package.hpp"

#include <torch/csrc/inductor/aoti_package/model_package_loader.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#ifdef NNBENCH_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/environment.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/scratch_directory.hpp"

namespace nnbench::suites {
namespace {

namespace fs = std::filesystem;

// What builds the model in PyTorch: a module's source, the class or function in it, its
// keyword arguments (JSON).
struct Definition {
  std::string source, network, kwargs = "{}";
};

std::string read_text(const fs::path& path) {
  std::optional<std::string> text = read_file_bytes(path);
  if (!text) throw IoError("cannot read " + path.string());
  return std::move(*text);
}

Definition definition_of(const engine::ZooModel& model) {
  if (model.network) return {dsl::emit_pytorch(*model.network), model.network->name};
  if (model.name == "resnet50" || model.name == "vit_b_16") {
    return {read_text(fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_zoo_models.py"), model.name,
            fmt::format("{{\"image_size\": {}}}", model.sample_shape.at(1))};
  }
  throw UnavailableError(fmt::format(
      "mode aot needs a PyTorch definition of the model; {} has none (use a .nn file, resnet50 "
      "or vit_b_16)",
      model.name));
}

// Parameters, then buffers (BatchNorm statistics) other than the batch counters, as float32
// values back to back, and one "d0,d1,..." line per tensor: the order both sides register them
// in. (LibTorch's Module::to(dtype) makes the counters floating point too, so they go by name.)
struct Weights {
  std::string bytes, shapes;
};

Weights weights_of(torch::nn::Module& module) {
  std::vector<torch::Tensor> tensors = module.parameters();
  for (const auto& buffer : module.named_buffers()) {
    if (!buffer.key().ends_with("num_batches_tracked")) tensors.push_back(buffer.value());
  }
  Weights weights;
  for (const torch::Tensor& tensor : tensors) {
    const torch::Tensor values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    weights.bytes.append(static_cast<const char*>(values.data_ptr()),
                         static_cast<std::size_t>(values.numel()) * sizeof(float));
    weights.shapes += fmt::format("{}\n", fmt::join(values.sizes(), ","));
  }
  return weights;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw IoError("cannot write " + path.string());
}

// Moves `from` into the cache as `to` without a moment where `to` is half there.
void install(const fs::path& from, const fs::path& to) {
  const fs::path partial = to.string() + fmt::format(".partial-{}", getpid());
  fs::copy_file(from, partial, fs::copy_options::overwrite_existing);
  fs::rename(partial, to);
}

// The first line of a LibTorch exception (the rest is its C++ stack).
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// A package's library names libtorch.so among the libraries it needs. nnbench links only the
// libraries it calls (libtorch_cpu.so, ...), so that thin one is not loaded and dlopen would look
// for it on the system's paths. Loading it from beside libtorch_cpu.so first lets the package
// find it by name.
void load_libtorch_beside_torch_cpu() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&at::globalContext), &info) == 0 ||
      info.dli_fname == nullptr) {
    return;  // the loader's own error will name what is missing
  }
  const fs::path libtorch = fs::path(info.dli_fname).parent_path() / "libtorch.so";
  if (fs::exists(libtorch)) dlopen(libtorch.c_str(), RTLD_NOW | RTLD_GLOBAL);
}

}  // namespace

std::string aot_target_of(const torch::Device& device) {
  if (device.type() != torch::kCUDA) return "cpu";
#ifdef NNBENCH_WITH_CUDA
  cudaDeviceProp properties{};
  const int index = device.has_index() ? device.index() : 0;
  if (cudaGetDeviceProperties(&properties, index) == cudaSuccess) {
    return fmt::format("cuda {} sm_{}{}", properties.name, properties.major, properties.minor);
  }
#endif
  return "cuda";
}

std::string default_aot_cache_dir() {
  if (const char* dir = std::getenv("NNBENCH_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return (fs::path(dir) / "aot").string();
  }
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir != nullptr && *dir != '\0') {
    return (fs::path(dir) / "nnbench" / "aot").string();
  }
  const char* home = std::getenv("HOME");
  return (fs::path(home != nullptr ? home : ".") / ".cache" / "nnbench" / "aot").string();
}

AotModel::AotModel(const engine::ZooModel& model, const torch::Device& device,
                   const AotRequest& request) {
  const Definition definition = definition_of(model);
  const Weights weights = weights_of(*model.module);
  const std::string sample = fmt::format("{}", fmt::join(model.sample_shape, ","));
  const std::string key = fnv1a_hex(fmt::format(
      "{}\n{}\n{}\n{}\n{}\nweights={}\ndtype={}\nbatch={}\nsample={}\nchannels_last={}\n"
      "device={}\nlibtorch={}\nmax_autotune={}",
      definition.source, definition.network, definition.kwargs, weights.shapes,
      weights.bytes.size(), fnv1a_hex(weights.bytes), request.dtype_name, request.batch_size,
      sample, request.channels_last, aot_target_of(device), TORCH_VERSION, request.max_autotune));
  const fs::path cache = request.cache_dir.empty() ? default_aot_cache_dir() : request.cache_dir;
  const fs::path package = cache / (key + ".pt2");
  const fs::path record = cache / (key + ".compile_ms");
  std::error_code missing;
  if (fs::exists(package, missing) && fs::exists(record, missing)) {
    compile_ms_ = std::stod(read_text(record));
    cache_hit_ = true;
  } else {
    fs::create_directories(cache);
    ScratchDirectory scratch;
    const fs::path module = scratch.path() / "definition.py";
    write_file(module, definition.source);
    write_file(scratch.path() / "weights.bin", weights.bytes);
    write_file(scratch.path() / "shapes.txt", weights.shapes);
    const fs::path made = scratch.path() / (key + ".pt2");
    std::vector<std::string> command{
        request.python,   (fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_aot_compile.py").string(),
        "--module",       module.string(),
        "--network",      definition.network,
        "--kwargs",       definition.kwargs,
        "--weights",      (scratch.path() / "weights.bin").string(),
        "--shapes",       (scratch.path() / "shapes.txt").string(),
        "--input-shape",  sample,
        "--batch",        std::to_string(request.batch_size),
        "--dtype",        request.dtype_name,
        "--device",       device.type() == torch::kCUDA ? "cuda" : "cpu",
        "--expect-torch", TORCH_VERSION,
        "--out",          made.string()};
    if (request.channels_last) command.push_back("--channels-last");
    if (request.max_autotune) command.push_back("--max-autotune");
    const WorkerReport report =
        run_framework_worker(command, host_allocator_environment(), request.timeout);
    const auto compiled = report.meta.find("compile_ms");
    if (compiled == report.meta.end() || !fs::exists(made, missing)) {
      throw Error("the AOTInductor compiler wrote no package for " + model.name);
    }
    compile_ms_ = std::stod(compiled->second);
    install(made, package);
    write_file(record.string() + ".partial", fmt::format("{}", compile_ms_));
    fs::rename(record.string() + ".partial", record);
  }
  package_path_ = package.string();
  load(device, request.single_threaded);
}

AotModel::AotModel(const std::string& package_path, const torch::Device& device,
                   bool single_threaded, double compile_ms, bool cache_hit)
    : compile_ms_(compile_ms), cache_hit_(cache_hit), package_path_(package_path) {
  load(device, single_threaded);
}

void AotModel::load(const torch::Device& device, bool single_threaded) {
  const c10::DeviceIndex index =
      device.type() == torch::kCUDA && device.has_index() ? device.index() : c10::DeviceIndex{-1};
  load_libtorch_beside_torch_cpu();
  try {
    loader_ = std::make_unique<torch::inductor::AOTIModelPackageLoader>(
        package_path_, "model", single_threaded, /*num_runners=*/1, index);
  } catch (const std::exception& e) {
    throw Error(fmt::format("cannot load the AOTInductor package {}: {}", package_path_,
                            first_line(e.what())));
  }
}

AotModel::~AotModel() = default;

std::vector<torch::Tensor> AotModel::run(const std::vector<torch::Tensor>& inputs) {
  return loader_->run(inputs);
}

torch::Tensor AotModel::forward(const torch::Tensor& input) {
  std::vector<torch::Tensor> outputs = loader_->run({input});
  if (outputs.empty()) throw Error("the AOTInductor package returned no output");
  return outputs.front();
}

}  // namespace nnbench::suites
