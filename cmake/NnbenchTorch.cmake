# Finds LibTorch inside PyTorch's own wheel (torch.utils.cmake_prefix_path), the way PyTorch
# recommends for C++ users. The project's .venv is preferred; without it, the system python3
# (the GPU machine's preinstalled PyTorch) is used, so both builds compile against one LibTorch.
if(NOT NNBENCH_PYTHON)
  if(EXISTS "${PROJECT_SOURCE_DIR}/.venv/bin/python")
    set(NNBENCH_PYTHON "${PROJECT_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH "" FORCE)
  else()
    find_program(NNBENCH_PYTHON_FOUND python3 REQUIRED)
    set(NNBENCH_PYTHON "${NNBENCH_PYTHON_FOUND}" CACHE FILEPATH "" FORCE)
  endif()
endif()
execute_process(
  COMMAND "${NNBENCH_PYTHON}" -c "import torch, torch.utils; print(torch.utils.cmake_prefix_path); print(torch.__version__); print(torch.version.cuda or '')"
  OUTPUT_VARIABLE _nnbench_torch_out ERROR_VARIABLE _nnbench_torch_err
  RESULT_VARIABLE _nnbench_torch_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _nnbench_torch_rc EQUAL 0)
  message(FATAL_ERROR "nnbench: '${NNBENCH_PYTHON}' cannot import torch; run scripts/setup-deps "
                      "(it installs torch==2.11.0 into .venv).\n${_nnbench_torch_err}")
endif()
string(REPLACE "\n" ";" _nnbench_torch_lines "${_nnbench_torch_out}")
list(GET _nnbench_torch_lines 0 NNBENCH_TORCH_PREFIX)
list(GET _nnbench_torch_lines 1 NNBENCH_TORCH_VERSION)
list(LENGTH _nnbench_torch_lines _n)
set(NNBENCH_TORCH_CUDA "")
if(_n GREATER 2)
  list(GET _nnbench_torch_lines 2 NNBENCH_TORCH_CUDA)
endif()
message(STATUS "nnbench: torch ${NNBENCH_TORCH_VERSION} (CUDA '${NNBENCH_TORCH_CUDA}') from ${NNBENCH_PYTHON}")
list(APPEND CMAKE_PREFIX_PATH "${NNBENCH_TORCH_PREFIX}")
find_package(Torch REQUIRED)
# LibTorch's targets ask every user to compile with USE_C10D_GLOO, USE_C10D_NCCL and USE_NVSHMEM;
# those only matter to the files that include c10d's Gloo or NCCL process groups, which set them
# themselves (src/nnbench/CMakeLists.txt). Without them here, the cpu and cuda builds see
# LibTorch's headers with the same definitions (torch_cpu's others: USE_DISTRIBUTED, USE_RPC,
# ...), so a file that does not test NNBENCH_WITH_CUDA preprocesses identically in both and
# ccache compiles it once (NnbenchCcache.cmake).
set(_nnbench_torch_defs "")
foreach(_target torch_cpu torch_cuda torch_nvshmem)
  if(TARGET ${_target})
    get_target_property(_defs ${_target} INTERFACE_COMPILE_DEFINITIONS)
    if(_defs)
      list(REMOVE_ITEM _defs USE_C10D_GLOO USE_C10D_NCCL USE_NVSHMEM)
      set_target_properties(${_target} PROPERTIES INTERFACE_COMPILE_DEFINITIONS "${_defs}")
      if(_target STREQUAL "torch_cpu")
        set(_nnbench_torch_defs ${_defs})
      endif()
    endif()
  endif()
endforeach()
# One INTERFACE target carries LibTorch's headers, flags and libraries. Only layers that need
# torch types link it (PRIVATE), so its headers never reach the CLI or report TUs. LibTorch ships
# its own fmt (v12) among its headers; it shadows Debian's libfmt there, so TUs that see torch
# headers use fmt header-only (the two live in different inline namespaces).
separate_arguments(_nnbench_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
add_library(nnbench_torch INTERFACE)
target_include_directories(nnbench_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_options(nnbench_torch INTERFACE ${_nnbench_torch_flags})
target_compile_definitions(nnbench_torch INTERFACE FMT_HEADER_ONLY=1 ${_nnbench_torch_defs})
# LibTorch's libraries export copies of libstdc++'s std::filesystem functions, built with the
# wheel's older toolchain. An executable lists libstdc++ last among the libraries it needs, so its
# calls bound to those copies, and with g++ 13 headers fs::remove_all crashed in them (seen on the
# GPU machine, 2026-12-03). Naming libstdc++ first makes every such symbol resolve to libstdc++.
# By its path, the shared library the compiler itself would link: with a bare -lstdc++ the GPU
# machine's test executables still came out with unversioned references to std::filesystem
# (resolved against libtorch.so at link time) and libtorch.so first among the libraries needed
# (2026-12-04); the likely cause is a static libstdc++.a found first on the library path. Here
# the references are versioned (GLIBCXX_3.4.26) and bind to libstdc++; not yet re-run there.
set(_nnbench_libstdcxx_item "-lstdc++")
# The same mix-up is unavoidable with a g++ that has only a static libstdc++ (such as the one in
# /opt/gcc of the GPU machine's image): the executable's own copy and LibTorch's exported copies
# of std::filesystem then meet, and fs::remove_all jumped to address 0. Refuse such a compiler.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=libstdc++.so
                  OUTPUT_VARIABLE _nnbench_libstdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${_nnbench_libstdcxx}" OR NOT EXISTS "${_nnbench_libstdcxx}")
    message(FATAL_ERROR
      "nnbench: ${CMAKE_CXX_COMPILER} has no shared libstdc++ (libstdc++.so), so it would link "
      "libstdc++ statically next to LibTorch's own exported copies of its functions, which "
      "crashes. Use a g++ with a shared libstdc++, e.g. cmake --preset cpu "
      "-DCMAKE_CXX_COMPILER=/usr/bin/g++ (and remove the build directory first).")
  endif()
  file(REAL_PATH "${_nnbench_libstdcxx}" _nnbench_libstdcxx_item)
endif()
target_link_options(nnbench_torch INTERFACE
                    "LINKER:--push-state,--no-as-needed,${_nnbench_libstdcxx_item},--pop-state")
if(NNBENCH_CUDA)
  target_link_libraries(nnbench_torch INTERFACE ${TORCH_LIBRARIES})
else()
  # The CPU build links only the CPU parts, so it runs where no CUDA runtime is installed.
  target_link_libraries(nnbench_torch INTERFACE "${TORCH_INSTALL_PREFIX}/lib/libtorch_cpu.so"
                                                "${TORCH_INSTALL_PREFIX}/lib/libc10.so")
  set_property(TARGET nnbench_torch APPEND PROPERTY INTERFACE_LINK_OPTIONS
               "LINKER:-rpath,${TORCH_INSTALL_PREFIX}/lib")
endif()
