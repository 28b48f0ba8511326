// A directory of its own under the temporary directory, removed with the object (files handed
// to a worker process).
#pragma once

#include <filesystem>

namespace nnbench::suites {

class ScratchDirectory {
 public:
  // Throws IoError when the directory cannot be made.
  ScratchDirectory();
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace nnbench::suites
