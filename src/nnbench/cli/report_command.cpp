// `nnbench report RUN_DIR`: the Markdown report and the plots of a run, regenerated from its
// result files alone (after editing, copying or merging them, or with a newer nnbench); with
// --html, the dashboard of one run or of a folder of runs.
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/report/dashboard.hpp"
#include "nnbench/report/plots.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::cli {

int report_command(const ReportCommandOptions& options) {
  const std::filesystem::path dir = options.run_dir;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw InputError(
        fmt::format("{} is not a directory (a run directory, results/<timestamp>)", dir.string()));
  }
  if (options.html) {
    const std::filesystem::path out =
        options.out.empty() ? dir / "dashboard.html" : std::filesystem::path(options.out);
    report::write_dashboard(dir, out);
    fmt::print("dashboard: {} (self-contained; open it in a browser)\n", out.string());
    return kExitOk;
  }
  const report::LoadedRun run = report::read_result_directory(dir);
  report::make_writer("markdown")->write(run.results, run.run_info, dir);
  if (options.plots) {
    const std::vector<report::Plot> plots = report::draw_plots(dir);
    std::ofstream report(dir / "report.md", std::ios::app);
    report << report::plots_markdown(plots);
    if (!report)
      throw IoError(fmt::format("{}: cannot append the plots", (dir / "report.md").string()));
    fmt::print("report: {} ({} plot(s) in {}, PNG at 300 DPI and SVG)\n",
               (dir / "report.md").string(), plots.size(), (dir / "plots").string());
  } else {
    fmt::print("report: {}\n", (dir / "report.md").string());
  }
  return kExitOk;
}

}  // namespace nnbench::cli
