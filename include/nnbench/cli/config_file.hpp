// YAML run configuration (--config suite.yaml): benchmarks, axes, iterations and output.
#pragma once

#include <string>

#include "nnbench/core/runner.hpp"

namespace nnbench::cli {

// Settings a config file may hold beyond RunConfig.
struct FileSettings {
  int threads = 0;
};

// Reads `path` into `config` (fields the file names replace the current values). Throws
// InputError naming the file, line and key for malformed YAML, an unknown key (with a
// suggestion) or a value of the wrong type; a missing file is an InputError too.
void load_config_file(const std::string& path, RunConfig& config, FileSettings& settings);

}  // namespace nnbench::cli
