// README.md shows real output: its `nnbench list` block is what the binary prints.
#include <filesystem>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

TEST(Readme, ListBlock_IsWhatNnbenchListPrints) {
  const std::string readme = read_text(std::filesystem::path(NNBENCH_SOURCE_DIR) / "README.md");
  const std::string marker = "$ ./build/cpu/nnbench list\n";
  const std::size_t start = readme.find(marker);
  ASSERT_NE(start, std::string::npos) << "README.md has no `nnbench list` block";
  const std::size_t end = readme.find("```", start);
  ASSERT_NE(end, std::string::npos);
  const std::string block = readme.substr(start + marker.size(), end - start - marker.size());
  TempDir tmp;
  const auto list = run_nnbench("list", tmp.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(block, list.out) << "README.md's list block is stale: paste `nnbench list` into it";
}

}  // namespace
}  // namespace nnbench
