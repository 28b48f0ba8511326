// Reading result files back.
#include "nnbench/report/result_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::report {
namespace fs = std::filesystem;

namespace {

ordered_json parse_file(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    throw InputError(
        fmt::format("result file '{}' does not exist or is not a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot open result file '{}'", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return ordered_json::parse(text.str());
  } catch (const nlohmann::json::parse_error& parse_error) {
    throw InputError(
        fmt::format("result file '{}' is not valid JSON: {}", path.string(), parse_error.what()));
  }
}

void check_schema_version(const ordered_json& root, const fs::path& path) {
  if (!root.is_object()) {
    throw InputError(fmt::format("result file '{}' should hold a JSON object, found {}",
                                 path.string(), root.type_name()));
  }
  auto version = root.find("schema_version");
  if (version == root.end()) {
    throw InputError(fmt::format(
        "result file '{}' has no schema_version: not an nnbench result file", path.string()));
  }
  if (!version->is_number_integer() || version->get<long long>() != kResultSchemaVersion) {
    throw InputError(fmt::format("result file '{}' has schema_version {}, expected {}",
                                 path.string(), version->dump(), kResultSchemaVersion));
  }
  if (!root.contains("benchmark_scenarios")) {
    throw InputError(
        fmt::format("result file '{}' has no benchmark_scenarios: not a per-benchmark result file "
                    "(summary.json "
                    "cannot be compared; pass the benchmark's .json or the run directory)",
                    path.string()));
  }
}

}  // namespace

LoadedRun read_result_file(const fs::path& path) {
  const ordered_json root = parse_file(path);
  check_schema_version(root, path);
  LoadedRun run;
  try {
    auto string_field = [&](const char* key) {
      auto it = root.find(key);
      if (it == root.end()) throw InputError(fmt::format("missing field '{}'", key));
      if (!it->is_string()) throw InputError(fmt::format("field '{}' should be a string", key));
      return it->get<std::string>();
    };
    string_field("model_name");
    const std::string benchmark = string_field("benchmark");
    if (!root.contains("run")) throw InputError("missing field 'run'");
    if (!root.contains("context")) throw InputError("missing field 'context'");
    run.run_info = run_info_from_json(root.at("run"), root.at("context"));
    const ordered_json& records = root.at("benchmark_scenarios");
    if (!records.is_array()) throw InputError("field 'benchmark_scenarios' should be an array");
    for (std::size_t i = 0; i < records.size(); ++i) {
      run.results.push_back(variant_record_from_json(records[i], benchmark,
                                                     fmt::format("benchmark_scenarios[{}]", i)));
    }
  } catch (const InputError& error) {
    throw InputError(fmt::format("result file '{}': {}", path.string(), error.what()));
  } catch (const nlohmann::json::exception& error) {  // a type we did not check by hand
    throw InputError(fmt::format("result file '{}': {}", path.string(), error.what()));
  }
  run.files.push_back(path);
  return run;
}

LoadedRun read_result_directory(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw InputError(fmt::format("'{}' is not a directory", dir.string()));
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension() == ".json" && name != "summary.json" &&
        name.front() != '.') {
      files.push_back(entry.path());
    }
  }
  if (error) throw InputError(fmt::format("cannot list '{}': {}", dir.string(), error.message()));
  if (files.empty()) {
    throw InputError(
        fmt::format("'{}' holds no result file (*.json besides summary.json)", dir.string()));
  }
  std::sort(files.begin(), files.end());
  LoadedRun run;
  for (const fs::path& file : files) {
    LoadedRun part = read_result_file(file);
    if (run.files.empty()) run.run_info = part.run_info;
    run.files.push_back(file);
    for (Result& result : part.results) run.results.push_back(std::move(result));
  }
  return run;
}

LoadedRun read_results(const fs::path& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) return read_result_directory(path);
  return read_result_file(path);
}

}  // namespace nnbench::report
