// Results whose every text holds hostile text: values that would be markup, script or a formula
// if a writer passed them through (STYLE.md 21). Shared by the report layer's escaping tests and
// the end-to-end dashboard test (tests/cli/hostile_names_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "report_test_support.hpp"

namespace nnbench::test {

// The script the dashboard test watches for: run, it marks <body data-pwned="1">.
inline const std::string kPwnScript = "</script><script>document.body.dataset.pwned=1</script>";

inline const std::vector<std::string>& hostile_texts() {
  static const std::vector<std::string> texts = {
      kPwnScript,
      "<img src=x onerror=alert(1)>",
      "=1+2",
      "+cmd|' /C calc'!A0",
      "@SUM(1)",
      "-2+3",
      "| pipe",
      "`tick`",
      "$x^2$",
      "two\nlines",
      "[link](javascript:alert(1))",
      "*em* _em_ **strong** ~~gone~~",
      "# heading",
      "- item",
      "1. item",
      "&lt;entity&gt; \\ back",
      "'quoted",
  };
  return texts;
}

// The benchmark's name: a script, a mathtext formula and characters no file name may hold.
inline const std::string kHostileBenchmark = "bench $x^2$ / " + kPwnScript;
// The run's id, which the dashboard puts in its <title>.
inline const std::string kHostileRunId =
    "20261123T114002Z </title><script>document.title='pwned'</script>";
// The unit of every throughput, which a chart's axis title shows.
inline const std::string kHostileUnit = "<b>items</b>/s $";

// Per hostile text h: two ok variants model=h at batch sizes 1 and 2 (a line in every chart),
// labels framework=h and device=h, stop reason h; then a failed variant whose reason is each
// hostile text in turn, and notes holding every hostile text.
inline std::vector<Result> hostile_results() {
  std::vector<Result> results;
  const std::vector<std::string>& texts = hostile_texts();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (const char* batch_size : {"1", "2"}) {
      const double ms = 1.0 + static_cast<double>(i) + (batch_size[0] == '2' ? 0.5 : 0.0);
      Result result =
          ok_result(kHostileBenchmark, {{"model", texts[i]}, {"batch_size", batch_size}},
                    {ms, ms * 1.01, ms * 0.99, ms * 1.02, ms * 0.98});
      result.labels = {{"framework", texts[i]}, {"device", texts[i]}};
      result.provenance.stop_reason = texts[i];
      result.provenance.notes = texts;
      for (Metric& metric : result.metrics) {
        if (metric.name == "throughput") metric.unit = kHostileUnit;
      }
      results.push_back(result);
    }
    results.push_back(status_result(kHostileBenchmark, {{"model", texts[i]}, {"batch_size", "8"}},
                                    ResultStatus::Failed, texts[i]));
  }
  return results;
}

inline RunInfo hostile_run_info() {
  RunInfo info = sample_run_info();
  info.run_id = kHostileRunId;
  info.command_line = {"nnbench", "run", "--axis",
                       "model=a</script><script>alert(document.domain)</script>.nn"};
  info.config = {{"model", kPwnScript}, {"<img src=x onerror=alert(1)>", "=1+2"}};
  info.environment.hostname = "<img src=x onerror=alert(1)>";
  info.environment.cpu_model = "`tick` | pipe";
  info.environment.cxx_flags = "-O2 `rm -rf` </code><script>x</script>";
  info.environment.gpus.front().name = "[gpu](javascript:alert(1))";
  return info;
}

}  // namespace nnbench::test
