// A variant's load scenario end to end on simulated backends in virtual time: the settings from
// options, each scenario's figures against what the service times imply, the server's search
// and reported run, the generation figures from streamed token times, and the verdicts.
#include "nnbench/core/load/load_scenario.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "nnbench/core/error.hpp"
#include "simulated_backend.hpp"

namespace nnbench::load {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

State state_with(const std::string& scenario, std::map<std::string, std::string> options,
                 bool quick = false) {
  return State(
      Variant{{{"scenario", scenario}}, {}}, "cpu", 7, quick,
      OptionValues("load", load_scenario_options(/*generation=*/true), std::move(options), quick));
}

double metric(const LoadScenarioReport& report, const std::string& name) {
  for (const ExtraMetric& m : report.metrics) {
    if (m.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

bool has_metric(const LoadScenarioReport& report, const std::string& name) {
  for (const ExtraMetric& m : report.metrics) {
    if (m.name == name) return true;
  }
  return false;
}

// Generation in virtual time: a batch's first token after `prefill`, then one every `step`.
class SimulatedGenerator final : public LoadBackend {
 public:
  SimulatedGenerator(VirtualLoadClock& clock, nanoseconds prefill, nanoseconds step, int tokens)
      : clock_(clock), prefill_(prefill), step_(step), tokens_(tokens) {}
  void issue(const std::vector<QueuedQuery>&) override {
    finish_ = clock_.now() + prefill_ + step_ * (tokens_ - 1);
  }
  bool wait(LoadClock& clock, nanoseconds deadline) override {
    if (deadline != nanoseconds::max()) deadline += clock_.now() - clock.now();
    clock_.advance_to(std::min(finish_, deadline));
    return finish_ <= deadline;
  }
  std::vector<nanoseconds> token_offsets() const override {
    std::vector<nanoseconds> offsets;
    for (int i = 0; i < tokens_; ++i) offsets.push_back(prefill_ + step_ * i);
    return offsets;
  }

 private:
  VirtualLoadClock& clock_;
  nanoseconds prefill_, step_, finish_{0};
  int tokens_;
};

TEST(LoadScenarioSettings, ReadTheOptions_AndRejectMalformedOnes) {
  const State state = state_with("server", {{"scenario_duration_s", "2.5"},
                                            {"scenario_queries", "300"},
                                            {"latency_bound_ms", "20"},
                                            {"max_delay_ms", "3"},
                                            {"search_trial_s", "0.25"}});
  EXPECT_EQ(variant_load_scenario(state), LoadScenario::Server);
  const LoadScenarioSettings s = load_scenario_settings(state, LoadScenario::Server, 16, false);
  EXPECT_EQ(s.rules.min_duration, milliseconds(2500));
  EXPECT_EQ(s.rules.min_queries, 300U);
  EXPECT_EQ(s.trial_rules.min_duration, milliseconds(250));
  EXPECT_EQ(s.trial_rules.min_queries, 256U);  // capped at 256 by default
  EXPECT_DOUBLE_EQ(s.latency_bound_ms, 20);
  EXPECT_EQ(s.max_delay, milliseconds(3));
  EXPECT_FALSE(s.rate_per_s.has_value());
  EXPECT_FALSE(s.generation.has_value());

  // Defaults: 60 s and 1024 queries; --quick: 1 s and 64; the delay a tenth of the bound.
  const LoadScenarioSettings plain =
      load_scenario_settings(state_with("offline", {}), LoadScenario::Offline, 8, false);
  EXPECT_EQ(plain.rules.min_duration, std::chrono::seconds(60));
  EXPECT_EQ(plain.rules.min_queries, 1024U);
  EXPECT_EQ(plain.max_delay, microseconds(1500));
  const LoadScenarioSettings quick =
      load_scenario_settings(state_with("offline", {}, true), LoadScenario::Offline, 8, false);
  EXPECT_EQ(quick.rules.min_duration, std::chrono::seconds(1));
  EXPECT_EQ(quick.rules.min_queries, 64U);

  const LoadScenarioSettings gen = load_scenario_settings(
      state_with("server", {{"ttft_bound_ms", "500"}}), LoadScenario::Server, 4, true, 32);
  ASSERT_TRUE(gen.generation.has_value());
  EXPECT_DOUBLE_EQ(gen.generation->ttft_ms, 500);
  EXPECT_DOUBLE_EQ(gen.generation->tpot_ms, 200);
  EXPECT_EQ(gen.items_unit, "tokens");

  EXPECT_THROW(load_scenario_settings(state_with("server", {{"server_rate", "fast"}}),
                                      LoadScenario::Server, 1, false),
               InputError);
  EXPECT_THROW(load_scenario_settings(state_with("server", {{"latency_bound_ms", "-1"}}),
                                      LoadScenario::Server, 1, false),
               InputError);
  EXPECT_THROW(load_scenario_settings(state_with("server", {{"scenario_queries", "0"}}),
                                      LoadScenario::Server, 1, false),
               InputError);
  EXPECT_THROW(variant_load_scenario(state_with("burst", {})), InputError);
  EXPECT_FALSE(variant_load_scenario(state_with("none", {})).has_value());
  // single-stream is one sample per query: other batch sizes are skipped, saying why.
  EXPECT_THROW(
      load_scenario_settings(state_with("single-stream", {}), LoadScenario::SingleStream, 8, false),
      SkipError);
}

LoadScenarioSettings short_rules(LoadScenario scenario, std::size_t batch) {
  LoadScenarioSettings s;
  s.scenario = scenario;
  s.batch = batch;
  s.rules = {std::chrono::seconds(2), 200};
  s.trial_rules = {std::chrono::seconds(2), 200};
  return s;
}

TEST(LoadScenario, SingleAndMultiStream_ReportTheServiceTimeAsLatency) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t n) { return microseconds(500 + 100 * n); });
  const LoadScenarioReport single =
      run_load_scenario(short_rules(LoadScenario::SingleStream, 1), backend, clock);
  EXPECT_NEAR(metric(single, "latency_p90_ms"), 0.6, 1e-9);
  EXPECT_NEAR(metric(single, "latency_p99_9_ms"), 0.6, 1e-9);
  EXPECT_NEAR(metric(single, "throughput"), 1 / 0.6e-3, 1e-6);
  EXPECT_GE(metric(single, "queries"), 2 / 0.6e-3 - 1);  // the 2 s minimum outlasts 200 queries
  EXPECT_EQ(single.labels.at("headline"), "latency_p90_ms");
  EXPECT_TRUE(single.verdict(short_rules(LoadScenario::SingleStream, 1).rules).valid);

  const LoadScenarioReport multi =
      run_load_scenario(short_rules(LoadScenario::MultiStream, 8), backend, clock);
  EXPECT_NEAR(metric(multi, "latency_p99_ms"), 1.3, 1e-9);
  EXPECT_NEAR(metric(multi, "throughput"), 8 / 1.3e-3, 1e-6);  // samples per second
  EXPECT_EQ(multi.labels.at("headline"), "latency_p99_ms");
  EXPECT_FALSE(has_metric(multi, "queueing_p99_ms"));  // nothing queues in a closed loop
}

TEST(LoadScenario, Offline_SizesItsRunToTheMinimumDuration_AndReportsSamplesPerSecond) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t n) { return microseconds(1000 + 50 * n); });
  const LoadScenarioSettings s = short_rules(LoadScenario::Offline, 32);
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  // 2.6 ms a batch of 32: 1.1 * 2 s needs 847 batches.
  EXPECT_NEAR(metric(report, "throughput"), 32 / 2.6e-3, 1e-3);
  EXPECT_EQ(metric(report, "batches"), 847);
  EXPECT_GE(metric(report, "scenario_duration_s"), 2.0);
  EXPECT_TRUE(report.verdict(s.rules).valid) << report.verdict(s.rules).text();
}

TEST(LoadScenario, Offline_WhoseBackendOutrunsItsSizing_StillFillsTheMinimumDuration) {
  // Sized on batches of 4 ms, the run then gets batches of 1 ms (seen on a busy CPU: the sizing
  // saw a slow spell): the sized count alone would end in a quarter of the minimum.
  VirtualLoadClock clock;
  std::size_t issued = 0;
  SimulatedBackend backend(clock, [&issued](std::size_t) {
    return ++issued <= 5 ? microseconds(4000) : microseconds(1000);
  });
  LoadScenarioSettings s = short_rules(LoadScenario::Offline, 16);
  s.rules = {std::chrono::seconds(1), 64};  // sizing: 20 ms of calibration, 5 batches at least
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  EXPECT_GE(metric(report, "scenario_duration_s"), 1.0);
  EXPECT_LT(metric(report, "scenario_duration_s"), 1.0 + 0.0015);
  EXPECT_GT(metric(report, "batches"), 1.1 / 0.004 * 3);  // well past the 275 sized
  EXPECT_NEAR(metric(report, "throughput"), 16 / 1e-3, 16 / 1e-3 * 0.01);
  EXPECT_TRUE(report.verdict(s.rules).valid) << report.verdict(s.rules).text();
}

TEST(LoadScenario, Server_SearchesTheHighestRateWithinTheBound_ThenReportsARunAtIt) {
  // Batches of n take 1 ms + 0.1 ms * n, at most 16: capacity about 6,150 queries/s.
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t n) { return microseconds(1000 + 100 * n); });
  LoadScenarioSettings s = short_rules(LoadScenario::Server, 16);
  s.latency_bound_ms = 10;
  s.max_delay = milliseconds(1);
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  const double rate = metric(report, "server_rate_per_s");
  EXPECT_GT(rate, 3000);
  EXPECT_LT(rate, 6154);
  EXPECT_LE(metric(report, "latency_p99_ms"), 10 * 1.05);
  EXPECT_NEAR(metric(report, "latency_p50_ms"),
              metric(report, "queueing_p50_ms") + metric(report, "compute_p50_ms"), 1.5);
  EXPECT_LE(metric(report, "mean_batch_size"), 16);
  EXPECT_GT(metric(report, "rate_search_trials"), 3);
  EXPECT_EQ(report.labels.at("headline"), "server_rate_per_s");
  EXPECT_EQ(report.labels.at("latency_bound"), "p99 latency <= 10 ms");
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes.front().find("met"), std::string::npos);
  EXPECT_NE(report.notes.front().find("missed"), std::string::npos);
}

TEST(LoadScenario, Server_NeverCountsARatePastCapacityAsMet_ThoughAShortTrialWouldMeetIt) {
  // Batches of up to 16 take 100 ms: capacity 160/s. At twice that, a 1 s trial's queue only
  // reaches about a second, inside a 2 s bound, but the queue grows without end.
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(100); });
  LoadScenarioSettings s = short_rules(LoadScenario::Server, 16);
  s.latency_bound_ms = 2000;
  s.max_delay = milliseconds(10);
  s.trial_rules = {std::chrono::seconds(1), 20};
  s.rules = {std::chrono::seconds(30), 200};
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  EXPECT_LE(metric(report, "server_rate_per_s"), 160 * 1.02);
  EXPECT_GT(metric(report, "server_rate_per_s"), 100);
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes.front().find("over the capacity estimate"), std::string::npos)
      << report.notes.front();
}

TEST(LoadScenario, Server_WhoseReportedRunMissesTheBound_RunsAgainSlower_ThenSaysInvalid) {
  LoadScenarioSettings s = short_rules(LoadScenario::Server, 1);
  s.latency_bound_ms = 10;
  s.rules = {std::chrono::seconds(1), 100};
  // A first run, unhindered, counts the batches the search takes (batch 1: one per query).
  std::size_t searched = 0;
  {
    VirtualLoadClock clock;
    std::size_t issued = 0;
    SimulatedBackend backend(clock, [&issued](std::size_t) {
      ++issued;
      return microseconds(1000);
    });
    const LoadScenarioReport report = run_load_scenario(s, backend, clock);
    EXPECT_TRUE(report.verdict(s.rules).valid) << report.verdict(s.rules).text();
    searched = issued - static_cast<std::size_t>(metric(report, "queries"));
  }
  // The same run on a device that slows to a third of its speed once the search is over.
  VirtualLoadClock clock;
  std::size_t issued = 0;
  SimulatedBackend backend(clock, [&](std::size_t) {
    return ++issued > searched ? microseconds(3000) : microseconds(1000);
  });
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  std::size_t retries = 0;
  for (const std::string& note : report.notes) {
    if (note.find("missed the bound") != std::string::npos) ++retries;
  }
  EXPECT_EQ(retries, 3U);
  EXPECT_FALSE(report.verdict(s.rules).valid);
  EXPECT_NE(report.verdict(s.rules).text().find("over the bound of 10 ms"), std::string::npos);
  // Each retry slower by the share the bound was missed by, here the floor of 20%.
  EXPECT_LT(metric(report, "server_rate_per_s"), 1000 * 0.8 * 0.8 * 0.8);
}

TEST(LoadScenario, Server_AtAFixedRatePastCapacity_IsInvalidWithTheBoundNamed) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(2); });
  LoadScenarioSettings s = short_rules(LoadScenario::Server, 1);
  s.rate_per_s = 800;  // capacity 500/s
  const LoadScenarioReport report = run_load_scenario(s, backend, clock);
  EXPECT_DOUBLE_EQ(metric(report, "server_rate_per_s"), 800);
  const ValidityVerdict verdict = report.verdict(s.rules);
  EXPECT_FALSE(verdict.valid);
  EXPECT_NE(verdict.text().find("over the bound of 15 ms"), std::string::npos) << verdict.text();
  EXPECT_GT(metric(report, "queueing_p99_ms"), metric(report, "compute_p99_ms"));
}

TEST(LoadScenario, Server_WhoseQueueGrowsThroughTheRun_IsInvalid_ThoughItsP99MeetsTheBound) {
  // Batches of up to 16 take 100 ms: capacity 160/s. At 175/s the backlog grows by ~15 queries a
  // second, so queueing rises ~2.8 s over 30 s: under a 4 s bound, but past half of it.
  LoadScenarioSettings s = short_rules(LoadScenario::Server, 16);
  s.latency_bound_ms = 4000;
  s.max_delay = milliseconds(10);
  s.rules = {std::chrono::seconds(30), 200};
  const auto run_at = [&s](double rate) {
    VirtualLoadClock clock;
    SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(100); });
    s.rate_per_s = rate;
    return run_load_scenario(s, backend, clock);
  };
  const LoadScenarioReport overloaded = run_at(175);
  EXPECT_LT(metric(overloaded, "latency_p99_ms"), 4000);
  EXPECT_GT(metric(overloaded, "queueing_growth_ms"), 2000);
  EXPECT_LT(metric(overloaded, "queueing_growth_ms"), 3600);
  const ValidityVerdict verdict = overloaded.verdict(s.rules);
  EXPECT_FALSE(verdict.valid);
  EXPECT_NE(verdict.text().find("arrivals outpace service"), std::string::npos) << verdict.text();

  const LoadScenarioReport kept_up = run_at(120);  // three quarters of capacity: no trend
  EXPECT_LT(std::abs(metric(kept_up, "queueing_growth_ms")), 20);
  EXPECT_TRUE(kept_up.verdict(s.rules).valid) << kept_up.verdict(s.rules).text();
}

TEST(LoadScenario, Server_WhoseSingleSampleMissesTheBound_SaysNoRateCanMeetIt) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(20); });
  try {
    run_load_scenario(short_rules(LoadScenario::Server, 4), backend, clock);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("one sample alone takes 20 ms"), std::string::npos)
        << e.what();
  }
}

TEST(LoadScenario, Generation_ReportsTtftTpotAndGoodput_FromStreamedTokenTimes) {
  VirtualLoadClock clock;
  SimulatedGenerator backend(clock, milliseconds(40), milliseconds(10), 16);
  LoadScenarioSettings s = short_rules(LoadScenario::SingleStream, 1);
  s.generation = GenerationBounds{100, 20};
  s.items_per_sample = 16;
  s.items_unit = "tokens";
  s.rules = {std::chrono::seconds(5), 20};
  const LoadScenarioReport single = run_load_scenario(s, backend, clock);
  EXPECT_NEAR(metric(single, "ttft_p50_ms"), 40, 1e-9);
  EXPECT_NEAR(metric(single, "tpot_p99_ms"), 10, 1e-9);
  EXPECT_NEAR(metric(single, "itl_p50_ms"), 10, 1e-9);
  EXPECT_NEAR(metric(single, "e2e_p50_ms"), 190, 1e-9);
  EXPECT_DOUBLE_EQ(metric(single, "goodput"), 1);
  EXPECT_NEAR(metric(single, "throughput"), 16 / 0.19, 1e-6);  // tokens per second

  // Served at a fixed rate near capacity (4 requests per 190 ms batch), queueing pushes TTFT past
  // its 100 ms bound for some requests: goodput below 1 and the bound named in the verdict.
  LoadScenarioSettings server = s;
  server.scenario = LoadScenario::Server;
  server.batch = 4;
  server.rate_per_s = 19;
  server.max_delay = milliseconds(10);
  server.rules = {std::chrono::seconds(30), 200};
  const LoadScenarioReport loaded = run_load_scenario(server, backend, clock);
  EXPECT_LT(metric(loaded, "goodput"), 1);
  EXPECT_GT(metric(loaded, "ttft_p99_ms"), 100);
  EXPECT_NE(loaded.verdict(server.rules).text().find("p99 TTFT"), std::string::npos);
  EXPECT_EQ(loaded.labels.at("latency_bound"), "p99 TTFT <= 100 ms, p99 TPOT <= 20 ms");
}

TEST(LoadScenario, Verdict_AddsThrottlingAndShortRunsToTheBoundFailures) {
  LoadScenarioReport report;
  report.facts = {std::chrono::seconds(3), 100, std::string("HW thermal slowdown")};
  report.bound_failures = {"p99 latency 20 ms over the bound of 15 ms"};
  const ValidityVerdict verdict = report.verdict({std::chrono::seconds(60), 1024});
  EXPECT_FALSE(verdict.valid);
  EXPECT_EQ(verdict.reasons.size(), 4U);
  EXPECT_NE(verdict.text().find("clocks throttled: HW thermal slowdown"), std::string::npos);
}

}  // namespace
}  // namespace nnbench::load
