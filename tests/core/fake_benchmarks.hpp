// Test doubles for the runner and measurement tests: a scripted timer and small benchmarks.
#pragma once

#include <functional>
#include <stdexcept>
#include <vector>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::testing {

// Returns the scripted durations in order, then repeats the last one.
class ScriptedTimer final : public Timer {
 public:
  explicit ScriptedTimer(std::vector<double> durations_ns) : durations_(std::move(durations_ns)) {}
  void start() override {}
  void stop() override { current_ = durations_[std::min(next_++, durations_.size() - 1)]; }
  double elapsed_ns() override { return current_; }
  std::string kind() const override { return "scripted"; }
  std::string synchronization() const override { return "none"; }
  std::size_t stops() const { return next_; }

 private:
  std::vector<double> durations_;
  std::size_t next_ = 0;
  double current_ = 0;
};

// A benchmark whose behaviour per variant is given by lambdas.
class LambdaBenchmark final : public Benchmark {
 public:
  std::function<std::vector<Axis>()> axes_fn = [] { return std::vector<Axis>{}; };
  std::function<std::vector<Option>()> options_fn = [] { return std::vector<Option>{}; };
  std::function<void(State&)> setup_fn = [](State&) {};
  std::function<void(State&)> run_fn = [](State&) {};
  int run_calls = 0;
  int teardown_calls = 0;

  std::string description() const override { return "test"; }
  std::vector<Axis> axes() const override { return axes_fn(); }
  std::vector<Option> options() const override { return options_fn(); }
  void setup(State& s) override { setup_fn(s); }
  void run_once(State& s) override {
    ++run_calls;
    run_fn(s);
  }
  void teardown(State&) override { ++teardown_calls; }
};

}  // namespace nnbench::testing
