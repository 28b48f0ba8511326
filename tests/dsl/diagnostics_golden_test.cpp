// Golden diagnostics: every tests/data/diagnostics/*.nn must fail to compile with exactly the
// text in the matching .golden file (file:line:col: error: message, source line, caret line).
// Run with NNBENCH_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

const std::filesystem::path kDir = std::filesystem::path(NNBENCH_TEST_DATA_DIR) / "diagnostics";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> cases() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".nn") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DiagnosticsGolden, MatchesGoldenText_WhenEachBadModelIsCompiled) {
  const bool update = std::getenv("NNBENCH_UPDATE_GOLDEN") != nullptr;
  const auto files = cases();
  EXPECT_GE(files.size(), 12u);
  for (const auto& path : files) {
    // The file's own name (not its full path) keeps the golden text machine-independent.
    const SourceFile source(path.filename().string(), read(path));
    std::string actual;
    try {
      compile(source);
      ADD_FAILURE() << path << " compiled, but it should fail";
      continue;
    } catch (const CompileError& e) {
      actual = e.what();
    }
    auto golden = path;
    golden.replace_extension(".golden");
    if (update) std::ofstream(golden, std::ios::binary) << actual;
    EXPECT_EQ(actual, read(golden)) << "golden mismatch for " << path;
  }
}

TEST(DiagnosticsGolden, SuggestsClosestName_WhenATypoIsNear) {
  EXPECT_EQ(closest_name("Dens", {"Dense", "Dropout"}), "Dense");
  EXPECT_EQ(closest_name("dense", {"Dense", "Dropout"}), "Dense");
  EXPECT_EQ(closest_name("Convolution", {"Dense", "Conv2D"}), "");
  EXPECT_EQ(closest_name(std::string(1000, 'x'), {"Dense"}), "");
}

TEST(DiagnosticsGolden, KeepsTabsInCaretLine_WhenSourceLineHasTabs) {
  const SourceFile file("t.nn", "\tDense(\t$)\n");
  Diagnostics d;
  d.error(SourceRange{file.location(8), file.location(9)}, "unexpected character '$'");
  EXPECT_EQ(d.render(file),
            "t.nn:1:9: error: unexpected character '$'\n\tDense(\t$)\n\t      \t^\n");
}

}  // namespace
}  // namespace nnbench::dsl
