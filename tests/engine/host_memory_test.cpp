// Available host memory: read from /proc/meminfo, and a need beyond it refused with both figures.
#include "nnbench/engine/instruments/host_memory.hpp"

#include <gtest/gtest.h>

#include <string>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

TEST(HostMemory, ReadsAPositiveAvailableAmount) {
  const std::optional<std::int64_t> available = host_available_bytes();
  ASSERT_TRUE(available.has_value());
  EXPECT_GT(*available, 0);
}

TEST(HostMemory, ANeedBeyondWhatIsAvailable_IsAnErrorWithBothFigures) {
  try {
    check_host_memory("llama2-7b (batch 1)", std::int64_t{1} << 62);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("llama2-7b (batch 1) needs 4611686018.4 GB"), std::string::npos) << what;
    EXPECT_NE(what.find("GB available"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(check_host_memory("a small model", 1024));
}

}  // namespace
}  // namespace nnbench::engine
