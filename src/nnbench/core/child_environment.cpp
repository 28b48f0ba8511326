// environment_with / exec_pointers (see child_environment.hpp).
#include "nnbench/core/child_environment.hpp"

extern char** environ;

namespace nnbench {

std::vector<std::string> environment_with(const std::vector<std::string>& entries) {
  std::vector<std::string> merged;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& own : entries) replaced = replaced || own.rfind(name + "=", 0) == 0;
    if (!replaced) merged.push_back(entry);
  }
  merged.insert(merged.end(), entries.begin(), entries.end());
  return merged;
}

std::vector<char*> exec_pointers(std::vector<std::string>& texts) {
  std::vector<char*> result;
  for (std::string& text : texts) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace nnbench
