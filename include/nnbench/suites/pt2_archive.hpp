// What a PyTorch .pt2 archive holds, read from the names of its zip entries without unpacking it:
// an AOTInductor package (compiled code under <archive>/data/aotinductor/) or a torch.export
// ExportedProgram (<archive>/models/<name>.json with its weights and sample inputs).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nnbench::suites {

// The names of the entries of a zip file, from its central directory. Throws InputError naming
// the file when it cannot be read or is not a zip file (no end-of-central-directory record, a
// directory that lies outside the file).
std::vector<std::string> zip_entry_names(const std::filesystem::path& file);

}  // namespace nnbench::suites
