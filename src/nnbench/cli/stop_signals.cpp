// The run's signal handling (see stop_signals.hpp).
#include "nnbench/cli/stop_signals.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>

namespace nnbench::cli {
namespace {

// A signal handler can reach only variables of static storage, and may call only
// async-signal-safe functions (write, _exit): the one exception to "no global state" here.
std::atomic<bool> g_stop_requested{false};
char g_hint[1024];
std::size_t g_hint_length = 0;

extern "C" void on_stop_signal(int) {
  if (g_stop_requested.exchange(true)) {
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, g_hint, g_hint_length);
    ::_exit(130);
  }
}

}  // namespace

StopSignals::StopSignals(const std::string& hint) {
  const std::string text = "\nnbench: stopped at once (a second signal). " + hint + "\n";
  g_hint_length = std::min(text.size(), sizeof g_hint);
  std::memcpy(g_hint, text.data(), g_hint_length);
  g_stop_requested.store(false);
  previous_int_ = std::signal(SIGINT, on_stop_signal);
  previous_term_ = std::signal(SIGTERM, on_stop_signal);
  previous_hup_ = std::signal(SIGHUP, on_stop_signal);
}

StopSignals::~StopSignals() {
  std::signal(SIGINT, previous_int_);
  std::signal(SIGTERM, previous_term_);
  std::signal(SIGHUP, previous_hup_);
}

const std::atomic<bool>& StopSignals::stop_requested() { return g_stop_requested; }

}  // namespace nnbench::cli
