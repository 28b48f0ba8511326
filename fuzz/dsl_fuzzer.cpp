// libFuzzer target for the model language: any byte string must either compile or fail with a
// CompileError/InputError, and every network that compiles must go through every output: the
// summary, JSON, LibTorch C++ and PyTorch without any error, JAX and Keras with at most the
// InputError they document for layers they have no translation for. A crash, hang, sanitizer
// report, or any other exception (std::terminate) is a bug. Built and run by scripts/fuzz-dsl.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/emit_jax.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/dsl/emit_torch_cpp.hpp"
#include "nnbench/dsl/json.hpp"
#include "nnbench/dsl/summary.hpp"

namespace {

using nnbench::dsl::ir::Network;

// Runs emit_jax or emit_keras, whose InputError for an untranslatable layer is documented.
template <typename Emit>
void emit_or_refuse(Emit emit, const Network& network) {
  try {
    (void)emit(network);
  } catch (const nnbench::InputError& e) {
    (void)std::string(e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnbench::dsl;
  const SourceFile file("fuzz.nn", std::string(reinterpret_cast<const char*>(data), size));
  std::vector<Network> networks;
  try {
    networks = compile(file);
  } catch (const nnbench::InputError& e) {
    // Expected for malformed input; the rendered text must still be producible.
    (void)std::string(e.what());
    return 0;
  }
  (void)emit_json(networks);
  for (const Network& network : networks) {
    (void)render_summary(network);
    (void)emit_torch_cpp(network);
    (void)emit_pytorch(network);
    emit_or_refuse(emit_jax, network);
    emit_or_refuse(emit_keras, network);
  }
  try {
    (void)search_axes(file, "", HpoSampling{2, 1});
  } catch (const nnbench::InputError& e) {
    (void)std::string(e.what());
  }
  return 0;
}
