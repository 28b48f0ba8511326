// Runs scripts/dashboard.py (see dashboard.hpp).
#include "nnbench/report/dashboard.hpp"

#include "nnbench/report/python_script.hpp"

namespace nnbench::report {

void write_dashboard(const std::filesystem::path& directory, const std::filesystem::path& out) {
  throw_unless_succeeded(
      run_python_script("dashboard.py", {directory.string(), "--out", out.string()}),
      "the dashboard of " + directory.string());
}

}  // namespace nnbench::report
