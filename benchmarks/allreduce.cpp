// allreduce: the job's collectives (c10d: Gloo on CPU tensors, NCCL on CUDA tensors) over message
// sizes, as nccl-tests measures them: time per collective (the slowest rank's), algorithm
// bandwidth (size / time) and bus bandwidth (algorithm bandwidth x nccl-tests' factor), and every
// iteration's result checked element for element before the next one starts, untimed. Run it
// under nnbench launch (or torchrun, srun): `nnbench launch --nproc-per-node 2 -- nnbench run
// --suite allreduce`; alone it is a job of one rank.
#include <memory>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/collectives.hpp"
#include "nnbench/suites/distributed_job.hpp"
#include "nnbench/suites/rank_max_timer.hpp"

namespace {

namespace suites = nnbench::suites;

std::string size_text(std::int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  int unit = 0;
  double value = static_cast<double>(bytes);
  while (value >= 1024 && unit < 3 && static_cast<std::int64_t>(value) % 1024 == 0) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:g} {}", value, units[unit]);
}

class Collectives final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Collectives over the job's ranks (Gloo on CPU, NCCL on GPU): time, algorithm and bus "
           "bandwidth as nccl-tests defines them; every result checked";
  }

  std::vector<nnbench::Option> options() const override {
    std::vector<nnbench::Option> options = suites::distributed_job_options();
    for (nnbench::Option& shared : nnbench::engine::device_instrument_option_declarations())
      options.push_back(shared);
    return options;
  }

  std::vector<nnbench::Axis> axes() const override {
    std::vector<long long> sizes;
    for (long long bytes = 1024; bytes <= (1LL << 30); bytes *= 4) sizes.push_back(bytes);
    return {nnbench::string_axis("collective", {"all_reduce"}, "the collective",
                                 {"all_reduce", "all_gather", "reduce_scatter", "broadcast"}),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("size_bytes", sizes,
                              "message size in bytes, as nccl-tests quotes it (1 KiB to 1 GiB)")};
  }

  void setup(nnbench::State& state) override {
    const nnbench::engine::DistributedEnvironment environment =
        nnbench::engine::distributed_environment_from_env();
    const torch::Device device = suites::rank_device(state.device(), environment);
    const torch::ScalarType dtype = nnbench::engine::parse_dtype(state.get_string("dtype"));
    const long long size = state.get_int("size_bytes");
    const suites::Collective collective = suites::parse_collective(state.get_string("collective"));
    instruments_ = nnbench::engine::attach_device_instruments(state, device.str());
    group_ = &suites::job_process_group(state, device);
    auto timer = std::make_unique<suites::RankMaxTimer>(state.take_timer(), *group_);
    timer_ = timer.get();
    state.set_timer(std::move(timer));
    buffers_ = std::make_unique<suites::CollectiveBuffers>(collective, size, dtype, device,
                                                           group_->rank(), group_->size());
    fresh_ = ran_ = false;
    checked_ = 0;
    state.set_before_sample([this] {
      check_last_result();
      buffers_->prepare();
      fresh_ = true;
    });
    state.set_label("backend", group_->backend_for(torch::empty({0}, device)));
    state.set_label("world_size", std::to_string(group_->size()));
    state.set_label("message_size", size_text(buffers_->message_bytes()));
    state.set_label("device", device.str());
    if (group_->size() == 1) {
      state.add_note(
          "a job of one rank: the collective moves no data between ranks (all_reduce and "
          "broadcast in place are no-ops), so time and bandwidths are the call's overhead; run "
          "it under nnbench launch --nproc-per-node N");
    }
  }

  void adjust_measurement(const nnbench::State& /*state*/,
                          nnbench::MeasurementConfig& config) const override {
    // One collective per sample, so each one's result is checked before the next.
    config.iterations_per_sample = 1;
    // Every rank must take the same samples; a per-rank wall-clock cap could end one rank's loop
    // and leave the others waiting in a collective. A hung job is nnbench launch --timeout's.
    if (group_->size() > 1) config.timeout_s = 1e9;
  }

  void run_once(nnbench::State& /*state*/) override {
    if (!fresh_) buffers_->prepare();  // warm-up iterations: not timed
    buffers_->run(*group_);
    fresh_ = false;
    ran_ = true;
    instruments_.count_iteration();
  }

  void finish(nnbench::State& state) override {
    check_last_result();
    const double bytes = static_cast<double>(buffers_->message_bytes());
    const double factor = suites::bus_bandwidth_factor(buffers_->collective(), group_->size());
    nnbench::ExtraMetric algbw{"algbw_GBps", "GB/s", 0, {}, true};
    nnbench::ExtraMetric busbw{"busbw_GBps", "GB/s", 0, {}, true};
    for (const double ns : timer_->samples_ns()) {
      algbw.samples.push_back(bytes / ns);  // bytes per nanosecond = 1e9 bytes per second
      busbw.samples.push_back(bytes / ns * factor);
    }
    state.add_metric(std::move(algbw));
    state.add_metric(std::move(busbw));
    state.add_metric("message_bytes", bytes, "bytes");
    state.add_metric("checked_iterations", static_cast<double>(checked_), "iterations");
  }

  void teardown(nnbench::State& /*state*/) override { buffers_.reset(); }

 private:
  // Checks the last iteration's result on every rank and agrees on the verdict (a max over
  // Gloo), so that all ranks fail the variant together rather than wait for each other.
  void check_last_result() {
    if (!ran_) return;
    ran_ = false;
    std::string problem;
    const bool correct = buffers_->result_is_correct(problem);
    torch::Tensor wrong = torch::full({1}, correct ? 0 : 1, torch::kInt32);
    if (group_->size() > 1) group_->all_reduce_max(wrong);
    if (!correct) throw nnbench::Error("wrong result: " + problem);
    if (wrong.item<int>() != 0) {
      throw nnbench::Error("wrong result on another rank (its message names the element)");
    }
    ++checked_;
  }

  nnbench::engine::DeviceInstruments instruments_;
  nnbench::engine::ProcessGroup* group_ = nullptr;
  suites::RankMaxTimer* timer_ = nullptr;
  std::unique_ptr<suites::CollectiveBuffers> buffers_;
  bool fresh_ = false, ran_ = false;
  long long checked_ = 0;
};

}  // namespace

NNBENCH_REGISTER(Collectives, "allreduce");
