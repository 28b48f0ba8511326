// calibration: the harness measuring workloads whose duration is known, so its error against the
// truth and its own cost per sample are figures in the results, like any benchmark's. On the CPU
// a busy-wait on the steady clock (10 us, 1 ms, 10 ms); on a CUDA device a kernel that spins on the
// GPU's global timer for the same times, timed either by the host (launch, then synchronise) or
// by CUDA events, so the two timers can be compared against the truth and each other; with
// --axis launch=held, behind a kernel that holds the stream until the spin is queued, so neither
// clock sees its launch.
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/engine/instruments/device_spin.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"

namespace {

using std::chrono::nanoseconds;

class Calibration final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "The harness against workloads of known duration (CPU busy-wait, CUDA spin kernel): "
           "its error and its overhead per sample";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::string_axis("workload", {"busy_wait", "device_spin"},
                                 "busy_wait: the CPU spins on the steady clock; device_spin: a "
                                 "CUDA kernel spins on the GPU's global timer",
                                 {"busy_wait", "device_spin"}),
            nnbench::string_axis("clock", {"host", "cuda_event"},
                                 "host: the steady clock around the call (device work: launch "
                                 "and synchronise); cuda_event: CUDA events around the kernel",
                                 {"host", "cuda_event"}),
            nnbench::int_axis("duration_us", {10, 1000, 10000},
                              "the workload's true duration in microseconds"),
            nnbench::opt_in_axis(nnbench::string_axis(
                "launch", {"free"},
                "device_spin: free: the kernel is launched inside the timed region; held: a "
                "kernel holds the stream while the spin is queued and the region starts at the "
                "release (nvbench's blocking kernel), so the launch is outside it on both clocks",
                {"free", "held"}))};
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    device_spin_ = state.get_string("workload") == "device_spin";
    const bool events = state.get_string("clock") == "cuda_event";
    truth_ = nanoseconds(state.get_int("duration_us") * 1000);
    if (!device_spin_ && events) {
      state.skip("a CPU busy-wait is timed by the host clock; clock=cuda_event times device work");
    }
    held_ = state.variant().has("launch") && state.get_string("launch") == "held";
    if (!device_spin_ && held_) {
      state.skip("launch=held holds a CUDA stream; workload=busy_wait is host work");
    }
    if (device_spin_) {
      device_ = engine::resolve_device(state.device());
      if (!device_.is_cuda()) {
        state.skip("device_spin runs on a CUDA device; this run's device is " + state.device());
      }
      if (held_) {
        state.set_timer(engine::make_held_stream_timer(device_, events));
      } else if (events) {
        state.set_timer(engine::make_cuda_event_timer(device_));
      }
      state.set_label("synchronization", events ? "cuda events" : "device synchronised per call");
    }
    state.set_items_per_iteration(1, "calls");
    state.set_label("truth_us", std::to_string(truth_.count() / 1000));
  }

  void run_once(nnbench::State& state) override {
    if (!device_spin_) {
      busy_wait(truth_);
      return;
    }
    nnbench::engine::launch_device_spin(device_, truth_);
    // With the host clock, the call ends when the device is done; with events (or a held
    // stream, which releases and waits in its stop()), the timer waits.
    if (!held_ && state.get_string("clock") == "host") nnbench::engine::synchronize(device_);
  }

  void finish(nnbench::State& state) override {
    const nnbench::State::MeasuredLoop& loop = state.measured_loop();
    if (loop.samples_ns.empty()) return;
    const nnbench::Statistics s = nnbench::compute_statistics(loop.samples_ns);
    const double truth = static_cast<double>(truth_.count());
    state.add_metric("truth_ms", truth * 1e-6, "ms");
    state.add_metric("error_median_pct", 100 * (s.median - truth) / truth, "%");
    state.add_metric("error_mean_pct", 100 * (s.mean - truth) / truth, "%");
    state.add_metric("error_min_pct", 100 * (s.min - truth) / truth, "%");
    // What the harness spends per sample outside the timed region (its loop, statistics, clock
    // reads), from the sampling phase's wall time.
    const double samples = static_cast<double>(loop.samples_ns.size());
    state.add_metric("harness_overhead_per_sample_us",
                     (loop.wall_time_s - loop.measured_time_s) / samples * 1e6, "us");
  }

 private:
  static void busy_wait(nanoseconds duration) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < duration) {
    }
  }

  bool device_spin_ = false;
  bool held_ = false;
  nanoseconds truth_{0};
  torch::Device device_{torch::kCPU};
};

}  // namespace

NNBENCH_REGISTER(Calibration, "calibration");
