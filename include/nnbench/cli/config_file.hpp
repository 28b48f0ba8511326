// YAML run configuration (--config suite.yaml): the settings of run_settings.hpp under their file
// keys, e.g. `benchmarks: [mlp_inference]`, `axes: {batch_size: [1, 8]}`, `warmup: 5`.
#pragma once

#include <string>
#include <vector>

#include "nnbench/cli/run_settings.hpp"

namespace nnbench::cli {

// Applies the file's settings to `request` on `level`, appending each key it sets to `given`.
// Throws InputError naming the file, line and column for malformed YAML, an unknown key (with a
// suggestion), a key given twice, or a value a setting refuses; a missing file is an InputError
// too.
void load_config_file(const std::string& path, RunRequest& request, SettingLevel& level,
                      std::vector<std::string>& given);

}  // namespace nnbench::cli
