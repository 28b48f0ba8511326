// ddp_train (suite ddp-train): data-parallel training of a model of the language or the zoo over
// the job's ranks, as PyTorch's DDP does it: every rank starts from the same weights (the run's
// seed), trains on its part of a seeded global batch, and the gradients are averaged by bucketed
// all-reduces (Gloo on CPU, NCCL on GPU) that start from gradient hooks while backward runs
// (--option ddp_overlap=false: after it; ddp_bucket_mib=N, 25 by default as DDP). The axis
// `processes` runs 1, 2, 4, ... up to all of the job's ranks inside one job (the others wait),
// so throughput, speed-up and scaling efficiency against one process come from one run; each
// step's time is the slowest rank's. After the measured steps, the time of a step splits into
// compute (the same steps without the all-reduce) and communication (the all-reduces alone), and
// the communication not hidden behind backward. The loss per step is the mean over the ranks:
// with the same global batch it follows one process's trajectory (BatchNorm statistics and
// dropout masks are per rank, as in DDP).
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/distributed_job.hpp"
#include "nnbench/suites/gradient_all_reducer.hpp"
#include "nnbench/suites/rank_max_timer.hpp"
#include "nnbench/suites/trainable_model.hpp"

namespace {

namespace suites = nnbench::suites;

double median_ms(std::vector<double> samples_ns) {
  return samples_ns.empty() ? 0.0 : nnbench::compute_statistics(samples_ns).median * 1e-6;
}

class DdpTrain final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Data-parallel training over the job's ranks (bucketed gradient all-reduce, overlapped "
           "with backward): throughput at 1..N processes, scaling efficiency, compute vs "
           "communication";
  }

  std::vector<nnbench::Option> options() const override {
    std::vector<nnbench::Option> options{
        nnbench::bool_option("ddp_overlap", true,
                             "start each bucket's all-reduce from gradient hooks while backward "
                             "runs (false: after backward)"),
        nnbench::int_option("ddp_bucket_mib", 25, "gradient bucket size in MiB (DDP's default)", 1,
                            1 << 16),
        nnbench::int_option("ddp_split_steps", 5,
                            "steps timed for the compute / communication split", 1, 1000)};
    for (nnbench::Option& shared : suites::distributed_job_options()) options.push_back(shared);
    for (nnbench::Option& shared : nnbench::engine::device_instrument_option_declarations())
      options.push_back(shared);
    return options;
  }

  std::vector<nnbench::Axis> axes() const override {
    const int world = nnbench::engine::distributed_environment_from_env().world_size;
    std::vector<long long> processes;
    for (long long k = 1; k < world; k *= 2) processes.push_back(k);
    processes.push_back(world);
    return {suites::model_axis({"simple_mlp"},
                               {suites::ModelKind::LanguageFile, suites::ModelKind::Zoo},
                               "a model-language file (a name in models/ or a path) or a zoo "
                               "model: resnet50, vit_b_16, scaling_mlp"),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {32}, "samples per rank and step"),
            nnbench::int_axis("processes", processes,
                              "ranks that train (the first ones of the job; 1 = plain training, "
                              "the baseline)")};
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    const engine::DistributedEnvironment environment = engine::distributed_environment_from_env();
    device_ = suites::rank_device(state.device(), environment);
    const torch::ScalarType dtype = engine::parse_dtype(state.get_string("dtype"));
    if (device_.is_cpu() && dtype == torch::kFloat16) {
      state.skip("fp16 training on the CPU: LibTorch's CPU kernels lack fp16 for some layers");
    }
    const long long batch = state.get_int("batch_size");
    const long long processes = state.get_int("processes");
    if (processes > environment.world_size) {
      state.skip(
          fmt::format("{} processes: the job has {} rank(s) (nnbench launch "
                      "--nproc-per-node N)",
                      processes, environment.world_size));
    }
    const bool overlap = state.options().get_bool("ddp_overlap");
    const long long bucket_mib = state.options().get_int("ddp_bucket_mib");
    instruments_ = engine::attach_device_instruments(state, device_.str());
    engine::ProcessGroup& job = suites::job_process_group(state, device_);
    auto timer = std::make_unique<suites::RankMaxTimer>(state.take_timer(), job);
    timer_ = timer.get();
    state.set_timer(std::move(timer));

    active_ = job.rank() < processes;
    processes_ = static_cast<int>(processes);
    losses_.clear();
    state.set_items_per_iteration(static_cast<double>(batch * processes), "samples");
    state.set_label("world_size", std::to_string(processes));
    state.set_label("global_batch", std::to_string(batch * processes));
    state.set_label("mode", overlap ? "train, all-reduce overlapped with backward"
                                    : "train, all-reduce after backward");
    state.set_label("backend",
                    processes == 1 ? "none" : job.backend_for(torch::empty({0}, device_)));
    state.set_label("device", device_.str());
    if (!active_) return;

    if (processes < job.size()) {
      subgroup_ = job.first_ranks(static_cast<int>(processes));
    }
    training_group_ = subgroup_ ? subgroup_.get() : &job;
    engine::ProcessGroup& group = *training_group_;
    const suites::TrainableModel model = suites::make_trainable_model(
        state, suites::resolve_model(state.get_string("model")), dtype, device_);
    module_ = model.module;
    step_ = model.step;
    // The global batch, then this rank's rows of it.
    const suites::TrainingBatch global =
        suites::make_training_batch(model, batch * processes, dtype, device_, state.seed());
    input_ = global.input.narrow(0, group.rank() * batch, batch);
    target_ = global.target.narrow(0, group.rank() * batch, batch);
    optimizer_ = step_.make_optimizer();
    if (processes > 1) {
      reducer_ = std::make_unique<suites::GradientAllReducer>(module_->parameters(), group,
                                                              bucket_mib * (1LL << 20), overlap);
      state.add_metric("gradient_buckets", static_cast<double>(reducer_->bucket_count()),
                       "buckets");
      state.add_metric("gradient_bytes", static_cast<double>(reducer_->gradient_bytes()), "bytes");
    }
    state.set_label("model", model.name);
    state.set_label("dtype", state.get_string("dtype"));
  }

  void adjust_measurement(const nnbench::State& /*state*/,
                          nnbench::MeasurementConfig& config) const override {
    // Every rank takes the same samples; a hung job is nnbench launch --timeout's to stop.
    config.timeout_s = 1e9;
    if (config.iterations_per_sample == 0) config.iterations_per_sample = 1;
  }

  void run_once(nnbench::State& /*state*/) override {
    if (!active_) return;
    train_step(true);
    instruments_.count_iteration();
  }

  void finish(nnbench::State& state) override {
    const std::vector<double> step_ns = timer_->samples_ns();
    // The same steps without the all-reduce, then the all-reduces alone, each rank in step.
    const long long split_steps = state.options().get_int("ddp_split_steps");
    std::vector<double> compute_ns, communication_ns;
    if (reducer_) reducer_->set_enabled(false);
    for (long long i = 0; i < split_steps; ++i) {
      timer_->start();
      if (active_) train_step(false);
      timer_->stop();
      compute_ns.push_back(timer_->elapsed_ns());
    }
    if (reducer_) reducer_->set_enabled(true);
    for (long long i = 0; reducer_ && i < split_steps; ++i) {
      timer_->start();
      if (active_) reducer_->all_reduce_buckets();
      timer_->stop();
      communication_ns.push_back(timer_->elapsed_ns());
    }
    if (!active_) {
      state.add_note("this rank did not train in this variant");
      return;
    }
    const double compute_ms = median_ms(compute_ns);
    state.add_metric("compute_ms", compute_ms, "ms");
    if (reducer_) {
      const double communication_ms = median_ms(communication_ns);
      const double exposed_ms = std::max(0.0, median_ms(step_ns) - compute_ms);
      state.add_metric("communication_ms", communication_ms, "ms");
      state.add_metric("exposed_communication_ms", exposed_ms, "ms");
      const double hidden =
          communication_ms > 0 ? std::clamp(1.0 - exposed_ms / communication_ms, 0.0, 1.0) : 1.0;
      state.add_metric("overlapped_communication_share", hidden, "ratio", true);
    }
    // The loss of every step (warm-up included), averaged over the training ranks.
    torch::Tensor losses = torch::stack(losses_).to(torch::kCPU, torch::kFloat64);
    if (processes_ > 1) {
      training_group_->all_reduce_sum(losses);
      losses.div_(processes_);
    }
    nnbench::ExtraMetric trajectory{"loss_per_step", "loss", 0, {}, false};
    trajectory.samples.assign(losses.data_ptr<double>(),
                              losses.data_ptr<double>() + losses.numel());
    state.add_metric("final_loss", trajectory.samples.back(), "loss");
    state.add_metric(std::move(trajectory));
  }

  void teardown(nnbench::State& /*state*/) override {
    reducer_.reset();
    optimizer_.reset();
    module_.reset();
    training_group_ = nullptr;
    subgroup_.reset();
    input_ = target_ = torch::Tensor();
    losses_.clear();
  }

  std::vector<nnbench::Result> derive_results(
      const std::vector<nnbench::Result>& results) const override {
    // Speed-up and efficiency of k processes against one, per model, dtype and batch.
    std::vector<nnbench::Result> derived;
    for (const nnbench::Result& r : results) {
      if (r.status != nnbench::ResultStatus::Ok || r.variant.at("processes") == "1") continue;
      const nnbench::Result* base = nullptr;
      for (const nnbench::Result& b : results) {
        if (b.status == nnbench::ResultStatus::Ok && b.variant.at("processes") == "1" &&
            b.variant.at("model") == r.variant.at("model") &&
            b.variant.at("dtype") == r.variant.at("dtype") &&
            b.variant.at("batch_size") == r.variant.at("batch_size")) {
          base = &b;
        }
      }
      const nnbench::Metric* rate = r.find_metric("throughput");
      const nnbench::Metric* base_rate = base ? base->find_metric("throughput") : nullptr;
      if (!rate || !base_rate || base_rate->value <= 0) continue;
      const double k = std::stod(r.variant.at("processes"));
      nnbench::Result scaling;
      scaling.variant = r.variant;
      scaling.variant.values.emplace_back("derived", "scaling");
      scaling.labels = r.labels;
      scaling.metrics.push_back({"speedup", "x", rate->value / base_rate->value, {}, {}, true});
      scaling.metrics.push_back(
          {"scaling_efficiency", "ratio", rate->value / (k * base_rate->value), {}, {}, true});
      scaling.provenance.notes.push_back(
          "throughput at processes=" + r.variant.at("processes") +
          " over processes=1 (speedup), and over processes x processes=1 (efficiency)");
      derived.push_back(std::move(scaling));
    }
    return derived;
  }

 private:
  void train_step(bool all_reduce) {
    optimizer_->zero_grad();
    const torch::Tensor loss = step_.loss(step_.forward(input_), target_);
    loss.backward();
    if (all_reduce && reducer_) reducer_->finish_step();
    optimizer_->step();
    if (all_reduce) losses_.push_back(loss.detach());
  }

  torch::Device device_{torch::kCPU};
  nnbench::engine::DeviceInstruments instruments_;
  suites::RankMaxTimer* timer_ = nullptr;
  std::unique_ptr<nnbench::engine::ProcessGroup> subgroup_;
  nnbench::engine::ProcessGroup* training_group_ = nullptr;  // subgroup_ or the job's group
  bool active_ = false;
  int processes_ = 1;
  std::shared_ptr<torch::nn::Module> module_;
  suites::TrainingStep step_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<suites::GradientAllReducer> reducer_;
  torch::Tensor input_, target_;
  std::vector<torch::Tensor> losses_;
};

}  // namespace

NNBENCH_REGISTER(DdpTrain, "ddp_train");
