// Scratch directories (see scratch_directory.hpp).
#include "nnbench/suites/scratch_directory.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {

namespace fs = std::filesystem;

ScratchDirectory::ScratchDirectory() {
  std::string pattern = (fs::temp_directory_path() / "nnbench-worker-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw IoError("cannot make a directory under " + fs::temp_directory_path().string());
  }
  path_ = pattern;
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace nnbench::suites
