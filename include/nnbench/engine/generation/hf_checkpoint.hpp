// Hugging Face checkpoint directories for the decoder (issue 28, "bring your own model"): a
// directory written by transformers' save_pretrained, with config.json and safetensors weights
// (model.safetensors, or shards listed by model.safetensors.index.json). config.json becomes a
// DecoderConfig for the two families DecoderLM implements, GPT-2 (model_type "gpt2",
// GPT2LMHeadModel) and Llama (model_type "llama", LlamaForCausalLM). Anything in it the decoder
// does not compute as transformers would (another architecture, rope_scaling, attention or MLP
// biases in Llama, another activation, sliding windows, quantised weights) is refused by name:
// a benchmark must never time a different model than the one the user named.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/engine/generation/decoder.hpp"

namespace nnbench::engine {

struct HfCheckpoint {
  std::filesystem::path directory;
  std::filesystem::path config_file;  // directory / config.json
  std::string config_text;            // config.json as read (hashed, see hf_checkpoint_hash)
  std::string architecture;           // "GPT2LMHeadModel", "LlamaForCausalLM"; "" when unnamed
  // config.json's `dtype` (transformers 5) or `torch_dtype` (earlier): the dtype the weights were
  // saved in, e.g. "bfloat16"; "" when absent. Recorded only: the benchmark's dtype axis decides
  // the dtype the model computes in.
  std::string saved_dtype;
  DecoderConfig config;  // named after the directory
  // model.safetensors, or the shards model.safetensors.index.json's weight_map names (each once,
  // in name order). Each exists; none has been read yet.
  std::vector<std::filesystem::path> weight_files;
};

// Reads config.json and finds the weight files; reads no tensors, so it is cheap enough to check
// a model when a run is planned. Throws InputError naming the file and the field: a missing or
// malformed config.json, a missing field, a model type, architecture or field value the decoder
// does not implement, no safetensors weights, an index naming a missing shard.
HfCheckpoint read_hf_checkpoint(const std::filesystem::path& directory);

// Copies the checkpoint's weights into `model` (built from checkpoint.config; before it moves to
// its device), with load_decoder_weights' checks: every parameter present once with its exact
// shape, no tensor without a place. Returns the number of parameters loaded.
std::int64_t load_hf_checkpoint_weights(DecoderLM& model, const HfCheckpoint& checkpoint);

// A cheap, stable fingerprint of the checkpoint (16 hex digits, FNV-1a): config.json's text and,
// per weight file, its name, size and first and last MiB. Two runs that record the same hash ran
// the same checkpoint, short of an edit in the middle of a weight file.
std::string hf_checkpoint_hash(const HfCheckpoint& checkpoint);

}  // namespace nnbench::engine
