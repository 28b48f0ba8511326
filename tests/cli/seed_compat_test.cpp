// The seed spellings of `nnbench run` (cli/seed_compat.hpp): each seed's documented command line
// becomes nnbench's own, defaults only where nothing was said, and a seed-only flag without its
// switch is refused.
#include "nnbench/cli/seed_compat.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench::cli {
namespace {

using Args = std::vector<std::string>;

Args run(const Args& args) {
  Args argv{"nnbench", "run"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// The values following `flag` in `argv` (up to the next flag), joined by spaces; "" if absent.
std::string after(const Args& argv, const std::string& flag, int occurrence = 0) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] != flag || occurrence-- > 0) continue;
    std::string values;
    for (std::size_t j = i + 1; j < argv.size() && !argv[j].starts_with("--"); ++j) {
      values += (values.empty() ? "" : " ") + argv[j];
    }
    return values;
  }
  return "";
}

int count(const Args& argv, const std::string& token) {
  return static_cast<int>(std::count(argv.begin(), argv.end(), token));
}

TEST(SeedCompat, NoSeedSpelling_ComesBackUnchanged) {
  const Args argv = run({"--include", "mock", "--enable-mock", "--iterations", "5"});
  const SeedTranslation t = translate_seed_arguments(argv);
  EXPECT_EQ(t.argv, argv);
  EXPECT_TRUE(t.aliases.empty());
  EXPECT_EQ(t.compat, "");
  const Args list{"nnbench", "list", "--framework", "x"};  // not `run`: not touched
  EXPECT_EQ(translate_seed_arguments(list).argv, list);
}

TEST(SeedCompat, Project594_GuideCommand_MapsEveryFlag_AndRecordsIt) {
  const SeedTranslation t = translate_seed_arguments(
      run({"--compat", "003", "--framework", "pytorch", "--model", "resnet50", "--batch-sizes", "1",
           "4", "--iterations", "10", "--warmup", "3"}));
  EXPECT_EQ(t.compat, "594project");
  EXPECT_EQ(after(t.argv, "--backends"), "pytorch");
  EXPECT_EQ(after(t.argv, "--models"), "resnet50");
  EXPECT_EQ(after(t.argv, "--axis"), "batch_size=1,4");
  // Given on the command line: the profile's defaults (warm-up 10, 50 iterations) stay out.
  EXPECT_EQ(count(t.argv, "--iterations"), 1);
  EXPECT_EQ(after(t.argv, "--iterations"), "10");
  EXPECT_EQ(after(t.argv, "--warmup"), "3");
  // Not given: the profile's benchmark, mode and output directory.
  EXPECT_EQ(after(t.argv, "--include"), "cross_framework");
  EXPECT_EQ(after(t.argv, "--axis", 1), "mode=inference");
  EXPECT_EQ(after(t.argv, "--output-dir"), "results/raw");
  EXPECT_NE(
      std::find(t.aliases.begin(), t.aliases.end(), "--framework pytorch -> --backends pytorch"),
      t.aliases.end());
}

TEST(SeedCompat, Project594_Both_MeansBothFrameworksAndModels_AndTheSeedDefaults) {
  const SeedTranslation t = translate_seed_arguments(
      run({"--compat", "594project", "--framework", "both", "--model", "both"}));
  EXPECT_EQ(after(t.argv, "--backends"), "pytorch,jax");
  EXPECT_EQ(after(t.argv, "--models"), "resnet50,vit_b_16");
  EXPECT_EQ(after(t.argv, "--warmup"), "10");
  EXPECT_EQ(after(t.argv, "--iterations"), "50");
  EXPECT_NE(std::find(t.argv.begin(), t.argv.end(), "batch_size=1,8,32,128"), t.argv.end());
}

TEST(SeedCompat, Project594_BadValues_AreInputErrors) {
  EXPECT_THROW(translate_seed_arguments(run({"--framework", "tensorflow"})), InputError);
  EXPECT_THROW(translate_seed_arguments(run({"--batch-sizes", "1", "0"})), InputError);
  EXPECT_THROW(translate_seed_arguments(run({"--batch-sizes"})), InputError);
  try {
    translate_seed_arguments(run({"--framework", "pytorh"}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'pytorch'"), std::string::npos);
  }
}

TEST(SeedCompat, FrameworkV2_Flags_AndScriptNames) {
  const SeedTranslation t = translate_seed_arguments(
      run({"--compat", "framework-v2", "--include", "mock_benchmark", "--enable-mock",
           "--warmup-iterations", "1", "--measurement-iterations", "2", "--num-tokens-to-generate",
           "10", "--log-level", "DEBUG"}));
  EXPECT_EQ(after(t.argv, "--include"), "mock");
  EXPECT_EQ(after(t.argv, "--warmup"), "1");
  EXPECT_EQ(after(t.argv, "--iterations"), "2");
  EXPECT_EQ(after(t.argv, "--option"), "generate=10");
  EXPECT_EQ(after(t.argv, "--log-level"), "DEBUG");  // nnbench's own setting
  // The mock alone: the seed's modes.
  EXPECT_NE(std::find(t.argv.begin(), t.argv.end(), "mode=eager,compiled,kernelized"),
            t.argv.end());
  const SeedTranslation llama = translate_seed_arguments(
      run({"--compat", "004", "--include", "llama_benchmark", "--model-id", "gpt2"}));
  EXPECT_EQ(after(llama.argv, "--include"), "generation");
  EXPECT_EQ(after(llama.argv, "--models"), "gpt2");
  EXPECT_EQ(std::find(llama.argv.begin(), llama.argv.end(), "mode=eager,compiled,kernelized"),
            llama.argv.end());
}

TEST(SeedCompat, ScriptNames_OnlyWithTheirSwitch) {
  // Without --compat, llama_benchmark stays a (non-matching) benchmark glob for the planner to
  // refuse; nothing renames it behind the user's back.
  const SeedTranslation t = translate_seed_arguments(run({"--include", "llama_benchmark"}));
  EXPECT_EQ(after(t.argv, "--include"), "llama_benchmark");
}

TEST(SeedCompat, NeuralDsl_ReportAndJson_NeedTheSwitch) {
  try {
    translate_seed_arguments(run({"--quick", "--report"}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--compat neural-dsl"), std::string::npos) << e.what();
  }
  EXPECT_THROW(translate_seed_arguments(run({"--compat", "003", "--json"})), InputError);
  const SeedTranslation t =
      translate_seed_arguments(run({"--compat", "001", "--backends", "tensorflow,pytorch",
                                    "--epochs", "5", "--report", "--json"}));
  EXPECT_EQ(after(t.argv, "--backends"), "keras,pytorch");
  EXPECT_EQ(after(t.argv, "--seed-output"), "report");
  EXPECT_EQ(after(t.argv, "--seed-output", 1), "json");
  EXPECT_EQ(after(t.argv, "--include"), "dsl_vs_native");
  EXPECT_EQ(count(t.argv, "--backends"), 1);  // given: no default
}

TEST(SeedCompat, NoValidation_IsRefusedWithTheReason) {
  try {
    translate_seed_arguments(run({"--compat", "neural-dsl", "--no-validation"}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shape checker"), std::string::npos) << e.what();
  }
}

TEST(SeedCompat, UnknownSwitch_SuggestsTheClosest) {
  try {
    translate_seed_arguments(run({"--compat", "framework-2"}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'framework-v2'"), std::string::npos)
        << e.what();
  }
}

TEST(SeedCompat, EqualsForms_AreTranslatedToo) {
  const SeedTranslation t = translate_seed_arguments(
      run({"--compat=003", "--framework=jax", "--include=cross_framework"}));
  EXPECT_EQ(t.compat, "594project");
  EXPECT_EQ(after(t.argv, "--backends"), "jax");
  EXPECT_EQ(count(t.argv, "--include"), 0);  // given as --include=...: no default added
  EXPECT_EQ(count(t.argv, "--include=cross_framework"), 1);
}

TEST(SeedCompat, EveryAliasIsDocumented) {
  const std::string doc = [] {
    std::ifstream in(std::string(NNBENCH_SOURCE_DIR) + "/docs/seed-compatibility.md");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  ASSERT_FALSE(doc.empty());
  for (const SeedAliasInfo& alias : seed_alias_table()) {
    EXPECT_NE(doc.find("`" + alias.flag), std::string::npos) << alias.flag;
  }
  for (const SeedProfile& profile : seed_profiles()) {
    EXPECT_NE(doc.find("`--compat " + profile.name + "`"), std::string::npos) << profile.name;
  }
}

}  // namespace
}  // namespace nnbench::cli
