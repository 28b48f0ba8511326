// What `nnbench run` shows while and after it runs: one log line per finished variant (and the
// progress line on a terminal), and the summary table. Private to the cli layer.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "nnbench/cli/progress.hpp"
#include "nnbench/core/runner.hpp"

namespace nnbench::cli {

// The table printed at the end of a run: benchmark, variant, status, median latency, throughput,
// why sampling stopped (a load scenario's verdict).
void print_summary(const std::vector<Result>& results, std::FILE* stream);

// One line per finished variant in the log, the progress line on a terminal.
class LoggingProgress final : public RunObserver {
 public:
  LoggingProgress(spdlog::logger& log, bool quiet) : line(stderr, !quiet), log_(log) {}
  void on_variant_start(std::size_t index, std::size_t total, const std::string& benchmark,
                        const Variant& variant) override;
  void on_variant_end(std::size_t index, std::size_t total, const Result& result) override;

  ProgressLine line;

 private:
  spdlog::logger& log_;
};

}  // namespace nnbench::cli
