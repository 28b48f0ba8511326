// Epoch training in a worker process, the parts that need no framework: the data written for the
// worker (the in-process split, read back byte for byte) and its report turned into a variant's
// figures (epochs as samples, its memory as the host memory, test and per-epoch figures).
#include "nnbench/suites/epoch_worker.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/data/data_loader.hpp"
#include "nnbench/engine/data/idx_reader.hpp"
#include "nnbench/suites/scratch_directory.hpp"

namespace nnbench::suites {
namespace {

const ExtraMetric* find(const State& state, const std::string& name) {
  const auto& metrics = state.extra_metrics();
  const auto found = std::find_if(metrics.begin(), metrics.end(),
                                  [&](const ExtraMetric& m) { return m.name == name; });
  return found == metrics.end() ? nullptr : &*found;
}

TEST(WriteWorkerData, WritesTheInProcessSplit_AsIdxFilesThatReadBackExactly) {
  const engine::MnistDataset dataset = engine::synthetic_mnist_like(50, 12, 7);
  const ScratchDirectory dir;
  write_worker_data(dataset, 0.2, 11, dir.path());

  const engine::MnistDataset back = engine::load_mnist_format(dir.path());
  const engine::SplitIndices split = engine::split_train_validation(50, 0.2, 11);
  ASSERT_EQ(back.train.size(), 40);
  EXPECT_TRUE(torch::equal(back.train.images, dataset.train.images.index_select(0, split.train)));
  EXPECT_TRUE(torch::equal(back.train.labels, dataset.train.labels.index_select(0, split.train)));
  EXPECT_TRUE(torch::equal(back.test.images, dataset.test.images));
  EXPECT_TRUE(torch::equal(back.test.labels, dataset.test.labels));
  const engine::IdxArray validation =
      engine::read_idx_labels(dir.path() / "validation-labels-idx1-ubyte", 10);
  ASSERT_EQ(validation.count(), 10);
  const torch::Tensor expected = dataset.train.labels.index_select(0, split.validation);
  for (std::int64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(validation.bytes[static_cast<std::size_t>(i)], expected[i].item<std::int64_t>());
  }
}

WorkerReport epoch_report() {
  WorkerReport report;
  report.meta = {{"framework", "keras"},
                 {"version", "3.15.1 (tensorflow 2.21.0)"},
                 {"python", "3.11.7"},
                 {"parameters", "101770"},
                 {"timer", "time.perf_counter_ns around one call"},
                 {"build_time_ms", "37.5"},
                 {"initial_state", "the language model's (weights and dropout seeds copied)"},
                 {"test_accuracy", "0.75"},
                 {"test_loss", "0.68"},
                 {"train_losses", "[1.6, 0.9]"},
                 {"validation_accuracy", "[0.7, 0.74]"},
                 {"validation_loss", "[0.8, 0.7]"},
                 {"train_samples", "2048"},
                 {"peak_rss_bytes", "852688896"},
                 {"rss_delta_bytes", "58814464"},
                 {"rss_bytes", "852688896"},
                 {"peak_rss_since_start", "false"}};
  report.samples_ns = {7.2e8, 6.9e8};
  return report;
}

TEST(RecordEpochReport, PutsTheWorkersFiguresIntoTheState) {
  State state(Variant{}, "cpu", 0, false, {});
  ReportedSampleTimer& timer = record_epoch_report(state, epoch_report());
  EXPECT_EQ(timer.count(), 2U);
  EXPECT_EQ(&state.timer(), &timer);
  EXPECT_EQ(state.labels().at("framework"), "keras 3.15.1 (tensorflow 2.21.0) (python 3.11.7)");
  EXPECT_DOUBLE_EQ(state.items_per_iteration(), 2048.0);
  ASSERT_NE(find(state, "test_accuracy"), nullptr);
  EXPECT_DOUBLE_EQ(find(state, "test_accuracy")->value, 0.75);
  EXPECT_TRUE(find(state, "test_accuracy")->higher_is_better);
  EXPECT_DOUBLE_EQ(find(state, "test_loss")->value, 0.68);
  EXPECT_DOUBLE_EQ(find(state, "parameter_count")->value, 101770.0);
  EXPECT_DOUBLE_EQ(find(state, "build_time_ms")->value, 37.5);
  EXPECT_EQ(find(state, "train_loss")->samples, (std::vector<double>{1.6, 0.9}));
  EXPECT_EQ(find(state, "validation_accuracy")->samples, (std::vector<double>{0.7, 0.74}));
  EXPECT_DOUBLE_EQ(find(state, "validation_loss")->value, 0.7);
  ASSERT_NE(state.host_memory_probe(), nullptr);
  const std::vector<MemoryFigure> memory = state.host_memory_probe()->end();
  ASSERT_EQ(memory.size(), 3U);
  EXPECT_EQ(memory[0].name, "peak_rss_bytes");
  EXPECT_EQ(memory[0].bytes, 852688896);
  EXPECT_EQ(memory[1].bytes, 58814464);
  const auto& notes = state.notes();
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("initial state: the language model's") != std::string::npos;
  }));
}

TEST(RecordEpochReport, Throws_WhenTheTestFiguresAreMissing) {
  State state(Variant{}, "cpu", 0, false, {});
  WorkerReport report = epoch_report();
  report.meta.erase("test_loss");
  EXPECT_THROW(record_epoch_report(state, report), Error);
  report = epoch_report();
  report.samples_ns.clear();
  EXPECT_THROW(record_epoch_report(state, report), Error);
}

TEST(EpochWorkerCommand, AsksForEpochMode_AndTheHandWrittenTwinOnlyWhenNamed) {
  EpochWorkerSpec spec;
  spec.python = "python3";
  spec.script = "nnbench_worker_keras.py";
  spec.module = "/tmp/m.py";
  spec.network = "SimpleMLP";
  spec.data = "/tmp/data";
  spec.epochs = 2;
  spec.warmup_batches = 3;
  spec.seed = 43;
  std::vector<std::string> command = epoch_worker_command(spec);
  const auto after = [&](const std::string& flag) {
    const auto it = std::find(command.begin(), command.end(), flag);
    return it == command.end() || it + 1 == command.end() ? std::string("<absent>") : *(it + 1);
  };
  EXPECT_EQ(command.front(), "python3");
  EXPECT_NE(command[1].find("scripts/nnbench_worker_keras.py"), std::string::npos);
  EXPECT_EQ(after("--mode"), "epoch");
  EXPECT_EQ(after("--iterations"), "2");
  EXPECT_EQ(after("--warmup"), "3");
  EXPECT_EQ(after("--seed"), "43");
  EXPECT_EQ(after("--data"), "/tmp/data");
  EXPECT_EQ(after("--handwritten"), "<absent>");
  EXPECT_EQ(after("--threads"), "<absent>");
  spec.handwritten = "simple_mlp";
  spec.threads = 2;
  command = epoch_worker_command(spec);
  EXPECT_EQ(after("--handwritten"), "simple_mlp");
  EXPECT_EQ(after("--threads"), "2");
}

}  // namespace
}  // namespace nnbench::suites
