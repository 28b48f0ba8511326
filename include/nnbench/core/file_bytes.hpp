// A whole file read into memory, for the places that read a small file at once (a config, a
// result record, a model definition); each caller says in its own words what a missing one means.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nnbench {

// The file's bytes, unchanged; nullopt when it cannot be opened.
std::optional<std::string> read_file_bytes(const std::filesystem::path& path);

}  // namespace nnbench
