// Helpers of the dashboard tests (report_test.cpp, hostile_names_test.cpp): the browser that
// loads a page headless, and counting what the page or its DOM holds.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace nnbench::testing {

// Debian's chromium, or empty when it is not installed (scripts/setup-deps installs it).
inline std::string chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return {};
}

// How many times `what` occurs in `text` (overlapping occurrences counted).
inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace nnbench::testing
