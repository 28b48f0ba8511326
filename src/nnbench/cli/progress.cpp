// Terminal progress line (see progress.hpp).
#include "nnbench/cli/progress.hpp"

#include "nnbench/core/printable.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace nnbench::cli {

std::string format_duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}:{:02}", total / 60, total % 60);
  return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
}

ProgressLine::ProgressLine(std::FILE* stream, bool enabled)
    : stream_(stream), active_(enabled && isatty(fileno(stream))), started_ns_(steady_now_ns()) {}

void ProgressLine::on_variant_start(std::size_t index, std::size_t total,
                                    const std::string& benchmark, const Variant& variant) {
  if (!active_) return;
  const double elapsed_s = static_cast<double>(steady_now_ns() - started_ns_) * 1e-9;
  std::string eta = "ETA --";
  if (index > 0)
    eta = "ETA " + format_duration(elapsed_s / static_cast<double>(index) *
                                   static_cast<double>(total - index));
  std::string line =
      fmt::format("[{}/{}] {} {}  elapsed {}  {}", index + 1, total, printable(benchmark),
                  printable(variant.name(), 120), format_duration(elapsed_s), eta);
  if (line.size() > 120) line = line.substr(0, 117) + "...";
  const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
  fmt::print(stream_, "\r{}{}", line, std::string(pad, ' '));
  std::fflush(stream_);
  last_width_ = line.size();
}

void ProgressLine::on_variant_end(std::size_t, std::size_t, const Result&) {}

void ProgressLine::clear() {
  if (!active_ || last_width_ == 0) return;
  fmt::print(stream_, "\r{}\r", std::string(last_width_, ' '));
  std::fflush(stream_);
  last_width_ = 0;
}

}  // namespace nnbench::cli
