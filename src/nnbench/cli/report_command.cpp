// `nnbench report RUN_DIR`: the Markdown report and the plots of a run, regenerated from its
// result files alone (after editing, copying or merging them, or with a newer nnbench).
#include <fstream>

#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/report/plots.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::cli {

int report_command(const ReportCommandOptions& options) {
  const std::filesystem::path dir = options.run_dir;
  const LoadedRun run = read_result_directory(dir);
  make_writer("markdown")->write(run.results, run.run_info, dir);
  if (options.plots) {
    const std::vector<Plot> plots = draw_plots(dir);
    std::ofstream report(dir / "report.md", std::ios::app);
    report << plots_markdown(plots);
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
