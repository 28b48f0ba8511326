// Runs scripts/dashboard.py (see dashboard.hpp).
#include "nnbench/report/dashboard.hpp"

#include "nnbench/report/python_script.hpp"

namespace nnbench::report {

void write_dashboard(const std::filesystem::path& directory, const std::filesystem::path& out) {
  const std::filesystem::path scratch = out.has_parent_path() ? out.parent_path() : ".";
  throw_unless_succeeded(
      run_python_script("dashboard.py", {directory.string(), "--out", out.string()}, scratch),
      "the dashboard of " + directory.string());
}

}  // namespace nnbench::report
