// The progress line a run shows on a terminal: what runs, i of n, elapsed and ETA.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "nnbench/core/runner.hpp"

namespace nnbench::cli {

class ProgressLine final : public RunObserver {
 public:
  // Draws only when `stream` is a terminal and `enabled`; otherwise stays quiet.
  ProgressLine(std::FILE* stream, bool enabled);
  void on_variant_start(std::size_t index, std::size_t total, const std::string& benchmark,
                        const Variant& variant) override;
  void on_variant_end(std::size_t index, std::size_t total, const Result& result) override;
  // Clears the line (before other output).
  void clear();

 private:
  std::FILE* stream_;
  bool active_;
  std::int64_t started_ns_;
  std::size_t last_width_ = 0;
};

// "1:05" / "12s" for ETAs.
std::string format_duration(double seconds);

}  // namespace nnbench::cli
