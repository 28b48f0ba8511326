// nn_model: a .nn file's search spaces become axes of the run (a model file describes a sweep).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

fs::path write_sweep(const fs::path& dir) {
  const fs::path file = dir / "sweep.nn";
  std::ofstream(file) << "network Sweep {\n"
                         "  input: (16)\n"
                         "  layers:\n"
                         "    Dense(HPO(choice(8, 32)), \"relu\")\n"
                         "    Output(4, \"softmax\")\n"
                         "  loss: \"sparse_categorical_crossentropy\"\n"
                         "  optimizer: Adam(learning_rate=HPO(log_range(1e-4, 1e-2)))\n"
                         "}\n";
  return file;
}

TEST(NnModel, TurnsSearchSpacesIntoAxes) {
  TempDir tmp;
  const fs::path file = write_sweep(tmp.path());
  const auto r = run_nnbench("run --include nn_model --option model='" + file.string() +
                                 "' --option hpo_samples=2 --axis batch_size=4 --dry-run",
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 2 choices x 2 log_range draws x 1 batch size.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << r.out;
  EXPECT_NE(r.out.find("layer1.Dense.units=8/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layer1.Dense.units=32/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("optimizer.learning_rate="), std::string::npos) << r.out;
}

TEST(NnModel, MeasuresEveryPointOfTheSweep_WithItsOwnParameterCount) {
  TempDir tmp;
  const fs::path file = write_sweep(tmp.path());
  const auto r = run_nnbench("run --include nn_model --option model='" + file.string() +
                                 "' --option hpo_samples=1 --axis batch_size=2 --iterations 5 "
                                 "--quiet --output-dir '" +
                                 (tmp.path() / "out").string() + "'",
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string json = read_text(only_run_dir(tmp.path() / "out") / "nn_model.json");
  // units 8: 16*8+8 + 8*4+4 = 172 parameters; units 32: 16*32+32 + 32*4+4 = 676.
  EXPECT_NE(json.find("\"value\": 172"), std::string::npos);
  EXPECT_NE(json.find("\"value\": 676"), std::string::npos);
}

TEST(NnModel, RunsTheDefaultModel_WithoutOptions) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include nn_model --axis batch_size=1 --iterations 3 --quiet --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_text(only_run_dir(tmp.path() / "out") / "nn_model.json").find("MnistCNN"),
            std::string::npos);
}

TEST(NnModel, MalformedModelFile_StopsTheRunWithItsDiagnostic) {
  TempDir tmp;
  const fs::path file = tmp.path() / "broken.nn";
  std::ofstream(file)
      << "network Broken {\n  input: (16)\n  layers:\n    Dense(HPO(choice()))\n}\n";
  const auto r = run_nnbench("run --include nn_model --option model='" + file.string() +
                                 "' --output-dir '" + (tmp.path() / "out").string() + "'",
                             tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + ":4:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

}  // namespace
}  // namespace nnbench
