// The model catalogue (see model_catalogue.hpp).
#include "nnbench/suites/model_catalogue.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/generation/decoder.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/suites/native_models.hpp"

namespace nnbench::suites {

namespace fs = std::filesystem;

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool names_a_file(const std::string& text) {
  return text.find('/') != std::string::npos || text.ends_with(".nn") || text.ends_with(".neural");
}

std::vector<std::string> shipped_language_models() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(shipped_models_dir(), error)) {
    if (entry.path().extension() == ".nn") names.push_back(entry.path().stem().string());
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

ModelSource language_file(const std::string& given, const fs::path& file) {
  std::error_code error;
  if (fs::is_directory(file, error)) {
    throw InputError(
        fmt::format("model '{}': {} is a directory, not a model file", given, file.string()));
  }
  if (!fs::exists(file, error)) {
    throw InputError(fmt::format("model '{}': no file {}", given, file.string()));
  }
  if (!fs::is_regular_file(file, error)) {
    throw InputError(fmt::format("model '{}': {} is not a regular file (a FIFO, device or socket)",
                                 given, file.string()));
  }
  ModelSource source;
  source.given = given;
  source.kind = ModelKind::LanguageFile;
  source.name = file.stem().string();
  source.file = file;
  source.has_native_twin = is_native_twin(file);
  return source;
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
  }
  return "?";
}

fs::path shipped_models_dir() { return fs::path(NNBENCH_SOURCE_DIR) / "models"; }

std::vector<std::string> catalogue_model_names() {
  std::vector<std::string> names = engine::zoo_model_names();
  for (const std::string& preset : engine::decoder_preset_names()) names.push_back(preset);
  for (const std::string& file : shipped_language_models()) {
    if (!contains(names, file)) names.push_back(file);
  }
  return names;
}

ModelSource resolve_model(const std::string& name_or_path) {
  if (name_or_path.empty()) throw InputError("model: an empty name");
  if (names_a_file(name_or_path)) return language_file(name_or_path, name_or_path);
  if (contains(engine::zoo_model_names(), name_or_path)) {
    return ModelSource{name_or_path, ModelKind::Zoo, name_or_path, {}, false};
  }
  if (contains(engine::decoder_preset_names(), name_or_path)) {
    return ModelSource{name_or_path, ModelKind::DecoderPreset, name_or_path, {}, false};
  }
  const fs::path shipped = shipped_models_dir() / (name_or_path + ".nn");
  std::error_code error;
  if (fs::is_regular_file(shipped, error)) return language_file(name_or_path, shipped);
  const std::vector<std::string> known = catalogue_model_names();
  std::string message = fmt::format("unknown model '{}'", name_or_path);
  if (auto best = closest_match(name_or_path, known))
    message += fmt::format("; did you mean '{}'?", *best);
  throw InputError(message +
                   fmt::format(" (known: {}; or a path to a .nn file)", fmt::join(known, ", ")));
}

Axis model_axis(std::vector<std::string> defaults, std::vector<ModelKind> kinds,
                std::string description, bool need_native_twin) {
  Axis axis = string_axis("model", std::move(defaults), std::move(description));
  axis.check = [kinds, need_native_twin](const std::string& value) {
    const ModelSource source = resolve_model(value);
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
