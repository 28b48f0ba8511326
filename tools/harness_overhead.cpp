// nnbench_overhead: the harness's own cost per measured iteration (empty body), measured side by
// side with Google Benchmark in one process, rounds interleaved so machine drift hits both alike.
//
//   nnbench per-call   : fixed mode, one call per sample (a raw sample for every iteration)
//   nnbench batched    : fixed mode, 10,000 calls per sample (the calibrated mode for tiny bodies)
//   gbench empty loop  : `for (auto _ : state) {}`: the compiler deletes this loop outright, so
//                        it shows what no runtime-registered body can reach, not a harness cost
//   gbench same body   : Google Benchmark calling the same virtual run_once() nnbench calls (the
//                        body lives in empty_body.cpp, so neither loop can inline it)
//   gbench pause/resume: Google Benchmark's way to time single iterations
//   (PauseTiming/ResumeTiming)
//
// Usage: nnbench_overhead [rounds=7]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "empty_body.hpp"
#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/environment.hpp"
#include "nnbench/core/measurement.hpp"

namespace {

class CaptureReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      // Names carry settings after a '/', e.g. "gbench_empty_loop/min_time:0.300".
      const std::string name = run.benchmark_name();
      ns_per_iteration[name.substr(0, name.find('/'))] = run.GetAdjustedRealTime();  // unit: ns
    }
  }
  std::map<std::string, double> ns_per_iteration;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Wall time of the whole sampling phase divided by the calls made: everything the harness adds.
double nnbench_ns_per_call(int iterations, int calls_per_sample) {
  const std::unique_ptr<nnbench::Benchmark> body = make_empty_body();
  nnbench::Benchmark& bench = *body;
  nnbench::State state(nnbench::Variant{}, "cpu", 1, false, {});
  nnbench::MeasurementConfig config;
  config.warmup_iterations = 1000;
  config.iterations = iterations;
  config.iterations_per_sample = calls_per_sample;
  config.timeout_s = 60;
  const nnbench::Measurement m = nnbench::run_measurement(bench, state, config);
  return m.wall_time_s * 1e9 / (static_cast<double>(iterations) * calls_per_sample);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  const std::unique_ptr<nnbench::Benchmark> gb_body = make_empty_body();
  nnbench::Benchmark* gb_bench = gb_body.get();
  nnbench::State gb_state(nnbench::Variant{}, "cpu", 1, false, {});

  benchmark::RegisterBenchmark("gbench_empty_loop", [](benchmark::State& s) {
    for (auto _ : s) {
    }
  })->MinTime(0.3);
  benchmark::RegisterBenchmark("gbench_same_body", [&](benchmark::State& s) {
    for (auto _ : s) {
      gb_bench->run_once(gb_state);
    }
  })->MinTime(0.3);
  benchmark::RegisterBenchmark("gbench_pause_resume", [&](benchmark::State& s) {
    for (auto _ : s) {
      s.PauseTiming();
      s.ResumeTiming();
      gb_bench->run_once(gb_state);
    }
  })->MinTime(0.3);
  int gb_argc = 1;
  benchmark::Initialize(&gb_argc, argv);

  std::map<std::string, std::vector<double>> ns;
  for (int round = 0; round < rounds; ++round) {
    ns["nnbench_per_call"].push_back(nnbench_ns_per_call(1'000'000, 1));
    ns["nnbench_batched"].push_back(nnbench_ns_per_call(100, 100'000));
    CaptureReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    for (const auto& [name, value] : reporter.ns_per_iteration) ns[name].push_back(value);
  }

  const nnbench::Environment env = nnbench::capture_environment();
  std::printf(
      "harness overhead per measured iteration, empty body; median of %d interleaved rounds\n",
      rounds);
  std::printf("machine: %s, %d logical cores, %s, %s build\n\n", env.cpu_model.c_str(),
              env.logical_cores, env.compiler.c_str(), env.build_type.c_str());
  std::printf(
      "| harness | mode | ns per iteration (median) | min | max |\n|---|---|---:|---:|---:|\n");
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"nnbench_per_call", "one timed sample per call (2 clock reads + sample store)"},
      {"nnbench_batched", "100,000 calls per sample, same virtual run_once()"},
      {"gbench_same_body", "Google Benchmark loop calling the same virtual run_once()"},
      {"gbench_empty_loop", "Google Benchmark loop with an inlined empty body"},
      {"gbench_pause_resume", "Google Benchmark timing single iterations (Pause/ResumeTiming)"}};
  for (const auto& [name, what] : rows) {
    const auto& values = ns[name];
    if (values.empty()) {
      std::fprintf(stderr, "nnbench_overhead: no figures for %s\n", name.c_str());
      return 1;
    }
    std::printf("| %s | %s | %.2f | %.2f | %.2f |\n", name.c_str(), what.c_str(), median(values),
                *std::min_element(values.begin(), values.end()),
                *std::max_element(values.begin(), values.end()));
  }
  benchmark::Shutdown();
  return 0;
}
