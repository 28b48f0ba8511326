// mock: a benchmark that needs no LibTorch and produces deterministic synthetic timings, to test
// the whole pipeline (planning, measurement, writers, compare) end to end. Runs only with
// --enable-mock. Its timer is a simulated clock: sample i of a variant is a fixed function of the
// seed, the variant and i, so two runs with one seed give identical files except timestamps.
//
// Options: mock_fail=GLOB fails the variants whose name matches (tests failure isolation);
// mock_scale=X multiplies every simulated time (makes a "slower" run for compare); mock_crash=GLOB
// with mock_signal=segv|abort|kill crashes the process in the matching variants' set-up (tests
// crash safety and --isolate); mock_sleep_ms=N sleeps that long in every call, so a variant takes
// real time (tests stopping and resuming a run); generate=N simulates a generation of N tokens
// (tokens/s, time to first token), for Benchmarking Framework v2's mock (`--compat 004`).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/runner.hpp"

namespace {

// A clock that advances by a seeded, lognormally jittered duration per timed region.
class SyntheticTimer final : public nnbench::Timer {
 public:
  SyntheticTimer(double base_ns, std::uint64_t seed) : base_ns_(base_ns), rng_(seed) {}
  void start() override {}
  void stop() override {
    std::lognormal_distribution<double> jitter(0.0, 0.03);
    elapsed_ns_ = base_ns_ * jitter(rng_);
  }
  double elapsed_ns() override { return elapsed_ns_; }
  std::string kind() const override { return "synthetic (mock)"; }
  std::string synchronization() const override { return "none (simulated clock)"; }

 private:
  double base_ns_;
  std::mt19937_64 rng_;
  double elapsed_ns_ = 0;
};

class Mock final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Synthetic timings, no LibTorch: exercises the pipeline (needs --enable-mock)";
  }
  bool opt_in() const override { return true; }

  std::vector<nnbench::Option> options() const override {
    return {
        nnbench::string_option("mock_fail", "",
                               "fail the variants whose name matches this glob (tests failure "
                               "isolation)"),
        nnbench::positive_real_option(
            "mock_scale", 1.0, "multiply every simulated time (a \"slower\" run for compare)", 1e6),
        nnbench::string_option("mock_crash", "",
                               "crash the process in the set-up of the variants whose name "
                               "matches this glob (tests crash safety and --isolate)"),
        nnbench::string_option("mock_signal", "segv", "how mock_crash crashes",
                               {"segv", "abort", "kill"}),
        nnbench::int_option("mock_sleep_ms", 0, "real sleep in every call (a slow variant)", 0,
                            60000),
        nnbench::int_option("generate", 0,
                            "simulate a generation of N tokens per call (Benchmarking Framework "
                            "v2's mock): tokens/s throughput and a time to first token; 0: one "
                            "forward pass",
                            0, 1 << 20)};
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::string_axis("model", {"mock_small", "mock_large"}, "simulated model",
                                 {"mock_small", "mock_large"}),
            nnbench::string_axis("mode", {"eager", "graph"},
                                 "simulated execution mode (compiled and kernelized: Benchmarking "
                                 "Framework v2's)",
                                 {"eager", "graph", "compiled", "kernelized"}),
            nnbench::int_axis("batch_size", {1, 8}, "simulated batch size")};
  }

  void setup(nnbench::State& state) override {
    crash_if_asked(state);
    sleep_ms_ = state.options().get_int("mock_sleep_ms");
    const std::string fail_pattern = state.options().find_string("mock_fail").value_or("");
    if (!fail_pattern.empty() && nnbench::glob_match(fail_pattern, state.variant().name())) {
      throw std::runtime_error("mock failure requested by mock_fail=" + fail_pattern);
    }
    const bool large = state.get_string("model") == "mock_large";
    const std::string mode = state.get_string("mode");
    const long long batch_size = state.get_int("batch_size");
    const long long tokens = state.options().get_int("generate");
    const double scale = state.options().get_real("mock_scale");
    // A fixed launch cost plus a per-sample cost; graph mode halves the launch cost, compiled
    // cuts it to 60% and the per-sample cost to 80%, kernelized both further.
    const double launch_ns = mode == "graph"        ? 20'000.0
                             : mode == "compiled"   ? 24'000.0
                             : mode == "kernelized" ? 16'000.0
                                                    : 40'000.0;
    const double per_sample_ns = (large ? 50'000.0 : 5'000.0) * (mode == "compiled"     ? 0.8
                                                                 : mode == "kernelized" ? 0.6
                                                                                        : 1.0);
    const double step_ns = launch_ns + per_sample_ns * static_cast<double>(batch_size);
    // A generation: the prompt's step (twice a token's) and one step per further token.
    const double base_ns =
        scale * (tokens > 0 ? step_ns * static_cast<double>(tokens + 1) : step_ns);
    std::uint64_t seed = state.seed();
    for (char c : state.variant().name()) seed = seed * 131 + static_cast<unsigned char>(c);
    state.set_timer(std::make_unique<SyntheticTimer>(base_ns, seed));

    if (tokens > 0) {
      state.set_items_per_iteration(static_cast<double>(batch_size * tokens), "tokens");
      // Time to first token: the prompt's step, jittered as the timer is, in ms.
      SyntheticTimer first_token(scale * 2 * step_ns, seed ^ 0x9e3779b97f4a7c15ULL);
      std::vector<double> ttft_ms;
      for (int i = 0; i < 5; ++i) {
        first_token.stop();
        ttft_ms.push_back(first_token.elapsed_ns() / 1e6);
      }
      std::vector<double> sorted = ttft_ms;
      std::sort(sorted.begin(), sorted.end());
      state.add_metric({"ttft_ms", "ms", sorted[sorted.size() / 2], ttft_ms, false});
    } else {
      state.set_items_per_iteration(static_cast<double>(batch_size), "samples");
    }
    state.set_label("framework", "mock");
    state.set_label("dtype", "fp32");
    state.set_label("input_shape", std::to_string(batch_size) + "x16");
    if (mode != "eager") {
      state.add_metric("compile_time_ms", (large ? 120.0 : 30.0) * (mode == "graph" ? 1 : 4), "ms");
    }
  }

  void run_once(nnbench::State&) override {
    ++calls_;
    if (sleep_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
  }

 private:
  static void crash_if_asked(const nnbench::State& state) {
    const std::string pattern = state.options().find_string("mock_crash").value_or("");
    if (pattern.empty() || !nnbench::glob_match(pattern, state.variant().name())) return;
    const std::string how = state.options().get_string("mock_signal");
    if (how == "abort") std::abort();
    std::raise(how == "kill" ? SIGKILL : SIGSEGV);
  }

  long long calls_ = 0;
  long long sleep_ms_ = 0;
};

}  // namespace

NNBENCH_REGISTER(Mock, "mock");
