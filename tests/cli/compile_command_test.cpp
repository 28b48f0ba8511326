// `nnbench compile`: summary, JSON, source emitters, phase timings and diagnostics.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

std::string model(const std::string& name) {
  return std::string("'") + NNBENCH_SOURCE_DIR + "/models/" + name + ".nn'";
}

TEST(CompileCommand, PrintsTheSummaryWithTotals) {
  TempDir tmp;
  const auto r = run_nnbench("compile " + model("cnn"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("225,034"), std::string::npos) << r.out;
}

TEST(CompileCommand, VitB16_SummaryTotalsTorchvisionsParameterCount) {
  TempDir tmp;
  const auto r = run_nnbench("compile " + model("vit_b_16"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t total = r.out.find("\ntotal ");
  ASSERT_NE(total, std::string::npos) << r.out;
  const std::string total_line = r.out.substr(total + 1, r.out.find('\n', total + 1) - total - 1);
  // torchvision's vit_b_16 (and the zoo's): 86,567,656 parameters, 17.56 G multiply-accumulates.
  EXPECT_NE(total_line.find(" (1000) "), std::string::npos) << total_line;
  EXPECT_NE(total_line.find(" 86,567,656 "), std::string::npos) << total_line;
  EXPECT_NE(total_line.find(" 17,563,828,224 "), std::string::npos) << total_line;
}

TEST(CompileCommand, EmitsJsonIrToAFile) {
  TempDir tmp;
  const auto out = tmp.path() / "cnn.json";
  const auto r =
      run_nnbench("compile " + model("cnn") + " --emit json -o '" + out.string() + "'", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(read_text(out));
  EXPECT_NE(json.dump().find("225034"), std::string::npos);
}

TEST(CompileCommand, EmitsPytorchAndTorchCppSource) {
  TempDir tmp;
  auto r = run_nnbench("compile " + model("simple_mlp") + " --emit pytorch", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("import torch"), std::string::npos);
  r = run_nnbench("compile " + model("simple_mlp") + " --emit torch-cpp", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("#include <torch/torch.h>"), std::string::npos);
}

TEST(CompileCommand, TimesEveryPhase) {
  TempDir tmp;
  const auto r = run_nnbench("compile " + model("simple_mlp") + " --time", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* phase :
       {"lex", "parse", "expand", "check", "build", "front_end", "total", "emit (summary)"}) {
    EXPECT_NE(r.err.find(phase), std::string::npos) << phase << "\n" << r.err;
  }
}

TEST(CompileCommand, ReportsDiagnosticsWithLocationAndCaret_ExitTwo) {
  TempDir tmp;
  const auto file = tmp.path() / "typo.nn";
  std::ofstream(file) << "network N {\n  input: (4)\n  layers:\n    Dens(2)\n  loss: \"mse\"\n  "
                         "optimizer: SGD()\n}\n";
  const auto r = run_nnbench("compile '" + file.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + ":4:5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Dense"), std::string::npos) << r.err;  // the suggestion
  EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
}

TEST(CompileCommand, NamesAMissingFile) {
  TempDir tmp;
  const auto r = run_nnbench("compile /nonexistent/model.nn", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/model.nn"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench
