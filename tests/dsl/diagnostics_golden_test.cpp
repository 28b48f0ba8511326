// Golden diagnostics: every tests/data/diagnostics/*.nn must fail to compile with exactly the
// text in the matching .golden file (file:line:col: error: message, source line, caret line),
// with no control character whatever bytes the model holds.
// Run with NNBENCH_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

const std::filesystem::path kDir = std::filesystem::path(NNBENCH_TEST_DATA_DIR) / "diagnostics";

using testing::read_file;

// Every C0 control character but '\t' and '\n', and DEL.
const std::string kControlCharacters = [] {
  std::string out;
  for (char c = 0; c < 0x20; ++c) {
    if (c != '\t' && c != '\n') out += c;
  }
  return out + '\x7f';
}();

TEST(DiagnosticsGolden, MatchesGoldenText_WhenEachBadModelIsCompiled) {
  const bool update = std::getenv("NNBENCH_UPDATE_GOLDEN") != nullptr;
  const auto files = testing::files_with_extension(kDir, ".nn");
  EXPECT_GE(files.size(), 12u);
  for (const auto& path : files) {
    // The file's own name (not its full path) keeps the golden text machine-independent.
    const SourceFile source(path.filename().string(), read_file(path));
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
    EXPECT_EQ(actual, read_file(golden)) << "golden mismatch for " << path;
    // Whatever bytes the model holds, what reaches the terminal has no control character.
    EXPECT_EQ(actual.find_first_of(kControlCharacters), std::string::npos) << path;
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
