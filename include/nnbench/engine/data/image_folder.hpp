// An ImageNet-style image folder (root/<class>/<image>.{jpg,jpeg,png}) decoded with OpenCV into
// one normalised float tensor, with torchvision's evaluation transform (resize the shorter side to
// S*256/224, centre-crop S x S, ImageNet mean/std). Built without OpenCV, loading throws
// InputError (the run stops); image_folder_supported() tells beforehand.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace nnbench::engine {

// ImageNet's per-channel statistics (RGB, on the [0,1] scale), as torchvision's models use them.
inline constexpr std::array<float, 3> kImageNetMean = {0.485F, 0.456F, 0.406F};
inline constexpr std::array<float, 3> kImageNetStd = {0.229F, 0.224F, 0.225F};

struct ImageFolderOptions {
  // Side of the square crop fed to the model, in pixels; >= 1.
  std::int64_t image_size = 224;
  // At most this many images (0: all; >= 0), taken round-robin over the classes in sorted order
  // (each class's first image, then each class's second, ...) so that a small limit still covers
  // the classes.
  std::int64_t limit = 0;
  // Allocate the batch in pinned (page-locked) host memory for fast copies to a GPU. Honoured only
  // where LibTorch sees CUDA; elsewhere the batch stays pageable and ImageFolder::pinned is false.
  bool pin_memory = false;
};

struct ImageFolder {
  // N x 3 x S x S, float32, RGB, normalised with kImageNetMean/kImageNetStd; CPU, contiguous.
  torch::Tensor images;
  // N, int64: index into `classes` of the subfolder each image came from.
  torch::Tensor labels;
  // The class subfolder names, sorted by name (byte order, like Python's sorted()).
  std::vector<std::string> classes;
  // The image files, in the order of `images`: by class, then by file name within a class.
  std::vector<std::filesystem::path> files;
  // Whether `images` is in pinned memory.
  bool pinned = false;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// True when this build has OpenCV (NNBENCH_WITH_OPENCV), i.e. load_image_folder can work.
bool image_folder_supported();

// Loads root/<class>/<image>: every non-hidden subfolder of `root` is a class (even one without
// images, so labels keep their meaning); its non-hidden files ending in .jpg, .jpeg or .png (any
// case) are its images, other files and nested folders are ignored. Each image is decoded with
// cv::imread (IMREAD_COLOR), turned from BGR to RGB, resized with INTER_LINEAR so its shorter
// side is round(S*256/224) (the longer side scaled and truncated, as torchvision's Resize does),
// centre-cropped to S x S (offsets rounded half to even, as torchvision's CenterCrop), divided by
// 255 and normalised, straight into its slot of one preallocated tensor. Decoding runs in
// parallel on LibTorch's intra-op threads.
// Throws InputError naming the path when image_size < 1 or limit < 0, when root is missing or not
// a directory, has no class subfolders or no images in any class, or when OpenCV cannot decode a
// file, or when built without OpenCV (after checking the folder exists). Blocking file I/O.
ImageFolder load_image_folder(const std::filesystem::path& root, const ImageFolderOptions& options);

}  // namespace nnbench::engine
