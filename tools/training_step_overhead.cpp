// The model language's cost per training step, side by side with the hand-written module: one
// seed model (default simple_mlp) compiled from models/<name>.nn and its native twin, each
// trained on the same fixed batch, in alternating rounds of many steps. Prints the median time per
// step of each side, forward-only and full step (forward, loss, backward, Adam), and the ratio.
// Usage: nnbench_training_step [model] [rounds] [threads]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nnbench/core/host_allocator.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/runtime/runtime.hpp"
#include "nnbench/suites/native_models.hpp"

namespace {

struct Side {
  std::string name;
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)> loss;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::vector<double> step_us, forward_us;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Mean microseconds per call of `body` over `calls` calls.
template <typename Body>
double time_us(int calls, Body&& body) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) body();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

}  // namespace

int main(int argc, char** argv) {
  // As `nnbench run` does; NNBENCH_DYNAMIC_MALLOC=1 keeps glibc's history-dependent placement.
  if (!std::getenv("NNBENCH_DYNAMIC_MALLOC"))
    std::puts(nnbench::fix_host_allocator_thresholds().c_str());
  const std::string model = argc > 1 ? argv[1] : "simple_mlp";
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 20;
  nnbench::engine::set_threads(argc > 3 ? std::atoi(argv[3]) : 1);
  constexpr std::uint64_t kSeed = 42;
  constexpr int kCalls = 200;

  const auto network =
      nnbench::dsl::compile_file(std::string(NNBENCH_SOURCE_DIR) + "/models/" + model + ".nn")
          .front();
  nnbench::engine::BuiltModel built = nnbench::engine::build_model(network, {kSeed});
  auto native = nnbench::suites::make_native_model(model, kSeed);
  std::vector<Side> sides(2);
  sides[0].name = "dsl";
  sides[0].module = built.module.ptr();
  sides[0].forward = [m = built.module](const torch::Tensor& x) mutable { return m->forward(x); };
  sides[0].loss = built.loss;
  sides[0].optimizer = built.make_optimizer(built.module->parameters());
  sides[1].name = "native";
  sides[1].module = native;
  sides[1].forward = [native](const torch::Tensor& x) { return native->forward(x); };
  sides[1].loss = [](const torch::Tensor& logits, const torch::Tensor& targets) {
    return torch::nn::functional::cross_entropy(logits, targets);
  };
  sides[1].optimizer =
      std::make_unique<torch::optim::Adam>(native->parameters(), torch::optim::AdamOptions(1e-3));

  torch::manual_seed(kSeed);
  const torch::Tensor inputs = torch::rand({128, 1, 28, 28});
  const torch::Tensor targets = torch::randint(10, {128}, torch::kInt64);
  for (int round = 0; round < rounds + 1; ++round) {  // round 0 warms up and is dropped
    for (int k = 0; k < 2; ++k) {
      Side& side = sides[(round % 2 == 0) ? k : 1 - k];  // A B, then B A
      side.module->train();
      const double step = time_us(kCalls, [&] {
        side.optimizer->zero_grad();
        side.loss(side.forward(inputs), targets).backward();
        side.optimizer->step();
      });
      double forward = 0;
      {
        torch::NoGradGuard no_grad;
        forward = time_us(kCalls, [&] { side.forward(inputs); });
      }
      if (round > 0) {
        side.step_us.push_back(step);
        side.forward_us.push_back(forward);
      }
    }
  }
  std::printf("%s, %d rounds of %d calls, threads %d\n", model.c_str(), rounds, kCalls,
              torch::get_num_threads());
  std::printf("%-8s %14s %14s\n", "side", "step us (med)", "forward us");
  for (const Side& side : sides) {
    std::printf("%-8s %14.2f %14.2f\n", side.name.c_str(), median(side.step_us),
                median(side.forward_us));
  }
  std::printf("dsl / native: step %.4f, forward %.4f\n",
              median(sides[0].step_us) / median(sides[1].step_us),
              median(sides[0].forward_us) / median(sides[1].forward_us));
  return 0;
}
