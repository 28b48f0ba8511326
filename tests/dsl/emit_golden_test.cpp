// Golden emitted code: every network of every tests/data/models/*.nn, emitted by each back end
// (pytorch, torch-cpp, jax, keras), must equal tests/data/emit/<file>.<network>.<back end>.golden
// to the byte; a back end without a translation for a layer is golden as "error: <message>".
// Run with NNBENCH_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>
#include <vector>

#include "dsl_test_util.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/dsl/emit_jax.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/dsl/emit_torch_cpp.hpp"

namespace nnbench::dsl {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(NNBENCH_TEST_DATA_DIR);

const std::vector<std::pair<std::string, std::function<std::string(const ir::Network&)>>>
    kBackEnds = {{"pytorch", emit_pytorch},
                 {"torch-cpp", emit_torch_cpp},
                 {"jax", emit_jax},
                 {"keras", emit_keras}};

using testing::read_file;

TEST(EmitGolden, MatchesGoldenCode_WhenEveryTestModelIsEmittedByEveryBackEnd) {
  const bool update = std::getenv("NNBENCH_UPDATE_GOLDEN") != nullptr;
  const auto files = testing::files_with_extension(kData / "models", ".nn");
  EXPECT_GE(files.size(), 3u);
  int compared = 0;
  for (const auto& path : files) {
    // The file's own name (not its full path) keeps the golden text machine-independent.
    const SourceFile source(path.filename().string(), read_file(path));
    for (const ir::Network& network : compile(source)) {
      for (const auto& [back_end, emit] : kBackEnds) {
        std::string actual;
        try {
          actual = emit(network);
        } catch (const InputError& e) {
          actual = std::string("error: ") + e.what() + "\n";
        }
        const fs::path golden =
            kData / "emit" /
            (path.stem().string() + "." + network.name + "." + back_end + ".golden");
        if (update) std::ofstream(golden, std::ios::binary) << actual;
        EXPECT_EQ(actual, read_file(golden)) << "golden mismatch for " << golden;
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 24);
}

}  // namespace
}  // namespace nnbench::dsl
