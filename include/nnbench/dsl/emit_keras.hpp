// `--emit keras`: a checked network -> a standalone Keras 3 module (functional model; the
// TensorFlow backend unless KERAS_BACKEND says otherwise): build_model() (input in PyTorch's
// order, convolutions run channels-last inside, output the training forward), make_predictor()
// (the final activation applied), the language's loss, its optimizer, compile_model() and a
// __main__ that prints the parameter count and runs one forward pass and one training step.
// Networks with LSTM, GRU, MultiHeadAttention or TransformerEncoder layers have no translation
// yet: InputError naming the layer.
#pragma once

#include <string>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// The Python source text (imports keras and numpy only). Pure function; no I/O.
std::string emit_keras(const ir::Network& network);

}  // namespace nnbench::dsl
