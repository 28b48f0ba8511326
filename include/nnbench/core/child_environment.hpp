// What a child process nnbench starts (a launched rank, a framework's worker) gets to exec with.
#pragma once

#include <string>
#include <vector>

namespace nnbench {

// This process's environment with `entries` ("NAME=value") added, each replacing any variable of
// the same name.
std::vector<std::string> environment_with(const std::vector<std::string>& entries);

// argv/envp for exec*: pointers into `texts` (which must outlive them), null-terminated.
std::vector<char*> exec_pointers(std::vector<std::string>& texts);

}  // namespace nnbench
