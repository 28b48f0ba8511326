// Image folders (see image_folder.hpp). The folder is listed and the selection fixed first, so the
// whole batch is one allocation whose slots the decoders fill in parallel; normalisation goes
// through a 256-entry table per channel computed with torchvision's float32 arithmetic
// ((v / 255 - mean) / std), so a decoded pixel gets exactly the value ToTensor + Normalize give.
#include "nnbench/engine/data/image_folder.hpp"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#ifdef NNBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

namespace fs = std::filesystem;

#ifdef NNBENCH_WITH_OPENCV
namespace {

constexpr std::string_view kImageExtensions = ".jpg, .jpeg or .png (any case)";

bool is_hidden(const fs::path& path) { return path.filename().string().starts_with('.'); }

bool has_image_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".jpg" || extension == ".jpeg" || extension == ".png";
}

// The entries of `dir` that pass `keep`, sorted by name. A directory that cannot be listed
// (permissions) is an InputError naming it.
template <typename Keep>
std::vector<fs::path> list_sorted(const fs::path& dir, Keep keep) {
  std::vector<fs::path> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!is_hidden(it->path()) && keep(*it)) entries.push_back(it->path());
  }
  if (ec)
    throw InputError(fmt::format("{}: cannot list the directory: {}", dir.string(), ec.message()));
  std::sort(entries.begin(), entries.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return entries;
}

// How many of each class's images to take: round-robin over the classes (first image of each,
// then second of each, ...) until `limit` images are taken; all of them when limit is 0.
std::vector<std::size_t> round_robin_counts(const std::vector<std::vector<fs::path>>& per_class,
                                            std::int64_t limit) {
  std::vector<std::size_t> counts(per_class.size(), 0);
  std::size_t total = 0;
  for (const auto& images : per_class) total += images.size();
  const std::size_t wanted = limit == 0 ? total : std::min(total, static_cast<std::size_t>(limit));
  std::size_t taken = 0;
  for (std::size_t round = 0; taken < wanted; ++round) {
    for (std::size_t c = 0; c < per_class.size() && taken < wanted; ++c) {
      if (round < per_class[c].size()) {
        ++counts[c];
        ++taken;
      }
    }
  }
  return counts;
}

// value_table[c][v]: the normalised value of 8-bit value v in RGB channel c.
using ValueTable = std::array<std::array<float, 256>, 3>;

ValueTable make_value_table() {
  ValueTable table{};
  for (std::size_t c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      table[c][v] = (static_cast<float>(v) / 255.0F - kImageNetMean[c]) / kImageNetStd[c];
    }
  }
  return table;
}

// Decodes `path` and writes its 3 x size x size planes (RGB) to `out`. Throws InputError naming
// the file when OpenCV cannot decode it.
void decode_into(const fs::path& path, int size, int resize_short, const ValueTable& table,
                 float* out) {
  cv::Mat bgr;
  try {
    bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception& error) {
    throw InputError(
        fmt::format("{}: OpenCV cannot decode the image: {}", path.string(), error.what()));
  }
  if (bgr.empty()) {
    throw InputError(
        fmt::format("{}: OpenCV cannot decode the image (corrupt, truncated or not "
                    "really a JPEG/PNG file)",
                    path.string()));
  }
  // torchvision's Resize(int): the shorter side becomes resize_short, the longer one
  // int(resize_short * long / short), truncated.
  const int rows = bgr.rows;
  const int cols = bgr.cols;
  const auto scaled_long = [resize_short](int long_side, int short_side) {
    return static_cast<int>(static_cast<double>(resize_short) * long_side / short_side);
  };
  const int new_cols = cols <= rows ? resize_short : scaled_long(cols, rows);
  const int new_rows = cols <= rows ? scaled_long(rows, cols) : resize_short;
  cv::Mat resized = bgr;
  if (new_rows != rows || new_cols != cols) {
    cv::resize(bgr, resized, cv::Size(new_cols, new_rows), 0.0, 0.0, cv::INTER_LINEAR);
  }
  // torchvision's CenterCrop: offsets int(round((side - size) / 2.0)), Python's round (half to
  // even), which std::nearbyint does in the default rounding mode.
  const int top = static_cast<int>(std::nearbyint((new_rows - size) / 2.0));
  const int left = static_cast<int>(std::nearbyint((new_cols - size) / 2.0));
  const cv::Mat crop = resized(cv::Rect(left, top, size, size));
  const std::size_t plane = static_cast<std::size_t>(size) * static_cast<std::size_t>(size);
  for (int y = 0; y < size; ++y) {
    const std::uint8_t* row = crop.ptr<std::uint8_t>(y);
    float* red = out + static_cast<std::size_t>(y) * static_cast<std::size_t>(size);
    float* green = red + plane;
    float* blue = green + plane;
    for (int x = 0; x < size; ++x) {
      blue[x] = table[2][row[3 * x]];
      green[x] = table[1][row[3 * x + 1]];
      red[x] = table[0][row[3 * x + 2]];
    }
  }
}

}  // namespace
#endif  // NNBENCH_WITH_OPENCV

bool image_folder_supported() {
#ifdef NNBENCH_WITH_OPENCV
  return true;
#else
  return false;
#endif
}

namespace {

// The folder named must exist and be a directory, whatever this build can decode.
void check_is_directory(const fs::path& root) {
  std::error_code ec;
  const auto root_status = fs::status(root, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw InputError(
        fmt::format("image folder {} cannot be read: {}", root.string(), ec.message()));
  }
  if (!fs::exists(root_status)) {
    throw InputError(fmt::format("image folder {} does not exist", root.string()));
  }
  if (!fs::is_directory(root_status)) {
    throw InputError(fmt::format("image folder {} is not a directory", root.string()));
  }
}

}  // namespace

ImageFolder load_image_folder(const fs::path& root, const ImageFolderOptions& options) {
  check_is_directory(root);
#ifndef NNBENCH_WITH_OPENCV
  (void)options;
  // The user asked for real images: a build that cannot decode them stops the run (not a row
  // marked unavailable and an exit status of 0).
  throw InputError(fmt::format(
      "{}: cannot load the image folder: this nnbench was built without OpenCV (libopencv-dev); "
      "rebuild with it to use an image folder (install libopencv-core-dev libopencv-imgproc-dev "
      "libopencv-imgcodecs-dev, e.g. with scripts/setup-deps, and configure with "
      "-DNNBENCH_OPENCV=ON)",
      root.string()));
#else
  // Sides beyond this cannot be cropped from an OpenCV image (int sizes), and would not fit anyway.
  constexpr std::int64_t kMaxImageSize = 1 << 15;
  if (options.image_size < 1 || options.image_size > kMaxImageSize) {
    throw InputError(fmt::format("{}: image size {} is not in 1..{}", root.string(),
                                 options.image_size, kMaxImageSize));
  }
  if (options.limit < 0) {
    throw InputError(fmt::format("{}: image limit {} is negative (0 means all images)",
                                 root.string(), options.limit));
  }

  ImageFolder folder;
  const std::vector<fs::path> class_dirs =
      list_sorted(root, [](const fs::directory_entry& entry) { return entry.is_directory(); });
  if (class_dirs.empty()) {
    throw InputError(
        fmt::format("image folder {} has no class subfolders; expected "
                    "<root>/<class>/<image> with images ending in {}",
                    root.string(), kImageExtensions));
  }
  std::vector<std::vector<fs::path>> per_class;
  for (const fs::path& dir : class_dirs) {
    folder.classes.push_back(dir.filename().string());
    per_class.push_back(list_sorted(dir, [](const fs::directory_entry& entry) {
      return entry.is_regular_file() && has_image_extension(entry.path());
    }));
  }
  const std::vector<std::size_t> counts = round_robin_counts(per_class, options.limit);
  std::vector<std::int64_t> labels;
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    for (std::size_t i = 0; i < counts[c]; ++i) {
      folder.files.push_back(per_class[c][i]);
      labels.push_back(static_cast<std::int64_t>(c));
    }
  }
  if (folder.files.empty()) {
    throw InputError(
        fmt::format("image folder {} has {} class subfolders but no images in any "
                    "of them (images end in {})",
                    root.string(), class_dirs.size(), kImageExtensions));
  }

  const auto n = static_cast<std::int64_t>(folder.files.size());
  const std::int64_t size = options.image_size;
  folder.pinned = options.pin_memory && torch::cuda::is_available();
  folder.images =
      torch::empty({n, 3, size, size},
                   torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(folder.pinned));
  folder.labels = torch::tensor(labels, torch::kInt64);

  const ValueTable table = make_value_table();
  // Same rounding as torchvision's transforms.Resize(round(size * 256 / 224)).
  const int resize_short = static_cast<int>(std::lround(static_cast<double>(size) * 256.0 / 224.0));
  float* const base = folder.images.data_ptr<float>();
  const std::int64_t image_floats = 3 * size * size;
  // One message slot per image: after the parallel loop the first failing file (in order) is
  // reported, whichever thread met it. Once a file fails, the others stop early.
  std::vector<std::string> errors(folder.files.size());
  std::atomic<bool> failed{false};
  at::parallel_for(0, n, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end && !failed.load(std::memory_order_relaxed); ++i) {
      try {
        decode_into(folder.files[static_cast<std::size_t>(i)], static_cast<int>(size), resize_short,
                    table, base + i * image_floats);
      } catch (const InputError& error) {
        errors[static_cast<std::size_t>(i)] = error.what();
        failed.store(true, std::memory_order_relaxed);
      } catch (const std::exception& error) {  // e.g. cv::Exception from resizing, bad_alloc
        errors[static_cast<std::size_t>(i)] =
            fmt::format("{}: {}", folder.files[static_cast<std::size_t>(i)].string(), error.what());
        failed.store(true, std::memory_order_relaxed);
      }
    }
  });
  if (failed.load()) {
    const auto first = std::find_if(errors.begin(), errors.end(),
                                    [](const std::string& message) { return !message.empty(); });
    throw InputError(*first);
  }
  return folder;
#endif
}

}  // namespace nnbench::engine
