// The model catalogue (see model_catalogue.hpp).
#include "nnbench/suites/model_catalogue.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/generation/decoder.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/suites/native_models.hpp"
#include "nnbench/suites/pt2_archive.hpp"

namespace nnbench::suites {

namespace fs = std::filesystem;

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `file.py:NAME` names a factory in a Python file.
std::size_t factory_separator(const std::string& text) {
  const std::size_t at = text.rfind(".py:");
  return at == std::string::npos ? std::string::npos : at + 3;
}

bool names_a_file(const std::string& text) {
  return text.find('/') != std::string::npos || text.ends_with(".nn") ||
         text.ends_with(".neural") || text.ends_with(".py") || text.ends_with(".pt2") ||
         text.ends_with(".onnx") || factory_separator(text) != std::string::npos;
}

// The stems of the shipped model files of one extension in models/ (.nn: the language's seed
// models; .py: example models of the Python convention, docs/your-model.md).
std::vector<std::string> shipped_models(const char* extension) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(shipped_models_dir(), error)) {
    if (entry.path().extension() == extension) names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The file is one of the shipped seed models that have a hand-written twin.
bool is_native_twin(const fs::path& file) {
  for (const std::string& name : native_model_names()) {
    std::error_code error;
    if (fs::equivalent(file, shipped_models_dir() / (name + ".nn"), error)) return true;
  }
  return false;
}

void require_regular_file(const std::string& given, const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    throw InputError(fmt::format("model '{}': no file {}", given, file.string()));
  }
  if (!fs::is_regular_file(file, error)) {
    throw InputError(fmt::format("model '{}': {} is not a regular file (a FIFO, device or socket)",
                                 given, file.string()));
  }
}

ModelSource file_source(const std::string& given, const fs::path& file, ModelKind kind) {
  require_regular_file(given, file);
  ModelSource source;
  source.given = given;
  source.kind = kind;
  source.name = file.stem().string();
  source.file = file;
  return source;
}

ModelSource language_file(const std::string& given, const fs::path& file) {
  ModelSource source = file_source(given, file, ModelKind::LanguageFile);
  source.has_native_twin = is_native_twin(file);
  return source;
}

bool is_identifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front()))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

ModelSource python_file(const std::string& given) {
  const std::size_t separator = factory_separator(given);
  const fs::path file = separator == std::string::npos ? given : given.substr(0, separator);
  ModelSource source = file_source(given, file, ModelKind::PythonFile);
  source.factory = separator == std::string::npos ? "model" : given.substr(separator + 1);
  if (!is_identifier(source.factory)) {
    throw InputError(fmt::format(
        "model '{}': '{}' is not a Python function name (write file.py or file.py:factory)", given,
        source.factory));
  }
  if (separator != std::string::npos) source.name += ":" + source.factory;
  return source;
}

ModelSource pt2_file(const std::string& given, const fs::path& file) {
  ModelSource source = file_source(given, file, ModelKind::Pt2File);
  for (const std::string& entry : zip_entry_names(file)) {
    if (entry.find("/data/aotinductor/") != std::string::npos) {
      source.pt2 = Pt2Content::AotiPackage;
      return source;
    }
    if (entry.find("/models/") != std::string::npos && entry.ends_with(".json")) {
      source.pt2 = Pt2Content::ExportedProgram;
    }
  }
  if (source.pt2 == Pt2Content::None) {
    throw InputError(
        fmt::format("model '{}': {} holds neither an AOTInductor package (data/aotinductor/) nor a "
                    "torch.export program (models/*.json)",
                    given, file.string()));
  }
  return source;
}

ModelSource checkpoint_directory(const std::string& given, const fs::path& directory) {
  std::error_code error;
  if (!fs::is_regular_file(directory / "config.json", error)) {
    throw InputError(fmt::format(
        "model '{}': {} is a directory without a config.json; a model directory is a Hugging "
        "Face checkpoint (config.json and *.safetensors)",
        given, directory.string()));
  }
  ModelSource source;
  source.given = given;
  source.kind = ModelKind::CheckpointDirectory;
  source.name = fs::path(directory).lexically_normal().filename().string();
  if (source.name.empty())
    source.name = fs::path(directory).lexically_normal().parent_path().filename().string();
  source.file = directory;
  return source;
}

// A model given by path: its kind from the extension (or a directory's config.json).
ModelSource model_file(const std::string& given) {
  if (factory_separator(given) != std::string::npos || given.ends_with(".py")) {
    return python_file(given);
  }
  const fs::path path = given;
  std::error_code error;
  if (fs::is_directory(path, error)) return checkpoint_directory(given, path);
  const std::string extension = path.extension().string();
  if (extension == ".nn" || extension == ".neural") return language_file(given, path);
  if (extension == ".pt2") return pt2_file(given, path);
  if (extension == ".onnx") return file_source(given, path, ModelKind::OnnxFile);
  require_regular_file(given, path);
  throw InputError(fmt::format("model '{}': unknown kind of model file '{}' (known: {})", given,
                               extension.empty() ? path.filename().string() : extension,
                               model_file_kinds_text()));
}

}  // namespace

const char* model_kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::Zoo:
      return "zoo model";
    case ModelKind::LanguageFile:
      return "model-language file";
    case ModelKind::DecoderPreset:
      return "decoder preset";
    case ModelKind::PythonFile:
      return "Python model file";
    case ModelKind::Pt2File:
      return ".pt2 archive";
    case ModelKind::OnnxFile:
      return "ONNX file";
    case ModelKind::CheckpointDirectory:
      return "Hugging Face checkpoint directory";
  }
  return "?";
}

std::string model_file_kinds_text() {
  return ".nn (the model language), .py or .py:FACTORY (a PyTorch model file), .pt2 (an "
         "AOTInductor package or a torch.export program), .onnx, or a Hugging Face checkpoint "
         "directory";
}

fs::path shipped_models_dir() { return fs::path(NNBENCH_SOURCE_DIR) / "models"; }

std::vector<std::string> catalogue_model_names() {
  std::vector<std::string> names = engine::zoo_model_names();
  for (const std::string& preset : engine::decoder_preset_names()) names.push_back(preset);
  for (const char* extension : {".nn", ".py"}) {
    for (const std::string& file : shipped_models(extension)) {
      if (!contains(names, file)) names.push_back(file);
    }
  }
  return names;
}

namespace {

// models/<name>.nn (LanguageFile) or models/<name>.py (PythonFile), if that file exists.
std::optional<ModelSource> shipped_model(const std::string& name, ModelKind kind) {
  const bool language = kind == ModelKind::LanguageFile;
  const fs::path file = shipped_models_dir() / (name + (language ? ".nn" : ".py"));
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  if (language) return language_file(name, file);
  ModelSource source = python_file(file.string());
  source.given = name;
  return source;
}

}  // namespace

ModelSource resolve_model(const std::string& name_or_path) {
  if (name_or_path.empty()) throw InputError("model: an empty name");
  if (names_a_file(name_or_path)) return model_file(name_or_path);
  if (contains(engine::zoo_model_names(), name_or_path)) {
    return ModelSource{name_or_path, ModelKind::Zoo, name_or_path, {}, false};
  }
  if (contains(engine::decoder_preset_names(), name_or_path)) {
    return ModelSource{name_or_path, ModelKind::DecoderPreset, name_or_path, {}, false};
  }
  for (ModelKind kind : {ModelKind::LanguageFile, ModelKind::PythonFile}) {
    if (std::optional<ModelSource> shipped = shipped_model(name_or_path, kind)) return *shipped;
  }
  const std::vector<std::string> known = catalogue_model_names();
  std::string message = fmt::format("unknown model '{}'", name_or_path);
  if (auto best = closest_match(name_or_path, known))
    message += fmt::format("; did you mean '{}'?", *best);
  throw InputError(message + fmt::format(" (known: {}; or a path: {})", fmt::join(known, ", "),
                                         model_file_kinds_text()));
}

ModelSource resolve_model(const std::string& name_or_path, const std::vector<ModelKind>& kinds) {
  ModelSource source = resolve_model(name_or_path);
  const auto runs = [&kinds](ModelKind kind) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  };
  if (runs(source.kind) || names_a_file(name_or_path)) return source;
  for (ModelKind kind : {ModelKind::LanguageFile, ModelKind::PythonFile}) {
    if (!runs(kind)) continue;
    if (std::optional<ModelSource> shipped = shipped_model(name_or_path, kind)) return *shipped;
  }
  return source;
}

Axis model_axis(std::vector<std::string> defaults, std::vector<ModelKind> kinds,
                std::string description, bool need_native_twin) {
  Axis axis = string_axis("model", std::move(defaults), std::move(description));
  axis.check = [kinds, need_native_twin](const std::string& value) {
    const ModelSource source = resolve_model(value, kinds);
    if (std::find(kinds.begin(), kinds.end(), source.kind) == kinds.end()) {
      std::vector<std::string> wanted;
      for (ModelKind kind : kinds) wanted.emplace_back(model_kind_name(kind));
      throw InputError(fmt::format("model '{}' is a {}; this benchmark runs a {}", value,
                                   model_kind_name(source.kind), fmt::join(wanted, " or a ")));
    }
    if (need_native_twin && !source.has_native_twin) {
      throw InputError(fmt::format(
          "model '{}' has no hand-written LibTorch twin; this benchmark compares one of: {}", value,
          fmt::join(native_model_names(), ", ")));
    }
  };
  return axis;
}

dsl::ir::Network load_language_model(const ModelSource& source) {
  if (source.kind != ModelKind::LanguageFile) {
    throw InputError(fmt::format("model '{}' is a {}, not a model-language file", source.given,
                                 model_kind_name(source.kind)));
  }
  return dsl::compile_file(source.file.string()).front();
}

}  // namespace nnbench::suites
