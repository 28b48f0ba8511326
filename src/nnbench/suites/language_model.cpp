// Language models by name (see language_model.hpp).
#include "nnbench/suites/language_model.hpp"

#include "nnbench/core/error.hpp"
#include "nnbench/dsl/compile.hpp"

namespace nnbench::suites {

namespace fs = std::filesystem;

Axis language_model_axis() {
  return string_axis("model", {"simple_mlp", "cnn", "deep_mlp"},
                     "a model in models/ (or --option model=FILE)");
}

dsl::ir::Network load_language_model(const fs::path& models_dir, const std::string& model,
                                     const std::string& model_option) {
  fs::path file = models_dir / (model + ".nn");
  if (!model_option.empty() && fs::path(model_option).stem() == model) file = model_option;
  if (!fs::exists(file)) {
    throw InputError("model '" + model + "': no " + file.string() +
                     " (name a file of models/, or give --option model=FILE)");
  }
  return dsl::compile_file(file.string()).front();
}

}  // namespace nnbench::suites
