// The command-line application: subcommands run, list, compare, env.
#pragma once

namespace nnbench::cli {

// Exit codes, documented in README.md.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailures = 1,  // some variants failed, or compare found a significant regression
  kExitBadInput = 2,  // unknown option/benchmark/axis value, malformed file, unwritable output
  kExitInternal = 3,  // a bug: an exception nnbench did not expect
  kExitInterrupted = 130,
};

// Parses argv, runs the subcommand, turns every error into one line on stderr and an exit code.
int run_app(int argc, char** argv);

}  // namespace nnbench::cli
