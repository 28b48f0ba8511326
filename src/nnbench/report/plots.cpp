// Runs scripts/plot_results.py on a run directory (see plots.hpp).
#include "nnbench/report/plots.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"
#include "nnbench/report/python_script.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<Plot> draw_plots(const fs::path& run_dir) {
  const fs::path out = run_dir / "plots";
  const ScriptOutcome outcome =
      run_python_script("plot_results.py", {run_dir.string(), "--out", out.string()}, run_dir);
  throw_unless_succeeded(outcome, "plots of " + run_dir.string());

  std::vector<Plot> plots;
  try {
    const nlohmann::json index = nlohmann::json::parse(read_file(out / "index.json"));
    for (const auto& entry : index) {
      plots.push_back({entry.at("name").get<std::string>(), entry.at("title").get<std::string>(),
                       fs::path("plots") / entry.at("png").get<std::string>(),
                       fs::path("plots") / entry.at("svg").get<std::string>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw IoError(
        fmt::format("{}: unreadable plot index: {}", (out / "index.json").string(), e.what()));
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
    text +=
        fmt::format("![{}]({}) ([SVG]({}))\n\n", plot.title, plot.png.string(), plot.svg.string());
  }
  return text;
}

}  // namespace nnbench::report
