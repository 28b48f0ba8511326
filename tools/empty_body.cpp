// The empty benchmark body of nnbench_overhead, in its own translation unit as a real benchmark
// is: neither harness's loop can see the body's type, so neither can devirtualise or delete it.
#include "empty_body.hpp"

namespace {

class EmptyBody final : public nnbench::Benchmark {
 public:
  std::string description() const override { return "empty body"; }
  std::vector<nnbench::Axis> axes() const override { return {}; }
  void run_once(nnbench::State&) override {}
};

}  // namespace

std::unique_ptr<nnbench::Benchmark> make_empty_body() { return std::make_unique<EmptyBody>(); }
