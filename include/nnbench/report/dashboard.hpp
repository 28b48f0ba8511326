// The HTML dashboard: one self-contained file (plotly.min.js inlined, no network needed to open
// it) with interactive charts and sortable tables of every variant, drawn by scripts/dashboard.py
// with the project's Python. Several runs share one page when `directory` is a results folder.
#pragma once

#include <filesystem>

namespace nnbench::report {

// Writes the dashboard of `directory` (a run directory, or a folder of runs) to `out`, whole or
// not at all. Throws InputError when there is no run with result files or a file cannot be read,
// UnavailableError when the Python or its plotly is missing, IoError otherwise.
void write_dashboard(const std::filesystem::path& directory, const std::filesystem::path& out);

}  // namespace nnbench::report
