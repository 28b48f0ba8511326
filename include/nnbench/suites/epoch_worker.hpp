// Training epochs in a framework's own runtime, as a worker process
// (scripts/nnbench_worker_<framework>.py --mode epoch; protocol: framework_worker.hpp): the data
// handed over as IDX files, the worker's command line, and its report turned into the variant's
// figures. dsl_vs_native's back ends pytorch and keras train both implementations this way: the
// language's emitted code, and (--handwritten) the hand-written twin of the seed model in
// scripts/nnbench_handwritten_<framework>.py.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/core/state.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"
#include "nnbench/suites/framework_worker.hpp"
#include "nnbench/suites/reported_sample_timer.hpp"

namespace nnbench::suites {

// Writes what a worker trains and tests on into `dir` as IDX files: the training set split as
// engine::prepare_data splits it (split_train_validation(n, validation_fraction, split_seed)) into
// train-* and validation-*, and the test set as t10k-*. The worker then reads exactly the samples
// of the in-process back end and normalises them with the same statistics (the training part's).
// Throws IoError when a file cannot be written.
void write_worker_data(const engine::MnistDataset& dataset, double validation_fraction,
                       std::uint64_t split_seed, const std::filesystem::path& dir);

struct EpochWorkerSpec {
  std::string python;            // the interpreter that runs the worker
  std::string script;            // its file in scripts/: nnbench_worker_pytorch.py, ..._keras.py
  std::filesystem::path module;  // the language's emitted code
  std::string network;           // the network's name in it
  std::string handwritten;       // non-empty: train this seed model's hand-written twin instead
  std::filesystem::path data;    // a directory written by write_worker_data
  long long batch_size = 128;
  long long epochs = 1;
  long long warmup_batches = 0;  // untimed steps, after which the worker restores the model
  std::uint64_t seed = 0;
  std::string device = "cpu";
  int threads = 0;  // intra-op threads of the framework (0: its default)
};

// The worker's argv.
std::vector<std::string> epoch_worker_command(const EpochWorkerSpec& spec);

// Puts an epoch-mode report into `state`: the epoch times as the variant's samples (a
// ReportedSampleTimer, returned for the benchmark's adjust_measurement to fix_sampling), the
// worker's memory as the variant's host memory (peak_rss_bytes, rss_delta_bytes, rss_bytes),
// metrics parameter_count, build_time_ms, test_accuracy, test_loss, train_loss (a sample per
// epoch) and, with a validation part, validation_accuracy and validation_loss (per epoch); the
// samples per epoch, the label framework ("<framework> <version> (python <version>)") and notes on
// the timer and the initial state. Throws Error when the report lacks the epochs or the test
// figures.
ReportedSampleTimer& record_epoch_report(State& state, const WorkerReport& report);

}  // namespace nnbench::suites
