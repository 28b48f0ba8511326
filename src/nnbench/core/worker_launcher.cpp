// The worker launcher (see worker_launcher.hpp). One thread: SIGINT and SIGTERM are blocked and
// taken with sigtimedwait, the workers' standard error pipes are polled, and the workers are
// reaped with waitpid(WNOHANG), every 50 ms at most. Each worker leads its own process group, so
// a signal reaches the processes it started too.
#include "nnbench/core/worker_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "nnbench/core/child_environment.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// SIGINT and SIGTERM blocked for the launcher's lifetime (taken with sigtimedwait); the old mask
// restored after, and given to the workers.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;
  const sigset_t& set() const { return set_; }
  const sigset_t& old() const { return old_; }

  // The signal received since the last call, or 0.
  int take() const {
    const timespec zero{0, 0};
    const int signal = sigtimedwait(&set_, nullptr, &zero);
    return signal > 0 ? signal : 0;
  }

 private:
  sigset_t set_{};
  sigset_t old_{};
};

struct Worker {
  pid_t pid = -1;
  int error_fd = -1;       // read end of its standard error
  std::string unfinished;  // bytes after the last newline
  bool running = true;
  WorkerOutcome outcome;
};

// Starts one worker: its own process group, standard error into a pipe, the old signal mask.
Worker start_worker(const LaunchPlan& plan, int local_rank, const BlockedSignals& signals) {
  std::vector<std::string> environment = environment_with(worker_environment(plan, local_rank));
  std::vector<std::string> arguments = plan.command;
  std::vector<char*> envp = exec_pointers(environment);
  std::vector<char*> argv = exec_pointers(arguments);
  // Made before fork: the child only calls what is safe between fork and exec.
  const std::string cannot_run = "cannot run '" + plan.command.front() + "': ";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(fmt::format("launch: cannot make a pipe for rank {}: {}", local_rank,
                            std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw Error(fmt::format("launch: cannot start rank {}: {}", local_rank, std::strerror(errno)));
  }
  if (pid == 0) {
    setpgid(0, 0);
    pthread_sigmask(SIG_SETMASK, &signals.old(), nullptr);
    dup2(fds[1], STDERR_FILENO);
    execvpe(argv[0], argv.data(), envp.data());
    const char* reason = std::strerror(errno);
    [[maybe_unused]] ssize_t written = write(STDERR_FILENO, cannot_run.data(), cannot_run.size());
    written = write(STDERR_FILENO, reason, std::strlen(reason));
    written = write(STDERR_FILENO, "\n", 1);
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so the group exists before the first signal
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  Worker worker;
  worker.pid = pid;
  worker.error_fd = fds[0];
  worker.outcome.rank = plan.node_rank * plan.nproc_per_node + local_rank;
  return worker;
}

// Relays what the worker wrote to standard error, a line at a time with its rank in front.
void relay_errors(Worker& worker, bool flush) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(worker.error_fd, buffer, sizeof buffer);
    if (n <= 0) break;
    worker.unfinished.append(buffer, static_cast<std::size_t>(n));
  }
  std::size_t start = 0;
  for (std::size_t end; (end = worker.unfinished.find('\n', start)) != std::string::npos;
       start = end + 1) {
    const std::string line = worker.unfinished.substr(start, end - start);
    std::fprintf(stderr, "[rank %d] %s\n", worker.outcome.rank, line.c_str());
    if (line.find_first_not_of(" \t\r") != std::string::npos) worker.outcome.last_error_line = line;
  }
  worker.unfinished.erase(0, start);
  if (flush && !worker.unfinished.empty()) {
    std::fprintf(stderr, "[rank %d] %s\n", worker.outcome.rank, worker.unfinished.c_str());
    worker.outcome.last_error_line = worker.unfinished;
    worker.unfinished.clear();
  }
}

std::string describe(const WorkerOutcome& w) {
  std::string text = w.signal != 0
                         ? fmt::format("rank {} was killed by signal {} ({})", w.rank, w.signal,
                                       strsignal(w.signal))
                         : fmt::format("rank {} exited with code {}", w.rank, w.exit_code);
  if (!w.last_error_line.empty()) text += ": " + w.last_error_line;
  return text;
}

}  // namespace

void validate_launch_plan(const LaunchPlan& plan) {
  if (plan.command.empty()) {
    throw InputError("launch: no worker command (give it after --, e.g. -- nnbench run ...)");
  }
  if (plan.nproc_per_node < 1) throw InputError("launch: --nproc-per-node must be >= 1");
  if (plan.nnodes < 1) throw InputError("launch: --nnodes must be >= 1");
  if (plan.node_rank < 0 || plan.node_rank >= plan.nnodes) {
    throw InputError(fmt::format("launch: --node-rank {} is outside 0..{} (--nnodes {})",
                                 plan.node_rank, plan.nnodes - 1, plan.nnodes));
  }
  if (plan.master_port < 1 || plan.master_port > 65535) {
    throw InputError(fmt::format("launch: --master-port {} is outside 1..65535", plan.master_port));
  }
  if (plan.master_addr.empty()) throw InputError("launch: --master-addr is empty");
  if (plan.timeout_s < 0 || plan.grace_s < 0) throw InputError("launch: --timeout must be >= 0");
}

std::vector<std::string> worker_environment(const LaunchPlan& plan, int local_rank) {
  const int world = plan.nnodes * plan.nproc_per_node;
  std::vector<std::string> entries{
      fmt::format("RANK={}", plan.node_rank * plan.nproc_per_node + local_rank),
      fmt::format("LOCAL_RANK={}", local_rank),
      fmt::format("WORLD_SIZE={}", world),
      fmt::format("LOCAL_WORLD_SIZE={}", plan.nproc_per_node),
      fmt::format("GROUP_RANK={}", plan.node_rank),
      fmt::format("MASTER_ADDR={}", plan.master_addr),
      fmt::format("MASTER_PORT={}", plan.master_port)};
  if (const char* threads = std::getenv("OMP_NUM_THREADS"); threads == nullptr || *threads == 0) {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    entries.push_back(fmt::format("OMP_NUM_THREADS={}", std::max(1, cores / plan.nproc_per_node)));
  }
  return entries;
}

LaunchOutcome launch_workers(const LaunchPlan& plan) {
  validate_launch_plan(plan);
  const BlockedSignals signals;
  std::vector<Worker> workers;
  const auto start = Clock::now();
  std::optional<Clock::time_point> kill_at;  // set once the launcher starts stopping workers
  LaunchOutcome outcome;
  // Sends `signal` to every running worker's process group; the first call starts the grace
  // period after which the ones still running are killed.
  const auto stop_all = [&](int signal) {
    for (Worker& w : workers) {
      if (!w.running) continue;
      kill(-w.pid, signal);
      w.outcome.stopped = true;
    }
    if (!kill_at) {
      kill_at = Clock::now() + std::chrono::milliseconds(static_cast<long>(plan.grace_s * 1e3));
    }
  };
  try {
    for (int local = 0; local < plan.nproc_per_node; ++local) {
      workers.push_back(start_worker(plan, local, signals));
    }
  } catch (...) {
    stop_all(SIGKILL);
    for (Worker& w : workers) waitpid(w.pid, nullptr, 0);
    throw;
  }

  std::size_t running = workers.size();
  while (running > 0) {
    std::vector<pollfd> fds;
    for (const Worker& w : workers) fds.push_back({w.error_fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 50);
    for (Worker& w : workers) relay_errors(w, false);

    for (Worker& w : workers) {
      int status = 0;
      if (!w.running || waitpid(w.pid, &status, WNOHANG) != w.pid) continue;
      w.running = false;
      --running;
      if (WIFSIGNALED(status)) w.outcome.signal = WTERMSIG(status);
      if (WIFEXITED(status)) w.outcome.exit_code = WEXITSTATUS(status);
      const bool failed = w.outcome.signal != 0 || w.outcome.exit_code != 0;
      if (failed && !w.outcome.stopped && outcome.failure.empty()) {
        relay_errors(w, true);
        outcome.failure = describe(w.outcome);
        outcome.exit_code = w.outcome.signal != 0 ? 128 + w.outcome.signal : w.outcome.exit_code;
        stop_all(SIGTERM);
      }
    }
    if (running == 0) break;

    if (const int signal = signals.take(); signal != 0 && outcome.forwarded_signal == 0) {
      outcome.forwarded_signal = signal;
      if (outcome.failure.empty()) {
        outcome.failure =
            fmt::format("interrupted by {}: passed on to every rank", strsignal(signal));
        outcome.exit_code = 128 + signal;
      }
      stop_all(signal);
    }
    if (plan.timeout_s > 0 && !kill_at && seconds_since(start) > plan.timeout_s) {
      outcome.timed_out = true;
      std::string ranks;
      for (const Worker& w : workers) {
        if (w.running) ranks += (ranks.empty() ? "" : ", ") + std::to_string(w.outcome.rank);
      }
      outcome.failure =
          fmt::format("the job ran past its timeout of {:g} s; stopped the ranks still running: {}",
                      plan.timeout_s, ranks);
      outcome.exit_code = 124;
      stop_all(SIGTERM);
    }
    if (kill_at && Clock::now() > *kill_at) stop_all(SIGKILL);
  }
  for (Worker& w : workers) {
    relay_errors(w, true);
    close(w.error_fd);
    outcome.workers.push_back(w.outcome);
  }
  return outcome;
}

}  // namespace nnbench
