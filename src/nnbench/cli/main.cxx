// The nnbench executable: everything lives in the cli layer; main only forwards.
#include "nnbench/cli/app.hpp"

int main(int argc, char** argv) { return nnbench::cli::run_app(argc, argv); }
