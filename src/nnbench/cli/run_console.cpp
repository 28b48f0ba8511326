// The run's console output (see run_console.hpp).
#include "nnbench/cli/run_console.hpp"

#include <fmt/format.h>

#include "nnbench/core/printable.hpp"
#include "nnbench/report/text_table.hpp"

namespace nnbench::cli {
namespace {

std::string headline(const Result& result, const std::string& metric_name) {
  const Metric* metric = result.find_metric(metric_name);
  return metric ? report::format_significant(metric->value) + " " + metric->unit : "-";
}

bool is_load_scenario(const Result& result) {
  return result.provenance.sampling_mode == "scenario";
}

// A load scenario's verdict, first word: VALID or INVALID (the reasons are in the result files).
std::string verdict_word(const Result& result) {
  const auto it = result.labels.find("validity");
  if (it == result.labels.end()) return "-";
  return it->second.substr(0, it->second.find(':'));
}

}  // namespace

void print_summary(const std::vector<Result>& results, std::FILE* stream) {
  report::TextTable table;
  table.header = {"benchmark", "variant", "status", "latency (median)", "throughput", "stop"};
  table.right_aligned = {false, false, false, true, true, false};
  for (const Result& r : results) {
    // A load scenario's median is its queries' p50 latency; its stop column, its verdict.
    const bool load = is_load_scenario(r);
    table.rows.push_back(
        {r.benchmark, r.variant.name(),
         r.status == ResultStatus::Ok ? "ok" : to_string(r.status) + ": " + r.reason,
         headline(r, load ? "latency_p50_ms" : "latency_ms"), headline(r, "throughput"),
         load ? "scenario " + verdict_word(r) : r.provenance.stop_reason});
  }
  fmt::print(stream, "{}", report::render_plain_table(table));
}

void LoggingProgress::on_variant_start(std::size_t index, std::size_t total,
                                       const std::string& benchmark, const Variant& variant) {
  line.on_variant_start(index, total, benchmark, variant);
}

void LoggingProgress::on_variant_end(std::size_t i, std::size_t n, const Result& result) {
  line.clear();
  // Names and reasons come from outside (paths, options, exceptions): shown safely.
  Result r = result;
  r.benchmark = printable(r.benchmark, std::string::npos);
  r.reason = printable(r.reason, std::string::npos);
  for (auto& [axis, value] : r.variant.values) value = printable(value, std::string::npos);
  const Metric* latency = r.find_metric("latency_ms");
  if (r.status == ResultStatus::Ok && is_load_scenario(r)) {
    const auto name = r.labels.find("headline");
    const std::string metric = name == r.labels.end() ? "throughput" : name->second;
    log_.info("[{}/{}] {} {}: {} {} ({} queries, {})", i + 1, n, r.benchmark, r.variant.name(),
              metric, headline(r, metric), r.provenance.sample_count,
              r.labels.count("validity") ? r.labels.at("validity") : "-");
  } else if (r.status == ResultStatus::Ok) {
    log_.info("[{}/{}] {} {}: median {} ms ({} samples, {})", i + 1, n, r.benchmark,
              r.variant.name(), latency ? report::format_significant(latency->value) : "-",
              r.provenance.sample_count, r.provenance.stop_reason);
  } else {
    log_.warn("[{}/{}] {} {}: {}: {}", i + 1, n, r.benchmark, r.variant.name(), to_string(r.status),
              r.reason);
  }
}

}  // namespace nnbench::cli
