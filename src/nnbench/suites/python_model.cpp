// PyTorch's Python form of a model and its cached compiled forms (see python_model.hpp).
#include "nnbench/suites/python_model.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <torch/version.h>

#include "nnbench/core/environment.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/suites/aot_package.hpp"
#include "nnbench/suites/framework_worker.hpp"

namespace nnbench::suites {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& path) {
  std::optional<std::string> bytes = read_file_bytes(path);
  if (!bytes) throw IoError("cannot read " + path.string());
  return std::move(*bytes);
}

// A user's .py file and the Python files beside it (modules it may import): a change to any of
// them makes a new cache key.
std::string python_files_hash(const fs::path& file) {
  std::string text = fnv1a_hex(read_bytes(file));
  std::vector<fs::path> siblings;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::absolute(file).parent_path(), error)) {
    if (entry.path().extension() == ".py" && entry.path() != fs::absolute(file)) {
      siblings.push_back(entry.path());
    }
  }
  std::sort(siblings.begin(), siblings.end());
  for (const fs::path& sibling : siblings) {
    std::error_code unreadable;
    if (fs::is_regular_file(sibling, unreadable)) {
      text += sibling.filename().string() + fnv1a_hex(read_bytes(sibling));
    }
  }
  return fnv1a_hex(text);
}

}  // namespace

std::vector<std::string> PythonModel::arguments() const {
  return {"--kind", kind, "--path", path.string(), "--entry", entry};
}

PythonModel python_model_of(const ModelSource& source, const ScratchDirectory& scratch) {
  switch (source.kind) {
    case ModelKind::PythonFile:
      return {"python", fs::absolute(source.file), source.factory, python_files_hash(source.file)};
    case ModelKind::Pt2File:
      if (source.pt2 == Pt2Content::ExportedProgram) {
        return {"exported", fs::absolute(source.file), "", fnv1a_hex(read_bytes(source.file))};
      }
      throw UnavailableError(fmt::format(
          "{} is an AOTInductor package (compiled code): it runs in backends aot and aot+graph "
          "only",
          source.given));
    case ModelKind::LanguageFile: {
      const dsl::ir::Network network = load_language_model(source);
      const std::string code = dsl::emit_pytorch(network);
      const fs::path module = scratch.path() / (network.name + ".py");
      std::ofstream(module) << code;
      return {"language", module, network.name, fnv1a_hex(code)};
    }
    case ModelKind::Zoo:
      if (source.name == "resnet50" || source.name == "vit_b_16") {
        const fs::path zoo = fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_zoo_models.py";
        return {"zoo", "", source.name, fnv1a_hex(read_bytes(zoo))};
      }
      throw UnavailableError(fmt::format(
          "zoo model {} has no PyTorch definition for Python's side (resnet50 and vit_b_16 have)",
          source.name));
    case ModelKind::OnnxFile:
      throw UnavailableError(source.given +
                             " is an ONNX file: it runs in backend onnxruntime only");
    case ModelKind::DecoderPreset:
    case ModelKind::CheckpointDirectory:
      break;
  }
  throw UnavailableError(
      fmt::format("a {} runs in the generation suite", model_kind_name(source.kind)));
}

PreparedModel prepare_python_model(const PythonModel& model, PreparedForm form,
                                   const PrepareRequest& request) {
  const bool aot = form == PreparedForm::AotPackage;
  const std::string key = fnv1a_hex(fmt::format(
      "user_model\n{}\n{}\n{}\nform={}\ndtype={}\nbatch={}\ntarget={}\nseed={}\nautotune={}\n"
      "libtorch={}",
      model.kind, model.entry, model.content_hash, aot ? "aot" : "onnx", request.dtype_name,
      request.batch_size, request.target, request.seed, request.max_autotune, TORCH_VERSION));
  const fs::path cache =
      fs::path(request.cache_dir.empty() ? default_aot_cache_dir() : request.cache_dir) / "user";
  const fs::path folder = cache / key;
  PreparedModel prepared;
  prepared.artifact = folder / (aot ? "model.pt2" : "model.onnx");
  prepared.reference = folder / (aot ? "reference.pt" : "reference.npz");
  const fs::path record = folder / "prepared.txt";  // written last: "<ms> <parameters>"
  std::error_code missing;
  if (fs::exists(record, missing)) {
    std::istringstream(read_bytes(record)) >> prepared.prepare_ms >> prepared.parameters;
    prepared.cache_hit = true;
    return prepared;
  }
  fs::create_directories(cache);
  const fs::path partial = cache / fmt::format("{}.partial-{}", key, getpid());
  fs::remove_all(partial, missing);
  fs::create_directories(partial);
  std::vector<std::string> command{
      request.python, (fs::path(NNBENCH_SCRIPTS_DIR) / "nnbench_model_prepare.py").string()};
  for (const std::string& argument : model.arguments()) command.push_back(argument);
  command.insert(command.end(), {"--batch", std::to_string(request.batch_size), "--dtype",
                                 request.dtype_name, "--device", request.device, "--seed",
                                 std::to_string(request.seed), "--target", aot ? "aot" : "onnx",
                                 "--expect-torch", TORCH_VERSION, "--out", partial.string()});
  if (request.max_autotune) command.push_back("--max-autotune");
  WorkerReport report;
  try {
    report = run_framework_worker(command, host_allocator_environment(), request.timeout);
  } catch (...) {
    fs::remove_all(partial, missing);
    throw;
  }
  const auto made = report.meta.find(aot ? "compile_ms" : "export_ms");
  if (made == report.meta.end() || !fs::exists(partial / prepared.artifact.filename(), missing)) {
    fs::remove_all(partial, missing);
    throw Error(fmt::format("the {} wrote no {}", aot ? "AOTInductor compiler" : "ONNX exporter",
                            prepared.artifact.filename().string()));
  }
  prepared.prepare_ms = std::stod(made->second);
  prepared.parameters =
      report.meta.count("parameters") ? std::stoll(report.meta.at("parameters")) : 0;
  std::ofstream(partial / "prepared.txt") << prepared.prepare_ms << ' ' << prepared.parameters;
  fs::rename(partial, folder, missing);  // another run may have made it meanwhile: keep theirs
  if (missing) fs::remove_all(partial, missing);
  return prepared;
}

}  // namespace nnbench::suites
