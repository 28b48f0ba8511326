// `nnbench history --check`: for every variant, its latest run against its previous run on the
// same machine (the machine of the history's most recent run), compared as `nnbench compare`
// compares two runs (medians, Mann-Whitney U on the raw samples, a verdict per metric).
#pragma once

#include "nnbench/report/compare.hpp"
#include "nnbench/report/history_db.hpp"

namespace nnbench::report {

// One Comparison holding every variant's rows; base_run_id / new_run_id describe the pairing.
// Variants with fewer than two ok runs on that machine are not in it. Throws InputError on
// invalid options.
Comparison check_history(const HistoryDb& history, const CompareOptions& options);

}  // namespace nnbench::report
