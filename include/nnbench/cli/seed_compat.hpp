// The seed systems' command lines, accepted by `nnbench run` (docs/seed-compatibility.md).
//
// nnbench reproduces four Python benchmarking suites (the seeds). Their users come with their
// commands: `--framework both --model both --batch-sizes 1 4 16` (594Project), `--warmup-iterations
// 5 --num-tokens-to-generate 200` (Benchmarking Framework v2), `--backends tensorflow --report`
// (the Neural DSL suite). One table maps each seed spelling onto nnbench's own settings before
// the command line is parsed; what was mapped is recorded in the run's configuration.
//
// A spelling whose meaning is only the seed's (`--report` writes the seed's report file,
// `--include llama_benchmark` names a seed's script) needs the compatibility switch `--compat
// SEED`, which also gives the seed's defaults (its benchmarks, warm-up and sample counts, output
// directory) and, after the run, its output files and layout (report/seed_layout.hpp). Without
// the switch such a spelling is an error that says which switch it needs: nothing a user types
// changes meaning silently.
#pragma once

#include <string>
#include <vector>

namespace nnbench::cli {

struct SeedProfile {
  std::string name;                // "594project": the --compat value
  std::vector<std::string> ids;    // "003": the seed document's number, also a --compat value
  std::string title;               // "594Project's bench/runner.py"
  std::string layout;              // report::write_seed_layout's name for its output files
  std::vector<std::string> notes;  // what the switch changes, for docs and --help
};

// Every profile, in seed order.
const std::vector<SeedProfile>& seed_profiles();

// The profile called `name` (its name or one of its ids); throws InputError with the closest
// name otherwise.
const SeedProfile& find_seed_profile(const std::string& name);

// A seed spelling and what it means in nnbench, for docs/seed-compatibility.md and tests.
struct SeedAliasInfo {
  std::string flag;        // "--batch-sizes"
  std::string value_name;  // "N [N ...]"
  std::string seeds;       // "003"
  std::string meaning;     // "--axis batch_size=N,..."
  bool needs_compat = false;
};
std::vector<SeedAliasInfo> seed_alias_table();

// A `nnbench run` command line in nnbench's own spelling, and what was mapped to get it.
struct SeedTranslation {
  std::vector<std::string> argv;
  std::vector<std::string> aliases;  // "--framework both -> --backends pytorch,jax", in order
  std::string compat;                // the profile's name, or empty
};

// Rewrites the seed spellings of `argv` (the whole command line: program, "run", arguments) into
// nnbench's, and with `--compat SEED` adds the seed's defaults for what the command line does not
// set. A command line that is not `run`, or has no seed spelling, comes back as it was. Throws
// InputError for a seed-only spelling without its --compat, or a value the seed did not allow.
SeedTranslation translate_seed_arguments(const std::vector<std::string>& argv);

}  // namespace nnbench::cli
