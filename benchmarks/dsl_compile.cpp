// dsl_compile: how long the model language takes to turn each seed model into a LibTorch module,
// phase by phase (suites/compile_phases). The target is under 1 ms for front_end + build
// ("total") on the CPU; the seed documents promise under 200 ms.
// Models: any model-language file, by name (models/) or path.
#include "nnbench/core/benchmark.hpp"
#include "nnbench/suites/compile_phases.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace {

class DslCompile final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Compile time of the seed models: model language text -> LibTorch module";
  }

  std::vector<nnbench::Axis> axes() const override {
    namespace suites = nnbench::suites;
    return {suites::model_axis({"simple_mlp", "cnn", "deep_mlp"}, {suites::ModelKind::LanguageFile},
                               "a model-language file: a name in models/ or a path"),
            nnbench::string_axis("phase", {"front_end", "build", "total"}, "compiler phase",
                                 nnbench::suites::compile_phase_names())};
  }

  void setup(nnbench::State& state) override {
    const nnbench::suites::ModelSource model = nnbench::suites::resolve_model(
        state.get_string("model"), {nnbench::suites::ModelKind::LanguageFile});
    inner_ = nnbench::suites::make_compile_phase_benchmark(
        nnbench::dsl::SourceFile::read(model.file.string()), state.get_string("phase"));
    inner_->setup(state);
    state.set_items_per_iteration(1, "compiles");
    state.set_label("model", model.name);
    state.set_label("model_file", model.file.string());
    state.set_label("framework", "nnbench-dsl");
  }
  void adjust_measurement(const nnbench::State& state,
                          nnbench::MeasurementConfig& config) const override {
    inner_->adjust_measurement(state, config);
  }
  void run_once(nnbench::State& state) override { inner_->run_once(state); }
  void teardown(nnbench::State&) override { inner_.reset(); }

 private:
  std::unique_ptr<nnbench::Benchmark> inner_;
};

}  // namespace

NNBENCH_REGISTER(DslCompile, "dsl_compile");
