// The one model catalogue: how a model a user names (`--models X`, `--axis model=X`,
// `--option model=X`, `models:` in a config file) becomes a model source, by the same rules in
// every suite. A benchmark's `model` axis says which kinds of source it runs; a value of
// another kind is refused when the run is planned, naming the benchmarks that can run it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::suites {

enum class ModelKind {
  Zoo,            // a native LibTorch model of the inference zoo: resnet50, vit_b_16, scaling_mlp
  LanguageFile,   // a .nn file of the model language
  DecoderPreset,  // a decoder of the generation suite: gpt2, llama2-7b, ...
  PythonFile,     // a user's .py file: model() and example_inputs(batch_size, dtype, device)
  Pt2File,        // a .pt2 archive: an AOTInductor package or a torch.export ExportedProgram
  OnnxFile,       // a .onnx file
  CheckpointDirectory,  // a Hugging Face checkpoint: config.json and safetensors weights
};

// "zoo model", "model-language file", "decoder preset", "Python model file", ...
const char* model_kind_name(ModelKind kind);

// What a .pt2 archive holds (read from its entries' names).
enum class Pt2Content {
  None,             // not a .pt2 file
  AotiPackage,      // compiled code: .../data/aotinductor/...
  ExportedProgram,  // torch.export.save: .../models/*.json and the weights
};

struct ModelSource {
  std::string given;  // as the user wrote it
  ModelKind kind = ModelKind::Zoo;
  std::string name;            // the zoo or preset name; a file's stem
  std::filesystem::path file;  // LanguageFile: the file
  // LanguageFile: one of the seed models in models/ with a hand-written LibTorch twin
  // (native_models.hpp): simple_mlp, cnn, deep_mlp.
  bool has_native_twin = false;
  // PythonFile: the function that builds the model ("model", or NAME in `file.py:NAME`).
  std::string factory;
  Pt2Content pt2 = Pt2Content::None;  // Pt2File: what the archive holds
};

// The repository's models/ folder, where bare language model names are looked up.
std::filesystem::path shipped_models_dir();

// Resolves a model by name or path:
//   - a path (a name with '/', or ending in .nn, .neural, .py, .py:NAME, .pt2 or .onnx), relative
//     to the working directory, is a file of the kind its extension names (a .pt2 archive is
//     opened to see what it holds), or a directory with a config.json (a Hugging Face
//     checkpoint); a missing path, an unknown extension or a directory without config.json is an
//     InputError naming it;
//   - a zoo name, then a decoder preset name;
//   - a bare name of a file in models/ ("cnn" -> models/cnn.nn, "small_convnet" ->
//     models/small_convnet.py).
// Zoo names come first: "resnet50" is the zoo's model, "models/resnet50.nn" the language's.
// Throws InputError naming the closest known model for an unknown name, or the missing file.
ModelSource resolve_model(const std::string& name_or_path);

// The same, for a benchmark that runs models of `kinds`: a bare name whose first meaning is of
// another kind but which also names a file in models/ of one of `kinds` is that file ("resnet50"
// in a benchmark that runs only language files: models/resnet50.nn). Otherwise as above.
ModelSource resolve_model(const std::string& name_or_path, const std::vector<ModelKind>& kinds);

// Every bare name the catalogue knows, for listings and suggestions.
std::vector<std::string> catalogue_model_names();

// The kinds and extensions a model path may have, for messages: ".nn, .py[:NAME], .pt2, .onnx or
// a checkpoint directory".
std::string model_file_kinds_text();

// The `model` axis of a benchmark that runs models of `kinds` (with `need_native_twin`, only
// language files that have a hand-written twin). Its check resolves each value when the run is
// planned and refuses one of another kind, saying what it is.
Axis model_axis(std::vector<std::string> defaults, std::vector<ModelKind> kinds,
                std::string description, bool need_native_twin = false);

// A LanguageFile source compiled: its first network (the compiler's diagnostics as InputError).
dsl::ir::Network load_language_model(const ModelSource& source);

}  // namespace nnbench::suites
