// Variants in child processes (see isolated_variant.hpp).
#include "nnbench/cli/isolated_variant.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/stop_signals.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/engine/runtime/runtime.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::cli {
namespace fs = std::filesystem;

namespace {

std::string signal_text(int signal) {
  const char* abbreviation = ::sigabbrev_np(signal);
  const char* description = ::strsignal(signal);
  std::string text = fmt::format("signal {} (SIG{}, {})", signal, abbreviation ? abbreviation : "?",
                                 description ? description : "?");
  if (signal == SIGKILL) text += "; the kernel's out-of-memory killer sends this";
  return text;
}

std::string read_text(const fs::path& path) { return read_file_bytes(path).value_or(""); }

// fork, exec /proc/self/exe with `arguments`, wait; the wait status.
int spawn_and_wait(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(fmt::format("--isolate: cannot fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::execv("/proc/self/exe", argv.data());
    const std::string message =
        fmt::format("nnbench: --isolate: cannot run /proc/self/exe: {}\n", std::strerror(errno));
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result run_in_child(const std::vector<std::string>& command_line, const std::string& benchmark,
                    const Variant& variant, const fs::path& scratch) {
  const fs::path result_file = scratch / fmt::format("variant-{}.json", ::getpid());
  std::error_code ignored;
  fs::remove(result_file, ignored);
  std::vector<std::string> arguments = command_line;
  arguments.insert(arguments.end(), {"--variant-child", benchmark, "--variant-name", variant.name(),
                                     "--variant-result", result_file.string()});
  const int status = spawn_and_wait(arguments);
  if (WIFSIGNALED(status)) {
    return unrun_result(benchmark, variant, ResultStatus::Failed,
                        "the variant's process was killed by " + signal_text(WTERMSIG(status)));
  }
  const std::string text = read_text(result_file);
  fs::remove(result_file, ignored);
  const report::ordered_json document = report::ordered_json::parse(text, nullptr, false);
  if (document.is_object() && document.contains("input_error")) {
    throw InputError(document.at("input_error").get<std::string>());
  }
  if (WEXITSTATUS(status) != 0 || !document.is_object() || !document.contains("record")) {
    return unrun_result(benchmark, variant, ResultStatus::Failed,
                        fmt::format("the variant's process exited with code {} and no result",
                                    WEXITSTATUS(status)));
  }
  return report::variant_record_from_json(document.at("record"), benchmark,
                                          "the variant's process's result");
}

int run_variant_child(const RunRequest& request) {
  const auto write = [&](const report::ordered_json& document) {
    report::write_file_atomically(request.variant_child_result, report::json_text(document));
  };
  try {
    engine::set_threads(request.threads);
    for (const PlannedBenchmark& planned : plan_run(request.config, Registry::global())) {
      if (planned.info->name != request.variant_child_benchmark) continue;
      for (const Variant& variant : planned.variants) {
        if (variant.name() != request.variant_child_name) continue;
        const std::unique_ptr<Benchmark> benchmark = planned.info->factory();
        const StopSignals signals("");
        const Result result = run_variant(*benchmark, planned.info->name, variant, request.config,
                                          &StopSignals::stop_requested());
        write({{"record", report::variant_record_to_json(result, RunInfo{})}});
        return kExitOk;
      }
    }
    throw ProgrammingError(fmt::format("--isolate: the child plans no variant {} of {}",
                                       request.variant_child_name,
                                       request.variant_child_benchmark));
  } catch (const InputError& e) {
    write({{"input_error", std::string(e.what())}});
    return kExitBadInput;
  } catch (const IoError& e) {
    write({{"input_error", std::string(e.what())}});
    return kExitBadInput;
  }
}

}  // namespace nnbench::cli
