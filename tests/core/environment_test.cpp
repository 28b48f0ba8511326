// Environment capture and helpers.
#include "nnbench/core/environment.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "nnbench/core/memory_probe.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench {
namespace {

TEST(CaptureEnvironment, FillsHostFacts_OnLinux) {
  const Environment env = capture_environment();
  EXPECT_GT(env.logical_cores, 0);
  EXPECT_GT(env.physical_cores, 0);
  EXPECT_GT(env.memory_total_bytes, 0);
  EXPECT_FALSE(env.kernel.empty());
  EXPECT_FALSE(env.compiler.empty());
  EXPECT_FALSE(env.build_type.empty());
}

TEST(UtcTimestamp, HasIso8601AndCompactForms) {
  EXPECT_TRUE(
      std::regex_match(utc_timestamp_iso8601(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_TRUE(std::regex_match(utc_timestamp_compact(), std::regex(R"(\d{8}T\d{6}Z)")));
}

TEST(Fnv1aHex, MatchesReferenceValues) {
  EXPECT_EQ(fnv1a_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a_hex("a"), "af63dc4c8601ec8c");
}

TEST(ProcessMemoryProbe, SeesAnAllocationInItsPeak) {
  ProcessMemoryProbe probe;
  probe.begin();
  std::vector<char> block(64 << 20, 1);  // 64 MiB, touched
  const auto figures = probe.end();
  ASSERT_EQ(figures.size(), 3u);
  EXPECT_EQ(figures[0].name, "peak_rss_bytes");
  EXPECT_GE(figures[0].bytes, 64 << 20);
  EXPECT_EQ(block[12345], 1);
}

TEST(ClosestMatch, SuggestsNearNamesOnly) {
  EXPECT_EQ(closest_match("Dens", {"Dense", "Dropout"}), "Dense");
  EXPECT_EQ(closest_match("xyzzy", {"Dense", "Dropout"}), std::nullopt);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace nnbench
