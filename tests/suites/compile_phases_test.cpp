// Every compiler phase runs as a benchmark body on the seed models.
#include "nnbench/suites/compile_phases.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/measurement.hpp"

namespace nnbench::suites {
namespace {

TEST(CompilePhases, EveryPhaseMeasures_OnTheCnnModel) {
  const auto source = dsl::SourceFile::read(std::string(NNBENCH_SOURCE_DIR) + "/models/cnn.nn");
  for (const std::string& phase : compile_phase_names()) {
    auto body = make_compile_phase_benchmark(source, phase);
    State state(Variant{}, "cpu", 0, false, {});
    body->setup(state);
    MeasurementConfig config;
    config.warmup_iterations = 1;
    config.iterations = 5;
    config.iterations_per_sample = 4;
    body->adjust_measurement(state, config);
    const Measurement m = run_measurement(*body, state, config);
    EXPECT_EQ(m.samples_ns.size(), 5u) << phase;
    EXPECT_GT(m.samples_ns.front(), 0.0) << phase;
    if (phase == "expand" || phase == "check") {
      EXPECT_EQ(m.iterations_per_sample, 1) << phase;
    }
  }
}

TEST(CompilePhases, RejectsAnUnknownPhase_AndASourceThatDoesNotCompile) {
  const dsl::SourceFile good(
      "good.nn", "network N { input: (4) layers: Dense(2) loss: \"mse\" optimizer: SGD() }");
  EXPECT_THROW(make_compile_phase_benchmark(good, "optimise"), InputError);
  const dsl::SourceFile bad("bad.nn", "network N { input: (4) layers: Dense(");
  auto body = make_compile_phase_benchmark(bad, "lex");
  State state(Variant{}, "cpu", 0, false, {});
  EXPECT_THROW(body->setup(state), InputError);
}

}  // namespace
}  // namespace nnbench::suites
