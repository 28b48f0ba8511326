// Runs scripts/plot_results.py on a run directory (see plots.hpp).
#include "nnbench/report/plots.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/report/python_script.hpp"
#include "nnbench/report/text_table.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) { return read_file_bytes(path).value_or(""); }

// A plot file's name from the index, checked: report.md links it as written, so it must be a
// plain name (plot_results.py makes every name of [A-Za-z0-9._-]).
fs::path plot_file(const nlohmann::json& entry, const char* key, const fs::path& index) {
  const std::string name = entry.at(key).get<std::string>();
  const bool plain = !name.empty() && name[0] != '.' &&
                     name.find_first_not_of(
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._-") == std::string::npos;
  if (!plain) {
    throw IoError(fmt::format("{}: plot file name {} is not a plain file name", index.string(),
                              nlohmann::json(name).dump()));
  }
  return fs::path("plots") / name;
}

}  // namespace

std::vector<Plot> draw_plots(const fs::path& run_dir) {
  const fs::path out = run_dir / "plots";
  const ScriptOutcome outcome =
      run_python_script("plot_results.py", {run_dir.string(), "--out", out.string()});
  throw_unless_succeeded(outcome, "plots of " + run_dir.string());

  std::vector<Plot> plots;
  const fs::path index_path = out / "index.json";
  try {
    const nlohmann::json index = nlohmann::json::parse(read_file(index_path));
    for (const auto& entry : index) {
      plots.push_back({entry.at("name").get<std::string>(), entry.at("title").get<std::string>(),
                       plot_file(entry, "png", index_path), plot_file(entry, "svg", index_path)});
    }
  } catch (const nlohmann::json::exception& e) {
    throw IoError(fmt::format("{}: unreadable plot index: {}", index_path.string(), e.what()));
  }
  return plots;
}

std::string plots_markdown(const std::vector<Plot>& plots) {
  std::string text = "\n## Plots\n\n";
  if (plots.empty()) {
    return text +
           "No plot: no benchmark here has two batch sizes, two model sizes or a memory "
           "figure.\n";
  }
  for (const Plot& plot : plots) {
    text += fmt::format("![{}]({}) ([SVG]({}))\n\n", markdown_text(plot.title), plot.png.string(),
                        plot.svg.string());
  }
  return text;
}

}  // namespace nnbench::report
