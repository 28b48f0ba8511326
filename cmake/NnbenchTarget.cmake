# Shared settings for every nnbench target: C++20, warnings on, and the layer's sources by glob
# (one concept per file; adding a file needs no CMake edit).
function(nnbench_warnings target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>)
endfunction()

# nnbench_layer(NAME core DEPS ...): library nnbench_<name> from src/nnbench/<name>/**/*.cpp (a layer's
# subfolders group it by concern), with
# *_cuda.cpp and *.cu only in the cuda build. Alias nnbench::<name>.
function(nnbench_layer)
  cmake_parse_arguments(L "" "NAME" "DEPS" ${ARGN})
  set(_dir "${PROJECT_SOURCE_DIR}/src/nnbench/${L_NAME}")
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS "${_dir}/*.cpp")
  file(GLOB_RECURSE _cuda_srcs CONFIGURE_DEPENDS "${_dir}/*_cuda.cpp" "${_dir}/*.cu")
  if(_cuda_srcs)
    list(REMOVE_ITEM _srcs ${_cuda_srcs})
  endif()
  file(GLOB_RECURSE _cu_srcs CONFIGURE_DEPENDS "${_dir}/*.cu")
  if(_cu_srcs)
    list(REMOVE_ITEM _cuda_srcs ${_cu_srcs})
  endif()
  if(NNBENCH_CUDA)
    list(APPEND _srcs ${_cuda_srcs})
  endif()
  add_library(nnbench_${L_NAME} STATIC ${_srcs})
  # CUDA kernels (*.cu) in a library of their own: nvcc compiles them as C++17 and never sees
  # LibTorch's headers (the layer's C++20 feature would otherwise be asked of nvcc too).
  if(NNBENCH_CUDA AND _cu_srcs)
    add_library(nnbench_${L_NAME}_kernels STATIC ${_cu_srcs})
    set_target_properties(nnbench_${L_NAME}_kernels PROPERTIES CUDA_STANDARD 17
                          CUDA_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON)
    target_include_directories(nnbench_${L_NAME}_kernels PRIVATE "${PROJECT_SOURCE_DIR}/include"
                               "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(nnbench_${L_NAME}_kernels PUBLIC CUDA::cudart)
    target_link_libraries(nnbench_${L_NAME} PUBLIC nnbench_${L_NAME}_kernels)
  endif()
  add_library(nnbench::${L_NAME} ALIAS nnbench_${L_NAME})
  target_include_directories(nnbench_${L_NAME} PUBLIC "${PROJECT_SOURCE_DIR}/include"
                             PRIVATE "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(nnbench_${L_NAME} PUBLIC ${L_DEPS})
  nnbench_warnings(nnbench_${L_NAME})
  if(NNBENCH_CUDA)
    target_compile_definitions(nnbench_${L_NAME} PUBLIC NNBENCH_WITH_CUDA=1)
  endif()
endfunction()

# nnbench_tristate_option(NNBENCH_X "doc"): a cache option AUTO (default), ON or OFF for an
# optional dependency; sets <var>_MODE (upper case) in the caller, and stops on any other value.
function(nnbench_tristate_option var doc)
  set(${var} AUTO CACHE STRING "${doc}: AUTO, ON or OFF")
  set_property(CACHE ${var} PROPERTY STRINGS AUTO ON OFF)
  string(TOUPPER "${${var}}" _mode)
  if(NOT _mode MATCHES "^(AUTO|ON|OFF)$")
    message(FATAL_ERROR "nnbench: ${var} is '${${var}}'; expected AUTO, ON or OFF")
  endif()
  set(${var}_MODE "${_mode}" PARENT_SCOPE)
endfunction()
