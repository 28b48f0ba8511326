// End to end: the `scenario` axis of the inference and generation suites on the CPU, with short
// minimums so it stays quick. Each scenario's row carries its percentiles, headline and verdict;
// single-stream at a batch other than 1 is skipped; runs without the axis keep their names.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

// The result row whose variant name ends with `suffix`.
const json& row(const json& results, const std::string& suffix) {
  for (const json& r : results.at("benchmark_scenarios")) {
    if (r.at("scenario_name").get<std::string>().ends_with(suffix)) return r;
  }
  static const json none;
  ADD_FAILURE() << "no row ending " << suffix;
  return none;
}

double value(const json& r, const std::string& metric) {
  return r.at("measurements").at(metric).at("value").get<double>();
}

const std::string kShortRules =
    "--option scenario_duration_s=0.4 --option scenario_queries=40 --option search_trial_s=0.1 "
    "--option search_trial_queries=20 --quiet --no-history ";

// Runs `suite` on the CPU with the short rules and `args`; the run's <suite>.json, parsed, and
// its schema checked. Empty when the run failed (the failure is recorded).
json run_scenarios(const TempDir& tmp, const std::string& suite, const std::string& args) {
  const auto r =
      run_nnbench("run --suite " + suite + " --device cpu --threads 1 " + args + " " + kShortRules +
                      "--output-dir '" + (tmp.path() / "out").string() + "'",
                  tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  if (r.exit_code != 0 || dir.empty()) return json();
  const fs::path file = dir / (suite + ".json");
  const auto v = testing::validate_result_schema(file, tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  return json::parse(read_text(file));
}

TEST(LoadScenarioRuns, InferenceSuite_ReportsEachScenarioWithItsHeadlineAndVerdict) {
  TempDir tmp;
  const json results = run_scenarios(
      tmp, "inference",
      "--models scaling_mlp --option hidden_dim=64 --axis mode=eager --axis batch_size=1,8 "
      "--axis scenario=single-stream,multi-stream,server,offline --option latency_bound_ms=5");
  ASSERT_FALSE(results.is_null());

  const json& single = row(results, "batch_size=1/mode=eager/scenario=single-stream");
  ASSERT_EQ(single.at("status"), "ok") << single.at("reason");
  EXPECT_EQ(single.at("provenance").at("sampling_mode"), "scenario");
  EXPECT_EQ(single.at("provenance").at("stop_reason"), "scenario_complete");
  EXPECT_EQ(single.at("labels").at("headline"), "latency_p90_ms");
  EXPECT_EQ(single.at("labels").at("validity").get<std::string>().rfind("VALID", 0), 0U)
      << single.at("labels").at("validity");
  EXPECT_GE(value(single, "queries"), 40);
  EXPECT_GE(value(single, "scenario_duration_s"), 0.4);
  EXPECT_LE(value(single, "latency_p50_ms"), value(single, "latency_p99_9_ms"));
  EXPECT_GT(value(single, "throughput"), 0);

  const json& skipped = row(results, "batch_size=8/mode=eager/scenario=single-stream");
  EXPECT_EQ(skipped.at("status"), "skipped");
  EXPECT_NE(skipped.at("reason").get<std::string>().find("one sample per query"),
            std::string::npos);

  const json& multi = row(results, "batch_size=8/mode=eager/scenario=multi-stream");
  ASSERT_EQ(multi.at("status"), "ok") << multi.at("reason");
  EXPECT_EQ(multi.at("labels").at("headline"), "latency_p99_ms");

  const json& server = row(results, "batch_size=8/mode=eager/scenario=server");
  ASSERT_EQ(server.at("status"), "ok") << server.at("reason");
  EXPECT_GT(value(server, "server_rate_per_s"), 0);
  EXPECT_GT(value(server, "rate_search_trials"), 1);
  EXPECT_LE(value(server, "mean_batch_size"), 8);
  for (const char* metric : {"queueing_p99_ms", "compute_p99_ms", "latency_p97_ms"}) {
    EXPECT_TRUE(server.at("measurements").contains(metric)) << metric;
  }
  EXPECT_EQ(server.at("labels").at("latency_bound"), "p99 latency <= 5 ms");
  EXPECT_EQ(server.at("labels").at("batch_buckets"), "1,2,4,8");
  const std::string notes = server.at("provenance").at("notes").dump();
  EXPECT_NE(notes.find("rate search from"), std::string::npos) << notes;

  const json& offline = row(results, "batch_size=8/mode=eager/scenario=offline");
  ASSERT_EQ(offline.at("status"), "ok") << offline.at("reason");
  EXPECT_EQ(offline.at("labels").at("headline"), "throughput");
  EXPECT_GT(value(offline, "throughput"), value(single, "throughput"));  // batches of 8 pay off
}

TEST(LoadScenarioRuns, GenerationSuite_ServesRequestsWithTtftAndTpot) {
  TempDir tmp;
  const json results =
      run_scenarios(tmp, "generation",
                    "--models gpt2-tiny --axis batch_size=2 --axis scenario=server,offline "
                    "--option prompt_length=8 --option generate=5 --option ttft_bound_ms=500 "
                    "--option tpot_bound_ms=100");
  ASSERT_FALSE(results.is_null());
  const json& server = row(results, "scenario=server");
  ASSERT_EQ(server.at("status"), "ok") << server.at("reason");
  EXPECT_GT(value(server, "server_rate_per_s"), 0);
  for (const char* metric : {"ttft_p99_ms", "tpot_p99_ms", "itl_p50_ms", "e2e_p99_ms", "goodput"}) {
    EXPECT_TRUE(server.at("measurements").contains(metric)) << metric;
  }
  EXPECT_LE(value(server, "ttft_p50_ms"), value(server, "e2e_p50_ms"));
  EXPECT_EQ(server.at("labels").at("latency_bound"), "p99 TTFT <= 500 ms, p99 TPOT <= 100 ms");
  const json& offline = row(results, "scenario=offline");
  ASSERT_EQ(offline.at("status"), "ok") << offline.at("reason");
  EXPECT_EQ(offline.at("measurements").at("throughput").at("unit"), "tokens/s");
}

TEST(LoadScenarioRuns, BadScenarioOptions_StopTheRunNamingTheOption) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite inference --device cpu --models scaling_mlp --axis mode=eager "
      "--axis batch_size=1 --axis scenario=server --option latency_bound_ms=soon --quiet "
      "--no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("option latency_bound_ms='soon'"), std::string::npos) << r.err;
  const auto bad = run_nnbench(
      "run --suite inference --device cpu --models scaling_mlp --axis scenario=burst --quiet "
      "--no-history --output-dir '" +
          (tmp.path() / "out2").string() + "'",
      tmp.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("scenario"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace nnbench
