// Plots of a run directory, drawn by matplotlib: nnbench runs scripts/plot_results.py with the
// project's Python (the one CMake found, NNBENCH_PYTHON; the environment variable of that name
// overrides it) and reads back the plots it wrote. PNG at 300 DPI and SVG of each.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nnbench::report {

struct Plot {
  std::string name, title;         // as plot_results.py wrote them: text, holding result names
  std::filesystem::path png, svg;  // plots/<plain file name>
};

// Draws the plots of the results in `run_dir` into `run_dir`/plots. Throws InputError when the
// directory holds no result file or one that cannot be read, UnavailableError when the Python or
// its matplotlib is missing, IoError when the script fails otherwise (its one-line message
// included) or its index names a file that is not a plain file name.
std::vector<Plot> draw_plots(const std::filesystem::path& run_dir);

// The Markdown section listing `plots` (paths relative to the run directory), titles through
// markdown_text().
std::string plots_markdown(const std::vector<Plot>& plots);

}  // namespace nnbench::report
