# Shared settings for every nnbench target: C++20, warnings on, and the layer's sources by glob
# (one concept per file; adding a file needs no CMake edit).
function(nnbench_warnings target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>)
endfunction()

# nnbench_layer(NAME core DEPS ...): library nnbench_<name> from src/nnbench/<name>/*.cpp, with
# *_cuda.cpp and *.cu only in the cuda build. Alias nnbench::<name>.
function(nnbench_layer)
  cmake_parse_arguments(L "" "NAME" "DEPS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/nnbench/${L_NAME}/*.cpp")
  file(GLOB _cuda_srcs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/nnbench/${L_NAME}/*_cuda.cpp"
       "${PROJECT_SOURCE_DIR}/src/nnbench/${L_NAME}/*.cu")
  if(_cuda_srcs)
    list(REMOVE_ITEM _srcs ${_cuda_srcs})
  endif()
  if(NNBENCH_CUDA)
    list(APPEND _srcs ${_cuda_srcs})
  endif()
  add_library(nnbench_${L_NAME} STATIC ${_srcs})
  add_library(nnbench::${L_NAME} ALIAS nnbench_${L_NAME})
  target_include_directories(nnbench_${L_NAME} PUBLIC "${PROJECT_SOURCE_DIR}/include"
                             PRIVATE "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(nnbench_${L_NAME} PUBLIC ${L_DEPS})
  nnbench_warnings(nnbench_${L_NAME})
  if(NNBENCH_CUDA)
    target_compile_definitions(nnbench_${L_NAME} PUBLIC NNBENCH_WITH_CUDA=1)
  endif()
endfunction()
