// The per-variant context a benchmark works with: its axis values, the device, the timer the
// harness will use, and the counters and labels the benchmark adds. A benchmark never prints and
// never times itself; it fills State and the runner turns it into a Result.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/core/memory_probe.hpp"
#include "nnbench/core/option.hpp"
#include "nnbench/core/timer.hpp"

namespace nnbench {

// A figure the benchmark measured itself, outside the timed loop (compile time, accuracy,
// time to first token per request, ...). Samples are optional; with them, statistics are computed.
struct ExtraMetric {
  std::string name;  // with its unit in the name where it has one: "compile_time_ms"
  std::string unit;
  double value = 0;
  std::vector<double> samples;
  bool higher_is_better = false;
};

class State {
 public:
  State(Variant variant, std::string device, std::uint64_t seed, bool quick,
        OptionValues options = {});

  const Variant& variant() const { return variant_; }
  // Axis values, converted; throw InputError naming the axis on a missing or malformed value.
  const std::string& get_string(const std::string& axis) const;
  long long get_int(const std::string& axis) const;
  double get_float(const std::string& axis) const;

  const std::string& device() const { return device_; }  // "cpu", "cuda", "cuda:1"
  std::uint64_t seed() const { return seed_; }
  bool quick() const { return quick_; }  // small sizes for CI and `make bench`
  // The benchmark's options (Benchmark::options()) with the values the run gives them, checked.
  const OptionValues& options() const { return options_; }

  // The warm-up and measured iteration counts the run asks for (--warmup, --iterations; in
  // adaptive mode its minimum sample count), for benchmarks whose work runs elsewhere and reports
  // its samples (a framework's worker process). Set by the runner before setup().
  void set_requested_iterations(int warmup, int iterations) {
    requested_warmup_ = warmup;
    requested_iterations_ = iterations;
  }
  int requested_warmup() const { return requested_warmup_; }
  int requested_iterations() const { return requested_iterations_; }

  // The timer the harness uses for this variant; host steady clock unless set in setup().
  Timer& timer() { return *timer_; }
  void set_timer(std::unique_ptr<Timer> timer);
  // Hands the current timer over (to wrap it, say) and leaves the host steady clock in its place.
  std::unique_ptr<Timer> take_timer();
  // Work the harness runs before every sample, outside the timed region (e.g. flushing the GPU's
  // L2 cache for cold-cache figures). Empty by default.
  void set_before_sample(std::function<void()> hook) { before_sample_ = std::move(hook); }
  const std::function<void()>& before_sample() const { return before_sample_; }
  // Extra memory probes (e.g. the CUDA caching allocator), begun after setup().
  void add_memory_probe(std::unique_ptr<MemoryProbe> probe);
  std::vector<std::unique_ptr<MemoryProbe>>& memory_probes() { return memory_probes_; }
  // The probe of the variant's host memory (peak_rss_bytes, rss_delta_bytes, rss_bytes): this
  // process's unless a benchmark whose work runs in another process (a framework's worker) sets,
  // in setup(), one that reports that process's figures. Null: this process's.
  void set_host_memory_probe(std::unique_ptr<MemoryProbe> probe) {
    host_memory_probe_ = std::move(probe);
  }
  MemoryProbe* host_memory_probe() { return host_memory_probe_.get(); }

  // Work done by one run_once() call; the runner derives rates from them.
  void set_items_per_iteration(double items, std::string unit = "samples");
  void set_bytes_per_iteration(double bytes) { bytes_per_iteration_ = bytes; }
  void set_flops_per_iteration(double flops) { flops_per_iteration_ = flops; }
  double items_per_iteration() const { return items_per_iteration_; }
  const std::string& items_unit() const { return items_unit_; }
  double bytes_per_iteration() const { return bytes_per_iteration_; }
  double flops_per_iteration() const { return flops_per_iteration_; }

  // Descriptive columns of the result row: model, framework, mode, device_type, dtype,
  // input_shape, ... Axis values are labels already; these add what axes do not say.
  void set_label(const std::string& key, std::string value) { labels_[key] = std::move(value); }
  const std::map<std::string, std::string>& labels() const { return labels_; }

  void add_metric(ExtraMetric metric) { extra_metrics_.push_back(std::move(metric)); }
  void add_metric(std::string name, double value, std::string unit, bool higher_is_better = false);
  const std::vector<ExtraMetric>& extra_metrics() const { return extra_metrics_; }
  void add_note(std::string note) { notes_.push_back(std::move(note)); }
  const std::vector<std::string>& notes() const { return notes_; }

  // Why the device's clocks were seen slowed while the variant was measured (a GPU monitor's
  // thermal or hardware slowdown); a load scenario's verdict turns INVALID on it.
  void note_throttled(std::string why) { throttled_ = std::move(why); }
  const std::optional<std::string>& throttled() const { return throttled_; }

  // The measured loop's raw samples (ns per run_once call) and its harness time, set by the runner
  // before finish(): for benchmarks whose figures judge the measurement itself (calibration).
  struct MeasuredLoop {
    std::vector<double> samples_ns;
    double measured_time_s = 0;  // the timed regions
    double wall_time_s = 0;      // the sampling loop, harness included (no warm-up)
  };
  void set_measured_loop(MeasuredLoop loop) { measured_loop_ = std::move(loop); }
  const MeasuredLoop& measured_loop() const { return measured_loop_; }

  // Ends this variant as "skipped" with the reason (throws SkipError); the run goes on.
  [[noreturn]] void skip(const std::string& reason) const;

 private:
  Variant variant_;
  std::string device_;
  std::uint64_t seed_ = 0;
  bool quick_ = false;
  OptionValues options_;
  std::unique_ptr<Timer> timer_;
  std::vector<std::unique_ptr<MemoryProbe>> memory_probes_;
  std::unique_ptr<MemoryProbe> host_memory_probe_;
  std::function<void()> before_sample_;
  double items_per_iteration_ = 0, bytes_per_iteration_ = 0, flops_per_iteration_ = 0;
  std::string items_unit_ = "samples";
  std::map<std::string, std::string> labels_;
  std::vector<ExtraMetric> extra_metrics_;
  std::vector<std::string> notes_;
  std::optional<std::string> throttled_;
  MeasuredLoop measured_loop_;
  int requested_warmup_ = 3, requested_iterations_ = 10;
};

}  // namespace nnbench
