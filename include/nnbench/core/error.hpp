// Typed errors. Every error carries what went wrong and where (the thing it names); the CLI turns
// it into one line and an exit code. Nothing below the CLI calls exit().
#pragma once

#include <stdexcept>
#include <string>

namespace nnbench {

// Base of all nnbench errors. what() is a complete, user-readable sentence.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user gave something we cannot use: an unknown option, benchmark or axis value, a malformed
// config or model file, a missing or corrupt dataset. The CLI exits with code 2.
class InputError : public Error {
 public:
  using Error::Error;
};

// Reading or writing a file failed (unwritable output directory, disk full). Exit code 2.
class IoError : public Error {
 public:
  using Error::Error;
};

// The variant cannot run on this machine (no GPU, a missing backend). Not a failure: the result
// is recorded as "unavailable" with this reason.
class UnavailableError : public Error {
 public:
  using Error::Error;
};

// A benchmark asked to skip this variant (State::skip). Recorded as "skipped" with the reason.
class SkipError : public Error {
 public:
  using Error::Error;
};

// A mistake in nnbench's own code that no input can cause, e.g. a benchmark reading an option it
// did not declare. Not isolated per variant: the run stops and the CLI exits with code 3.
class ProgrammingError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace nnbench
