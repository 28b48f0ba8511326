"""Reference checkpoints for nnbench's Hugging Face checkpoint reader (hf_checkpoint_test.cpp).

Writes two tiny random checkpoint directories with transformers' save_pretrained (safetensors):
  OUT/llama  a Llama with grouped-query attention (4 query heads over 2 key/value heads) and an
             untied output projection, saved in shards (model.safetensors.index.json), as large
             checkpoints are;
  OUT/gpt2   a GPT-2 with tied embeddings, in one model.safetensors;
and OUT/reference.json: for each, the fixed prompts, transformers' fp32 logits over them
(batch x tokens x vocab) and the greedy continuation of --generate tokens (argmax of the last
position's logits, the lowest index on a tie; no end-of-sequence stop), computed by re-running
the whole sequence so that no cache of transformers' takes part.

Usage: python hf_reference.py OUT [--generate N]
"""

import argparse
import json
import pathlib

import torch
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

VOCAB = 128
PROMPTS = [[5, 17, 99, 3, 42, 7, 64, 1], [120, 0, 33, 33, 8, 77, 21, 90]]


def tiny_llama():
    return LlamaForCausalLM(
        LlamaConfig(
            vocab_size=VOCAB,
            hidden_size=64,
            intermediate_size=96,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=64,
            rms_norm_eps=1e-5,
            rope_theta=500.0,  # not the default, so that a theta read wrongly shows
            tie_word_embeddings=False,
            # Wider than the usual 0.02, so that the greedy choices are clear of ties.
            initializer_range=0.2,
        )
    )


def tiny_gpt2():
    return GPT2LMHeadModel(
        GPT2Config(
            vocab_size=VOCAB,
            n_embd=64,
            n_layer=2,
            n_head=4,
            n_positions=64,
            bos_token_id=0,
            eos_token_id=0,
            initializer_range=0.2,
        )
    )


def spread(model):
    """Moves every weight off its initial value: norms start at one and biases at zero, where a
    weight read into the wrong place would not show."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    return model


def reference(model, generate):
    model.eval()
    prompt = torch.tensor(PROMPTS)
    with torch.no_grad():
        logits = model(prompt).logits
        sequence = prompt
        for _ in range(generate):
            next_token = model(sequence).logits[:, -1, :].argmax(-1, keepdim=True)
            sequence = torch.cat([sequence, next_token], dim=1)
    return {
        "prompts": PROMPTS,
        "logits": logits.tolist(),
        "greedy": sequence[:, prompt.shape[1] :].tolist(),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--generate", type=int, default=8)
    args = parser.parse_args()
    torch.manual_seed(0)
    result = {}
    for name, model, shard in (("llama", spread(tiny_llama()), "100KB"), ("gpt2", spread(tiny_gpt2()), None)):
        directory = args.out / name
        if shard is None:
            model.save_pretrained(directory)
        else:
            model.save_pretrained(directory, max_shard_size=shard)
        result[name] = reference(model, args.generate)
        result[name]["directory"] = str(directory)
    (args.out / "reference.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
