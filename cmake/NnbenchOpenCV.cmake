# Finds OpenCV's core, imgproc and imgcodecs (the image-folder loader's JPEG/PNG decoding) and
# defines the INTERFACE target nnbench_opencv when they are used. NNBENCH_OPENCV:
#   AUTO (default) use them if found; ON: configure fails without them; OFF: never use them.
# Debian's component packages (libopencv-{core,imgproc,imgcodecs}-dev) ship headers and libraries
# but no OpenCVConfig.cmake and no opencv4.pc (both come only with the 212-package libopencv-dev),
# so where no config package is found the headers and libraries are looked up directly.
nnbench_tristate_option(NNBENCH_OPENCV "Use OpenCV for image folders")
set(_nnbench_opencv_mode "${NNBENCH_OPENCV_MODE}")

if(NOT _nnbench_opencv_mode STREQUAL "OFF")
  find_package(OpenCV 4 QUIET CONFIG COMPONENTS core imgproc imgcodecs)
  if(OpenCV_FOUND)
    add_library(nnbench_opencv INTERFACE)
    target_include_directories(nnbench_opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
    target_link_libraries(nnbench_opencv INTERFACE opencv_core opencv_imgproc opencv_imgcodecs)
    set(_nnbench_opencv_from "OpenCVConfig.cmake in ${OpenCV_DIR}")
  else()
    find_path(NNBENCH_OPENCV_INCLUDE_DIR opencv2/imgcodecs.hpp PATH_SUFFIXES opencv4)
    find_library(NNBENCH_OPENCV_CORE_LIBRARY opencv_core)
    find_library(NNBENCH_OPENCV_IMGPROC_LIBRARY opencv_imgproc)
    find_library(NNBENCH_OPENCV_IMGCODECS_LIBRARY opencv_imgcodecs)
    if(NNBENCH_OPENCV_INCLUDE_DIR AND NNBENCH_OPENCV_CORE_LIBRARY
       AND NNBENCH_OPENCV_IMGPROC_LIBRARY AND NNBENCH_OPENCV_IMGCODECS_LIBRARY)
      add_library(nnbench_opencv INTERFACE)
      target_include_directories(nnbench_opencv SYSTEM INTERFACE "${NNBENCH_OPENCV_INCLUDE_DIR}")
      target_link_libraries(nnbench_opencv INTERFACE
        "${NNBENCH_OPENCV_IMGCODECS_LIBRARY}" "${NNBENCH_OPENCV_IMGPROC_LIBRARY}"
        "${NNBENCH_OPENCV_CORE_LIBRARY}")
      set(_nnbench_opencv_from "${NNBENCH_OPENCV_INCLUDE_DIR} and ${NNBENCH_OPENCV_CORE_LIBRARY}")
    endif()
  endif()
endif()

if(TARGET nnbench_opencv)
  message(STATUS "nnbench: OpenCV for image folders from ${_nnbench_opencv_from}")
elseif(_nnbench_opencv_mode STREQUAL "ON")
  message(FATAL_ERROR "nnbench: NNBENCH_OPENCV=ON but OpenCV's core, imgproc and imgcodecs were "
                      "not found; install libopencv-core-dev libopencv-imgproc-dev "
                      "libopencv-imgcodecs-dev (scripts/setup-deps does), or configure with "
                      "-DNNBENCH_OPENCV=AUTO or OFF")
else()
  message(STATUS "nnbench: OpenCV not used (NNBENCH_OPENCV=${NNBENCH_OPENCV}); image folders "
                 "are unavailable")
endif()
