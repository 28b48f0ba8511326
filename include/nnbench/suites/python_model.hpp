// A model as PyTorch's Python side builds it (scripts/nnbench_model_source.py), for the
// user_model benchmark: a user's .py file, a torch.export program (.pt2), a model-language file
// (its `--emit pytorch` output, written into a scratch folder), or the zoo's resnet50 and
// vit_b_16 (scripts/nnbench_zoo_models.py). Also the compiled forms nnbench makes of it with
// scripts/nnbench_model_prepare.py, cached: an AOTInductor package and an ONNX export, each with
// the eager reference it is checked against.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/suites/model_catalogue.hpp"
#include "nnbench/suites/scratch_directory.hpp"

namespace nnbench::suites {

struct PythonModel {
  std::string kind;  // python | exported | language | zoo (nnbench_model_source.py's kinds)
  std::filesystem::path path;  // the file the Python side loads (empty for the zoo)
  std::string entry;           // the factory, the language network's class, the zoo name
  std::string content_hash;    // of everything the model is made from: the cache key's part
  // The command-line arguments naming it: --kind K --path P --entry E.
  std::vector<std::string> arguments() const;
};

// The Python form of `source`; a language model's emitted code is written into `scratch`.
// Throws UnavailableError for a source PyTorch's side cannot build (scaling_mlp, a decoder
// preset, an AOTInductor package, an ONNX file).
PythonModel python_model_of(const ModelSource& source, const ScratchDirectory& scratch);

enum class PreparedForm { AotPackage, OnnxExport };

struct PrepareRequest {
  std::string dtype_name = "fp32";
  std::int64_t batch_size = 1;
  std::string device = "cpu";  // the device's type: cpu or cuda
  std::string target;          // aot_target_of(device): part of the cache key
  std::int64_t seed = 42;
  bool max_autotune = false;
  std::string cache_dir;  // empty: default_aot_cache_dir()
  std::string python;
  std::chrono::seconds timeout{1800};
};

struct PreparedModel {
  std::filesystem::path artifact;   // model.pt2 or model.onnx
  std::filesystem::path reference;  // reference.pt (inputs, eager outputs) or reference.npz
  double prepare_ms = 0;            // compiling (aot) or exporting (onnx), when it was made
  bool cache_hit = false;
  std::int64_t parameters = 0;
};

// Makes (or finds in the cache) `form` of `model`. Throws what the worker protocol says:
// InputError for a mistake in the user's model, SkipError for a variant that does not apply,
// UnavailableError when PyTorch cannot be used, Error when compiling or exporting fails.
PreparedModel prepare_python_model(const PythonModel& model, PreparedForm form,
                                   const PrepareRequest& request);

}  // namespace nnbench::suites
