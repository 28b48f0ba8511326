// Nothing a user types is silently ignored (issue 26): every case a new user hit, each either exit
// 2 with one clear line, or the documented rule, shown by what the run plans or records.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;
namespace fs = std::filesystem;

// Exit 2, one line on standard error that starts "nnbench: error: " and holds `expected`, and
// nothing in the output directory.
void expect_refused(const std::string& args, const std::string& expected) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  const auto r = run_nnbench(args + " --output-dir '" + out.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("nnbench: error: ", 0), 0u) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << args << "\n" << r.err;
  EXPECT_FALSE(fs::exists(out) && !fs::is_empty(out)) << args;
}

// The variants a run would measure (--dry-run), one per line.
std::string planned(const std::string& args) {
  TempDir tmp;
  const auto r = run_nnbench(args + " --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  return r.out;
}

const char* const kTinyCnn = R"(network TinyCnn {
  input: (8, 8, 1)
  layers:
    Conv2D(4, (3, 3), "relu")
    Flatten()
    Output(3, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adam(learning_rate=0.001)
}
)";

TEST(InputValidation, AnUnknownOptionKey_IsRefusedInEverySuite_WithTheNearestName) {
  for (const char* suite : {"--enable-mock --include mock", "--include mlp_inference",
                            "--include dsl_compile", "--include dsl_vs_native",
                            "--include nn_model", "--include inference", "--include memory"}) {
    expect_refused(std::string("run ") + suite + " --option foo=bar",
                   "--option 'foo': no selected benchmark takes this option");
  }
  expect_refused("run --include dsl_vs_native --option epochz=1",
                 "--option 'epochz': no selected benchmark takes this option; did you mean "
                 "'epochs'?");
  expect_refused("run --include nn_model --option hpo_sampels=2", "did you mean 'hpo_samples'?");
  expect_refused("run --include nn_model --option modle=models/simple_mlp.nn",
                 "did you mean 'model'?");
  expect_refused("run --include mlp_inference --option epochs=1",
                 "--option 'epochs': no selected benchmark takes this option (benchmarks that "
                 "take it: cross_framework, dsl_vs_native)");
}

TEST(InputValidation, AnUnknownOptionKeyInAConfigFile_IsRefusedToo) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "suite.yaml";
  std::ofstream(yaml) << "benchmarks: [nn_model]\noptions:\n  hpo_sampels: 2\n";
  expect_refused("run --config '" + yaml.string() + "'",
                 "--option 'hpo_sampels': no selected benchmark takes this option; did you mean "
                 "'hpo_samples'?");
}

TEST(InputValidation, AnOptionValueOfTheWrongTypeOrOutOfRange_IsRefused) {
  expect_refused("run --include dsl_vs_native --option epochs=0",
                 "benchmark 'dsl_vs_native': option epochs='0': out of range");
  expect_refused("run --include nn_model --option hpo_samples=two",
                 "benchmark 'nn_model': option hpo_samples='two': expected integer from 1 to "
                 "10000");
  expect_refused("run --include inference --option cold=maybe",
                 "option cold='maybe': expected true or false");
}

TEST(InputValidation, ModelOption_ModelsFlagAndModelAxis_MeanTheSameInEverySuite) {
  TempDir tmp;
  const fs::path model = tmp.path() / "tiny_cnn.nn";
  std::ofstream(model) << kTinyCnn;
  const std::string path = model.string();
  for (const std::string& spelling : {"--option model='" + path + "'", "--models '" + path + "'",
                                      "--axis model='" + path + "'"}) {
    const std::string plan =
        planned("run --include memory,layer_profile --axis batch_size=2 " + spelling);
    EXPECT_EQ(plan, "layer_profile model=" + path + "/batch_size=2\nmemory model=" + path +
                        "/dtype=fp32/batch_size=2\n")
        << spelling;
  }
  // And it runs where the old lookup looked for models/<path>.nn.nn.
  const auto r = run_nnbench("run --include memory --models '" + path +
                                 "' --axis batch_size=2 --iterations 2 --warmup 0 --quiet "
                                 "--no-history --output-dir '" +
                                 (tmp.path() / "out").string() + "'",
                             tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(InputValidation, AModelASuiteCannotRun_IsRefused_NamingTheSuitesThatCan) {
  expect_refused("run --include memory --models gpt2",
                 "benchmark 'memory': model 'gpt2' is a decoder preset; this benchmark runs a "
                 "model-language file or a zoo model (model=gpt2 runs in: generation)");
  expect_refused("run --include inference --models resnet5",
                 "unknown model 'resnet5'; did you mean 'resnet50'?");
  expect_refused("run --include dsl_compile --models /nonexistent/net.nn",
                 "model '/nonexistent/net.nn': no file /nonexistent/net.nn");
  expect_refused("run --include nn_model --models cnn,simple_mlp",
                 "nn_model sweeps the search spaces of one model file; give it one model (got 2)");
}

TEST(InputValidation, ASearchSpaceValueOrNameThatDoesNotExist_IsRefused) {
  TempDir tmp;
  const fs::path model = tmp.path() / "sweep.nn";
  std::ofstream(model) << R"(network Sweep {
  input: (16)
  layers:
    Dense(HPO(choice(8, 32)), "relu")
    Dropout(HPO(choice(0.1, 0.2)))
    Output(4, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adam(learning_rate=0.001)
}
)";
  const auto compile =
      run_nnbench("compile '" + model.string() + "' --set layer1.Dense.unit=64", tmp.path());
  EXPECT_EQ(compile.exit_code, 2) << compile.err;
  EXPECT_NE(compile.err.find("no search space 'layer1.Dense.unit'; did you mean "
                             "'layer1.Dense.units'?"),
            std::string::npos)
      << compile.err;
  expect_refused(
      "run --include nn_model --models '" + model.string() + "' --axis layer2.Dropout.rate=0.15",
      "search space 'layer2.Dropout.rate': value '0.15' is not one of 0.1, 0.2");
}

TEST(InputValidation, RunSettingsHaveBounds_OnTheCommandLineAndInAConfigFile) {
  const std::string mock = "run --enable-mock --include mock ";
  expect_refused(mock + "--threads -1", "--threads '-1': expected an integer from 0 to");
  expect_refused(mock + "--threads 100000", "--threads '100000': expected an integer from 0 to");
  expect_refused(mock + "--seed -1",
                 "--seed '-1': expected an integer from 0 to "
                 "18446744073709551615");
  expect_refused(mock + "--device foo",
                 "--device 'foo': expected cpu, cuda, cuda:N or auto (cuda when present, else "
                 "cpu)");
  expect_refused(mock + "--iterations 0", "--iterations '0': expected an integer from 1 to");
  expect_refused(mock + "--target-rse 5", "--target-rse '5': expected a number > 0 and < 1");
  expect_refused(mock + "--target-rse 1", "--target-rse '1': expected a number > 0 and < 1");
  expect_refused(mock + "--seed 1 --seed 2", "--seed given 2 times; give it once");
  TempDir tmp;
  const fs::path yaml = tmp.path() / "seed.yaml";
  std::ofstream(yaml) << "benchmarks: [mock]\nenable_mock: true\nseed: -1\n";
  expect_refused("run --config '" + yaml.string() + "'",
                 yaml.string() + ":3:7: seed '-1': expected an integer from 0 to");
}

TEST(InputValidation, EpochsAndDataFlags_AreTheirOptions_WithTheSameRules) {
  expect_refused("run --include dsl_vs_native --epochs 0",
                 "benchmark 'dsl_vs_native': option epochs='0': out of range: expected integer "
                 "from 1 to 100000");
  expect_refused("run --include dsl_vs_native --data ''", "--data: an empty value");
  expect_refused("run --include dsl_vs_native --data /a --option data=/b",
                 "--option data=/b and --data /a both set option 'data' on the command line; "
                 "give one");
  expect_refused("run --include inference --models resnet50 --axis model=vit_b_16",
                 "--axis model=vit_b_16 and --models resnet50 both set axis 'model' on the command "
                 "line; give one");
}

TEST(InputValidation, ADuplicateKeyInAConfigFile_IsRefused) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "twice.yaml";
  std::ofstream(yaml) << "benchmarks: [mock]\niterations: 3\niterations: 5\n";
  expect_refused("run --enable-mock --config '" + yaml.string() + "'",
                 yaml.string() + ":3:1: 'iterations' is given twice");
  const fs::path nested = tmp.path() / "nested.yaml";
  std::ofstream(nested) << "benchmarks: [mock]\naxes:\n  batch_size: [1]\n  batch_size: [8]\n";
  expect_refused("run --enable-mock --config '" + nested.string() + "'",
                 "'axes.batch_size' is given twice");
}

TEST(InputValidation, EverySettingOnTheCommandLineWinsOverTheConfigFile_AndIsRecorded) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "suite.yaml";
  std::ofstream(yaml) << "benchmarks: [mock]\nenable_mock: true\nmin_sample_time_ms: 5\n"
                         "iterations_per_sample: 0\niterations: 4\nthreads: 1\n";
  const fs::path out = tmp.path() / "out";
  const auto r = run_nnbench("run --config '" + yaml.string() +
                                 "' --min-sample-time 2 --axis model=mock_small --axis mode=eager "
                                 "--axis batch_size=1 --quiet --no-history --output-dir '" +
                                 out.string() + "'",
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "mock.json"));
  const auto& config = json.at("run").at("config");
  EXPECT_EQ(config.at("min_sample_time_ms"), "2");  // the flag, not the file's 5
  EXPECT_EQ(config.at("iterations_per_sample"), "0");
  EXPECT_EQ(config.at("iterations"), "4");
  EXPECT_EQ(config.at("threads"), "1");
}

TEST(InputValidation, AComparisonWithNothingToCompare_IsRefused) {
  TempDir tmp;
  const auto run = [&](const std::string& dir, const std::string& extra) {
    const auto r = run_nnbench(
        "run --enable-mock --include mock --iterations 10 --quiet "
        "--no-history --output-dir '" +
            (tmp.path() / dir).string() + "' " + extra,
        tmp.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return only_run_dir(tmp.path() / dir).string();
  };
  const std::string a = run("a", "--axis model=mock_small");
  const std::string b = run("b", "--axis model=mock_small");
  const std::string c = run("c", "--axis model=mock_large");
  const auto nonsense =
      run_nnbench("compare '" + a + "' '" + b + "' --metric latency_mss", tmp.path());
  EXPECT_EQ(nonsense.exit_code, 2);
  EXPECT_NE(nonsense.err.find("no result reports metric 'latency_mss'; did you mean "
                              "'latency_ms'?"),
            std::string::npos)
      << nonsense.err;
  const auto disjoint = run_nnbench("compare '" + a + "' '" + c + "'", tmp.path());
  EXPECT_EQ(disjoint.exit_code, 2);
  EXPECT_NE(disjoint.err.find("have no variant in common"), std::string::npos) << disjoint.err;
  const auto five = run_nnbench("compare '" + a + "' '" + b + "' --threshold 5", tmp.path());
  EXPECT_EQ(five.exit_code, 2);
  EXPECT_NE(five.err.find("--threshold '5' would be 500%"), std::string::npos) << five.err;
  EXPECT_NE(five.err.find("did you mean 5%?"), std::string::npos) << five.err;
  const auto percent = run_nnbench("compare '" + a + "' '" + b + "' --threshold 5%", tmp.path());
  EXPECT_EQ(percent.exit_code, 0) << percent.err;
  EXPECT_NE(percent.out.find("(threshold 5.00%, alpha 0.05)"), std::string::npos) << percent.out;
}

TEST(InputValidation, ALoneBackendsTorch_RunsOnlyTorch) {
  EXPECT_EQ(planned("run --suite cross-framework --backends torch"),
            "cross_framework model=simple_mlp/backend=torch/mode=inference/dtype=fp32/"
            "batch_size=32\n");
  // (`tensorflow` is the Neural DSL suite's name of keras: docs/seed-compatibility.md.)
  expect_refused("run --suite cross-framework --backends mxnet",
                 "--backends 'mxnet': expected one of torch, pytorch, pytorch-compile, jax, "
                 "keras");
}

TEST(InputValidation, OutputFormats_OnStandardOutputAndInOneFile) {
  TempDir tmp;
  const std::string mock =
      "run --enable-mock --include mock --axis model=mock_small --axis "
      "mode=eager --axis batch_size=1 --iterations 5 --no-history "
      "--output-dir '" +
      (tmp.path() / "out").string() + "' ";
  const auto csv = run_nnbench(mock + "--format csv", tmp.path());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("benchmark,variant,", 0), 0u) << csv.out;
  const auto json = run_nnbench(mock + "--format json", tmp.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto document = nlohmann::json::parse(json.out);
  EXPECT_EQ(document.at("benchmarks")
                .at(0)
                .at("benchmark_scenarios")
                .at(0)
                .at("variant")
                .at("batch_size"),
            1);  // a number, as its axis is an integer axis
  const fs::path file = tmp.path() / "results.md";
  const auto md = run_nnbench(mock + "--out '" + file.string() + "'", tmp.path());
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(read_text(file).find("mock"), std::string::npos);
  expect_refused("run --enable-mock --include mock --out results.txt",
                 "--out results.txt: its extension names no format");
  expect_refused("run --enable-mock --include mock --format xml",
                 "--format 'xml': expected json, csv or md");
  expect_refused("run --enable-mock --include mock --format json,csv --out a.json",
                 "--out a.json takes one format; --format gives json,csv");
}

TEST(InputValidation, ListShowsEveryBenchmarksOptions_AsTextAndAsData) {
  TempDir tmp;
  const auto text = run_nnbench("list", tmp.path());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("--option hpo_samples  [integer from 1 to 10000, default 3]"),
            std::string::npos)
      << text.out;
  const auto json = run_nnbench("list --json", tmp.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto document = nlohmann::json::parse(json.out);
  bool found = false;
  for (const auto& benchmark : document.at("benchmarks")) {
    for (const auto& option : benchmark.at("options")) {
      EXPECT_FALSE(option.at("description").get<std::string>().empty()) << option.dump();
      // Every option's text entry is in the text listing too.
      EXPECT_NE(text.out.find("--option " + option.at("name").get<std::string>() + "  ["),
                std::string::npos)
          << option.dump();
      if (benchmark.at("name") == "nn_model" && option.at("name") == "hpo_samples") {
        found = true;
        EXPECT_EQ(option.at("default"), 3);
        EXPECT_EQ(option.at("min"), 1);
      }
    }
  }
  EXPECT_TRUE(found);
}

TEST(InputValidation, EveryRunFlag_IsDocumentedInTheSettingsPage) {
  TempDir tmp;
  const auto help = run_nnbench("run --help", tmp.path());
  ASSERT_EQ(help.exit_code, 0) << help.err;
  const std::string page = read_text(fs::path(NNBENCH_SOURCE_DIR) / "docs" / "settings.md");
  std::size_t flags = 0;
  for (std::size_t at = help.out.find("  --"); at != std::string::npos;
       at = help.out.find("  --", at + 1)) {
    const std::size_t end = help.out.find_first_of(" ,\n", at + 2);
    if (end == std::string::npos) break;
    const std::string flag = help.out.substr(at + 2, end - at - 2);
    if (flag == "--help") continue;
    ++flags;
    EXPECT_NE(page.find("`" + flag), std::string::npos) << flag << " is not in docs/settings.md";
  }
  EXPECT_GT(flags, 25u) << help.out;
}

}  // namespace
}  // namespace nnbench
