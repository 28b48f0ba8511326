// run_framework_worker: fork/exec with both output pipes polled against a deadline.
#include "nnbench/suites/framework_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/child_environment.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::suites {

Option python_option() {
  return with_default_note(
      path_option("python", NNBENCH_SCRIPT_PYTHON,
                  "the Python that runs PyTorch's side (workers, the AOTInductor compiler)"),
      "the project's: .venv/bin/python, else python3");
}

namespace {

using Clock = std::chrono::steady_clock;

// The last `count` non-empty lines of `text`, joined with " | ".
std::string tail_lines(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::string joined;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
    joined += (joined.empty() ? "" : " | ") + lines[i];
  }
  return joined.empty() ? "(nothing on standard error)" : joined;
}

std::string quoted(const std::string& line) {
  return "'" + (line.size() > 200 ? line.substr(0, 197) + "..." : line) + "'";
}

// What a finished worker left: its output, standard error, exit status, and whether it was
// killed for running past its timeout.
struct FinishedWorker {
  std::string out, err;
  int status = 0;
  bool timed_out = false;
};

// Starts `command` in its own process group with the environment, collects both pipes until
// they close or the timeout passes (then kills the group), and reaps it.
FinishedWorker run_to_completion(const std::vector<std::string>& command,
                                 const std::vector<std::string>& environment,
                                 std::chrono::milliseconds timeout) {
  const std::string& name = command.front();
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw Error(
        fmt::format("framework worker {}: cannot make pipes: {}", name, std::strerror(errno)));
  }
  std::vector<std::string> arguments = command;
  std::vector<char*> argv = exec_pointers(arguments);
  std::vector<std::string> variables = environment_with(environment);
  std::vector<char*> envp = exec_pointers(variables);
  const pid_t pid = fork();
  if (pid < 0) throw Error(fmt::format("framework worker {}: cannot fork", name));
  if (pid == 0) {
    setpgid(0, 0);  // its own process group: a timeout kills what it started too
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execvpe(argv[0], argv.data(), envp.data());
    const std::string message = "cannot run '" + name + "': " + std::strerror(errno) + "\n";
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);

  FinishedWorker finished;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  const auto deadline = Clock::now() + timeout;
  int open_pipes = 2;
  char buffer[65536];
  while (open_pipes > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      finished.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000))) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? finished.out : finished.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (const pollfd& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  while (waitpid(pid, &finished.status, 0) < 0 && errno == EINTR) {
  }
  return finished;
}

// The protocol's records in the worker's standard output; `done` tells whether it ended with
// {"done": true}. Throws UnavailableError for {"unavailable": ...}, InputError for
// {"input_error": ...}, SkipError for {"skip": ...}, Error for anything else.
WorkerReport parse_worker_output(const std::string& name, const std::string& out, bool& done) {
  WorkerReport report;
  done = false;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const std::string line =
        out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? out.size() : end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      throw Error(
          fmt::format("framework worker {} printed a line that is not nnbench's worker "
                      "protocol: {}",
                      name, quoted(line)));
    }
    if (record.contains("unavailable")) {
      throw UnavailableError(record["unavailable"].is_string()
                                 ? record["unavailable"].get<std::string>()
                                 : record["unavailable"].dump());
    } else if (record.contains("input_error")) {
      // The user's model is wrong (a missing function, a model that raises): bad input.
      throw InputError(record["input_error"].is_string() ? record["input_error"].get<std::string>()
                                                         : record["input_error"].dump());
    } else if (record.contains("skip")) {
      throw SkipError(record["skip"].is_string() ? record["skip"].get<std::string>()
                                                 : record["skip"].dump());
    } else if (record.contains("meta") && record["meta"].is_object()) {
      for (const auto& [key, value] : record["meta"].items()) {
        report.meta[key] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    } else if (record.contains("sample_ns") && record["sample_ns"].is_number()) {
      const double ns = record["sample_ns"].get<double>();
      if (!(ns > 0)) {
        throw Error(fmt::format("framework worker {} reported a sample of {} ns", name, ns));
      }
      report.samples_ns.push_back(ns);
    } else if (record.contains("done")) {
      done = true;
    } else {
      throw Error(fmt::format("framework worker {} printed a record nnbench does not know: {}",
                              name, quoted(line)));
    }
  }
  return report;
}

}  // namespace

WorkerReport run_framework_worker(const std::vector<std::string>& command,
                                  const std::vector<std::string>& environment,
                                  std::chrono::milliseconds timeout) {
  if (command.empty()) throw Error("framework worker: no command");
  const std::string& name = command.front();
  const FinishedWorker finished = run_to_completion(command, environment, timeout);
  const std::string stderr_tail = tail_lines(finished.err, 3);
  if (finished.timed_out) {
    throw Error(fmt::format("framework worker {} ran past its timeout of {} s and was killed: {}",
                            name, timeout.count() / 1000.0, stderr_tail));
  }
  bool done = false;
  WorkerReport report = parse_worker_output(name, finished.out, done);
  const int status = finished.status;
  if (WIFSIGNALED(status)) {
    throw Error(fmt::format("framework worker {} was killed by signal {}: {}", name,
                            WTERMSIG(status), stderr_tail));
  }
  // The child's exec failed: the interpreter or program is not there, so the variant cannot run
  // here (as opposed to one that ran and failed).
  if (const auto at = finished.err.find("cannot run '" + name + "'");
      WEXITSTATUS(status) == 127 && at != std::string::npos) {
    throw UnavailableError(finished.err.substr(at, finished.err.find('\n', at) - at));
  }
  if (WEXITSTATUS(status) != 0) {
    throw Error(fmt::format("framework worker {} exited with code {}: {}", name,
                            WEXITSTATUS(status), stderr_tail));
  }
  if (!done) {
    throw Error(
        fmt::format("framework worker {} ended without {{\"done\": true}} after {} "
                    "sample(s): {}",
                    name, report.samples_ns.size(), stderr_tail));
  }
  return report;
}

}  // namespace nnbench::suites
