// Latest run against the previous one, per variant, from the history (see history_check.hpp).
#include "nnbench/report/history_check.hpp"

#include <map>
#include <string>
#include <utility>

namespace nnbench::report {
namespace {

// The run holding only the result of (benchmark, variant).
LoadedRun only_variant(const LoadedRun& run, const std::string& benchmark,
                       const std::string& variant) {
  LoadedRun single;
  single.run_info = run.run_info;
  for (const Result& result : run.results) {
    if (result.benchmark == benchmark && result.variant.name() == variant) {
      single.results.push_back(result);
    }
  }
  return single;
}

}  // namespace

Comparison check_history(const HistoryDb& history, const CompareOptions& options) {
  validate(options);
  Comparison all;
  all.options = options;
  all.base_run_id = "previous run of each variant";
  all.new_run_id = "latest run of each variant";
  const std::string machine = history.latest_machine();
  if (machine.empty()) return all;
  std::map<std::string, LoadedRun> loaded;  // run id -> run, each loaded once
  const auto run = [&](const std::string& id) -> const LoadedRun& {
    auto found = loaded.find(id);
    if (found == loaded.end()) found = loaded.emplace(id, history.load(id)).first;
    return found->second;
  };
  for (const HistoryDb::VariantPair& pair : history.latest_pairs(machine)) {
    const Comparison one =
        compare_runs(only_variant(run(pair.previous_run), pair.benchmark, pair.variant),
                     only_variant(run(pair.latest_run), pair.benchmark, pair.variant), options);
    for (CompareRow row : one.rows) {
      row.note = row.note.empty()
                     ? pair.previous_run + " -> " + pair.latest_run
                     : row.note + " (" + pair.previous_run + " -> " + pair.latest_run + ")";
      all.rows.push_back(std::move(row));
    }
  }
  return all;
}

}  // namespace nnbench::report
