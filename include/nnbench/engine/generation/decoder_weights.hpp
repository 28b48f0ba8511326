// Weights for a DecoderLM from a safetensors file (an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the raw tensors). Names are
// nnbench's own (DecoderLM::named_parameters(): "wte.weight", "layers.0.q_proj.weight", ...) or
// Hugging Face's for the two families ("model.layers.0.self_attn.q_proj.weight" for Llama,
// "h.0.attn.c_attn.weight" for GPT-2, whose Conv1D weights are stored transposed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "nnbench/engine/generation/decoder.hpp"

namespace nnbench::engine {

// Every tensor of the file, on the CPU, in the file's dtype (F64, F32, F16, BF16). Throws
// InputError naming the file and the problem: unreadable, truncated, a malformed header, an
// unsupported dtype, a byte range that does not match the shape or lies outside the file.
std::map<std::string, torch::Tensor> read_safetensors(const std::filesystem::path& path);

// Copies the file's tensors into the model's parameters (converted to their dtype; call before
// moving the model to its device). Every parameter must be present with its exact shape; a tensor
// the model has no place for is an error too, except the ones that hold no weights (GPT-2's
// attention masks, rotary frequencies, a tied output projection). Throws InputError naming the
// tensors. Returns the number of parameters loaded.
std::int64_t load_decoder_weights(DecoderLM& model, const std::filesystem::path& path);

// The same from the shards of one checkpoint, read one at a time (only one shard's tensors are
// held at once): together they must hold every parameter exactly once. Errors name the shard.
std::int64_t load_decoder_weights(DecoderLM& model,
                                  const std::vector<std::filesystem::path>& shards);

}  // namespace nnbench::engine
