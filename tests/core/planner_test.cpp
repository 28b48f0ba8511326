// plan_run: filters, opt-in benchmarks, axis overrides and their error messages.
#include <algorithm>

#include <gtest/gtest.h>

#include "fake_benchmarks.hpp"
#include "nnbench/core/runner.hpp"

namespace nnbench {
namespace {

using testing::LambdaBenchmark;

class OptIn final : public Benchmark {
 public:
  std::string description() const override { return "opt-in"; }
  std::vector<Axis> axes() const override { return {}; }
  void run_once(State&) override {}
  bool opt_in() const override { return true; }
};

Registry make_registry() {
  Registry registry;
  for (const std::string name : {"inference_resnet50", "inference_mlp", "training_cnn"}) {
    registry.add({name,
                  [name] {
                    auto bench = std::make_unique<LambdaBenchmark>();
                    bench->axes_fn = [] {
                      return std::vector<Axis>{
                          int_axis("batch_size", {1, 8}),
                          string_axis("dtype", {"fp32"}, "", {"fp32", "bf16"})};
                    };
                    if (name == "training_cnn") {
                      bench->options_fn = [] {
                        return std::vector<Option>{int_option("epochs", 5, "epochs", 1),
                                                   real_option("lr", 0.001, "rate", 0, 1)};
                      };
                    }
                    return bench;
                  },
                  "test"});
  }
  registry.add({"mock", [] { return std::make_unique<OptIn>(); }, "test"});
  return registry;
}

std::vector<std::string> names(const std::vector<PlannedBenchmark>& plan) {
  std::vector<std::string> out;
  for (const auto& p : plan) out.push_back(p.info->name);
  return out;
}

std::string error_of(const RunConfig& config, const Registry& registry) {
  try {
    plan_run(config, registry);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(GlobMatch, HandlesStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("inference_*", "inference_mlp"));
  EXPECT_TRUE(glob_match("*mlp", "inference_mlp"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("tr?ining_*n", "training_cnn"));
  EXPECT_FALSE(glob_match("inference", "inference_mlp"));
  EXPECT_FALSE(glob_match("*resnet", "inference_resnet50"));
}

TEST(PlanRun, SelectsAllButOptIn_WhenNoFilters) {
  const Registry registry = make_registry();
  const auto plan = plan_run(RunConfig{}, registry);
  EXPECT_EQ(names(plan),
            (std::vector<std::string>{"inference_resnet50", "inference_mlp", "training_cnn"}));
  EXPECT_EQ(plan[0].variants.size(), 2u);
}

TEST(PlanRun, AppliesIncludeThenExclude) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"inference_*"};
  config.exclude = {"*resnet*"};
  EXPECT_EQ(names(plan_run(config, registry)), (std::vector<std::string>{"inference_mlp"}));
}

TEST(PlanRun, IncludesMock_OnlyWithEnableMock) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"mock"};
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'mock' is a test benchmark and runs only with --enable-mock");
  config.enable_mock = true;
  EXPECT_EQ(names(plan_run(config, registry)), (std::vector<std::string>{"mock"}));
}

TEST(PlanRun, SuggestsTheNearestName_WhenIncludeMatchesNothing) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"inference_mpl"};
  EXPECT_EQ(error_of(config, registry),
            "--include 'inference_mpl' matches no benchmark; did you mean 'inference_mlp'? (known: "
            "inference_resnet50, inference_mlp, training_cnn, mock; `nnbench list` shows them)");
}

TEST(PlanRun, RejectsAnAxisNoSelectedBenchmarkHas) {
  const Registry registry = make_registry();
  RunConfig config;
  config.axes["batchsize"] = {"4"};
  EXPECT_EQ(error_of(config, registry),
            "--axis 'batchsize': no selected benchmark has this axis; did you mean 'batch_size'? "
            "(axes: batch_size, dtype)");
}

TEST(PlanRun, NamesTheBenchmark_WhenAnAxisValueIsRejected) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"training_cnn"};
  config.axes["dtype"] = {"fp8"};
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'training_cnn': axis 'dtype': value 'fp8' is not allowed; expected one of: "
            "fp32, bf16");
}

TEST(PlanRun, RejectsAnOptionNoSelectedBenchmarkTakes_WithTheNearestName) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"training_cnn"};
  config.options["epochz"] = "1";
  EXPECT_EQ(error_of(config, registry),
            "--option 'epochz': no selected benchmark takes this option; did you mean 'epochs'? "
            "(options of the selected benchmarks: epochs, lr; `nnbench list` shows them)");
}

TEST(PlanRun, NamesTheBenchmarksThatTakeAnOption_WhenNoneOfThemIsSelected) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"inference_mlp"};
  config.options["epochs"] = "2";
  EXPECT_EQ(error_of(config, registry),
            "--option 'epochs': no selected benchmark takes this option (benchmarks that take "
            "it: training_cnn)");
}

TEST(PlanRun, RejectsAnOptionValueOfTheWrongTypeOrOutOfRange) {
  const Registry registry = make_registry();
  RunConfig config;
  config.options["epochs"] = "0";
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'training_cnn': option epochs='0': out of range: expected integer >= 1");
  config.options["epochs"] = "two";
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'training_cnn': option epochs='two': expected integer >= 1");
  config.options["epochs"] = "2";
  config.options["lr"] = "1.5";
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'training_cnn': option lr='1.5': out of range: expected number from 0 "
            "to 1");
}

TEST(PlanRun, RejectsAnAxisValueBelowItsBound) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"inference_mlp"};
  config.axes["batch_size"] = {"0"};
  EXPECT_EQ(error_of(config, registry),
            "benchmark 'inference_mlp': axis 'batch_size': value '0' is out of range: expected "
            ">= 1");
}

TEST(PlanRun, WritesAxisValuesInTheirCanonicalSpelling_AndDropsRepeats) {
  const Registry registry = make_registry();
  RunConfig config;
  config.include = {"inference_mlp"};
  config.axes["batch_size"] = {"08", "8", "16"};
  const std::vector<PlannedBenchmark> plan = plan_run(config, registry);
  ASSERT_EQ(plan.front().variants.size(), 2U);
  EXPECT_EQ(plan.front().variants[0].name(), "batch_size=8/dtype=fp32");
  EXPECT_EQ(plan.front().variants[0].type_of("batch_size"), AxisType::Int);
  EXPECT_EQ(plan.front().variants[1].name(), "batch_size=16/dtype=fp32");
}

class Reversing final : public Benchmark {
 public:
  explicit Reversing(bool drop) : drop_(drop) {}
  std::string description() const override { return "reversing"; }
  std::vector<Axis> axes() const override { return {int_axis("x", {1, 2, 3})}; }
  void run_once(State&) override {}
  void order_variants(std::vector<Variant>& variants) const override {
    std::reverse(variants.begin(), variants.end());
    if (drop_) variants.pop_back();
  }

 private:
  bool drop_;
};

TEST(PlanRun, LetsABenchmarkOrderItsVariants_ButNotDropThem) {
  Registry registry;
  registry.add({"reversing", [] { return std::make_unique<Reversing>(false); }, "test"});
  const auto plan = plan_run(RunConfig{}, registry);
  ASSERT_EQ(plan[0].variants.size(), 3u);
  EXPECT_EQ(plan[0].variants[0].name(), "x=3");
  EXPECT_EQ(plan[0].variants[2].name(), "x=1");
  Registry dropping;
  dropping.add({"dropping", [] { return std::make_unique<Reversing>(true); }, "test"});
  EXPECT_THROW(plan_run(RunConfig{}, dropping), std::logic_error);
}

TEST(PlanRun, Fails_WhenFiltersLeaveNothing) {
  const Registry registry = make_registry();
  RunConfig config;
  config.exclude = {"*"};
  EXPECT_EQ(error_of(config, registry),
            "no benchmark selected: the --include/--exclude filters leave nothing to run");
}

}  // namespace
}  // namespace nnbench
