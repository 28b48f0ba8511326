// Runs scripts/plot_results.py on a run directory (see plots.hpp).
#include "nnbench/report/plots.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;

// 'text' for a POSIX shell, single quotes inside escaped.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string python() {
  const char* from_environment = std::getenv("NNBENCH_PYTHON");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                  : NNBENCH_PLOT_PYTHON;
}

}  // namespace

std::vector<Plot> draw_plots(const fs::path& run_dir) {
  const fs::path out = run_dir / "plots";
  const fs::path log = run_dir / ".plots.log";
  const std::string command = fmt::format(
      "{} {} {} --out {} > {} 2>&1", shell_quote(python()), shell_quote(NNBENCH_PLOT_SCRIPT),
      shell_quote(run_dir.string()), shell_quote(out.string()), shell_quote(log.string()));
  const int status = std::system(command.c_str());
  std::string message = read_file(log);
  std::error_code ignored;
  fs::remove(log, ignored);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 1 || code == 2) throw InputError(message);
  if (code == 3 || code == 127) {
    throw UnavailableError(code == 127 ? fmt::format("plots: cannot run {}", python()) : message);
  }
  if (code != 0) throw IoError(fmt::format("plots of {} failed: {}", run_dir.string(), message));

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

}  // namespace nnbench
