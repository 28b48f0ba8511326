// libFuzzer target for the model language front end: any byte string must either compile or
// fail with a CompileError/InputError; a crash, hang, sanitizer report, or any other exception is
// a bug. Built and run by scripts/fuzz-dsl.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/json.hpp"
#include "nnbench/dsl/summary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnbench::dsl;
  const SourceFile file("fuzz.nn", std::string(reinterpret_cast<const char*>(data), size));
  try {
    const std::vector<ir::Network> networks = compile(file);
    for (const ir::Network& network : networks) {
      (void)render_summary(network);
    }
    (void)emit_json(networks);
    (void)search_axes(file, "", HpoSampling{2, 1});
  } catch (const nnbench::InputError& e) {
    // Expected for malformed input; the rendered text must still be producible.
    (void)std::string(e.what());
  }
  return 0;
}
