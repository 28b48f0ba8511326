// Every option a benchmark reads is declared (issue 26): the sources are scanned for option reads
// and each name must be among the options `nnbench list --json` lists. A read of an undeclared
// name also throws ProgrammingError at run time (core/option_test.cpp); this test catches it
// without running the code path that reads it.
#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;
namespace fs = std::filesystem;

// Option names read in `text`: options().get_*/find_*/given("NAME"), and the load scenarios'
// real_setting/positive_count(state, "NAME", ...).
std::set<std::string> option_reads(const std::string& text) {
  static const std::regex read(
      R"re((?:options(?:\(\))?\s*\.\s*(?:get_int|get_real|get_bool|get_string|find_int|find_real|find_string|given)\s*\(\s*|(?:real_setting|positive_count)\(\s*state,\s*)"([a-z0-9_]+)")re");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), read); it != std::sregex_iterator();
       ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

TEST(DeclaredOptions, EveryOptionReadInTheSources_IsDeclaredByABenchmark) {
  TempDir tmp;
  const auto list = run_nnbench("list --json", tmp.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::set<std::string> declared;
  const nlohmann::json document = nlohmann::json::parse(list.out);
  for (const auto& benchmark : document.at("benchmarks")) {
    for (const auto& option : benchmark.at("options")) {
      declared.insert(option.at("name").get<std::string>());
    }
  }
  std::size_t reads = 0;
  for (const char* folder : {"src/nnbench", "benchmarks"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(NNBENCH_SOURCE_DIR) / folder)) {
      if (entry.path().extension() != ".cpp") continue;
      for (const std::string& name : option_reads(read_text(entry.path()))) {
        ++reads;
        EXPECT_TRUE(declared.count(name)) << entry.path().string() << " reads option '" << name
                                          << "', which no benchmark declares";
      }
    }
  }
  EXPECT_GT(reads, 30u) << "the scan found too few reads: has the reading API changed?";
}

TEST(DeclaredOptions, TheScanRecognisesEveryReadingForm) {
  EXPECT_EQ(option_reads(R"(state.options().get_int("a"); s.options().find_string("b");
                           real_setting(state, "c", 1); positive_count(state, "d", 2);
                           options.given("e");)"),
            (std::set<std::string>{"a", "b", "c", "d", "e"}));
}

}  // namespace
}  // namespace nnbench
