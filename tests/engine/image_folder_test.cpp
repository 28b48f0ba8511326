// Image folders: small PNG and JPEG files written here with OpenCV load with the right shapes,
// labels and class order; constant-colour and striped PNGs prove RGB order, normalisation and
// where the centre crop lands; the limit takes images round-robin over classes; every defect is an
// error naming the path. Built without OpenCV, only the "unavailable" behaviour is tested.
#include "nnbench/engine/data/image_folder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#ifdef NNBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <torch/cuda.h>

#include "expect_input_error.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;
using testing::expect_input_error;

#ifdef NNBENCH_WITH_OPENCV

// The value load_image_folder gives 8-bit value `v` of RGB channel `channel`, computed the way
// torchvision's ToTensor + Normalize do (float32).
float normalised(int v, int channel) {
  return (static_cast<float>(v) / 255.0F - kImageNetMean[channel]) / kImageNetStd[channel];
}

class ImageFolderFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nnbench-images-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `image` (BGR, as OpenCV holds it) to dir_/relative, creating the class folder.
  void write_image(const fs::path& relative, const cv::Mat& image) {
    const fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    ASSERT_TRUE(cv::imwrite(path.string(), image)) << path;
  }

  void write_text(const fs::path& relative, const std::string& text) {
    const fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // A rows x cols image of one colour, given as RGB.
  static cv::Mat solid(int rows, int cols, int red, int green, int blue) {
    return cv::Mat(rows, cols, CV_8UC3, cv::Scalar(blue, green, red));
  }

  fs::path dir_;
};

TEST_F(ImageFolderFiles, ImageFolderSupported_IsTrue_WhenBuiltWithOpenCV) {
  EXPECT_TRUE(image_folder_supported());
}

TEST_F(ImageFolderFiles, LoadImageFolder_ReadsShapesLabelsAndSortedClasses_WhenPngAndJpegMix) {
  // Classes created out of order; sizes and aspect ratios differ (wide, tall, square, tiny).
  write_image("dog/b.png", solid(40, 30, 200, 10, 10));
  write_image("dog/a.JPG", solid(25, 60, 10, 200, 10));
  write_image("ant/x.jpeg", solid(64, 64, 10, 10, 200));
  write_image("cat/only.Png", solid(3, 5, 90, 90, 90));
  write_image("ant/y.png", solid(200, 120, 1, 2, 3));
  // Ignored: other extensions, hidden files and folders, files at the root, nested folders.
  write_text("ant/notes.txt", "not an image");
  write_image("ant/.hidden.png", solid(8, 8, 0, 0, 0));
  write_image(".cache/z.png", solid(8, 8, 0, 0, 0));
  write_image("loose.png", solid(8, 8, 0, 0, 0));
  write_image("cat/nested/deep.png", solid(8, 8, 0, 0, 0));

  ImageFolderOptions options;
  options.image_size = 16;
  const ImageFolder folder = load_image_folder(dir_, options);
  EXPECT_EQ(folder.classes, (std::vector<std::string>{"ant", "cat", "dog"}));
  EXPECT_EQ(folder.files,
            (std::vector<fs::path>{dir_ / "ant/x.jpeg", dir_ / "ant/y.png", dir_ / "cat/only.Png",
                                   dir_ / "dog/a.JPG", dir_ / "dog/b.png"}));
  EXPECT_EQ(folder.size(), 5);
  EXPECT_EQ(folder.images.sizes(), (std::vector<std::int64_t>{5, 3, 16, 16}));
  EXPECT_EQ(folder.images.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(folder.images.is_contiguous());
  EXPECT_EQ(folder.labels.scalar_type(), torch::kInt64);
  EXPECT_TRUE(torch::equal(folder.labels, torch::tensor({0, 0, 1, 2, 2}, torch::kInt64)));
  EXPECT_FALSE(folder.pinned);
  // The lossless files are one colour throughout, whatever the resizing did.
  EXPECT_TRUE(torch::allclose(folder.images[1][2], torch::full({16, 16}, normalised(3, 2))));
  EXPECT_TRUE(torch::allclose(folder.images[4][0], torch::full({16, 16}, normalised(200, 0))));
}

TEST_F(ImageFolderFiles, LoadImageFolder_GivesExactNormalisedRgb_WhenPngIsOneColour) {
  write_image("red/r.png", solid(30, 50, 255, 0, 0));
  write_image("mixed/m.png", solid(50, 30, 10, 200, 77));
  ImageFolderOptions options;
  options.image_size = 24;
  const ImageFolder folder = load_image_folder(dir_, options);
  ASSERT_EQ(folder.classes, (std::vector<std::string>{"mixed", "red"}));
  const torch::Tensor mixed = folder.images[0];
  const torch::Tensor red = folder.images[1];
  // Pure red: channel 0 is (1 - 0.485) / 0.229, the others the normalised zero (negative).
  EXPECT_FLOAT_EQ(red[0][0][0].item<float>(), (1.0F - 0.485F) / 0.229F);
  EXPECT_FLOAT_EQ(red[1][0][0].item<float>(), (0.0F - 0.456F) / 0.224F);
  EXPECT_FLOAT_EQ(red[2][0][0].item<float>(), (0.0F - 0.406F) / 0.225F);
  EXPECT_LT(red[1][0][0].item<float>(), 0.0F);
  EXPECT_LT(red[2][0][0].item<float>(), 0.0F);
  for (int channel = 0; channel < 3; ++channel) {
    const int values_red[3] = {255, 0, 0};
    const int values_mixed[3] = {10, 200, 77};
    EXPECT_TRUE(
        torch::equal(red[channel], torch::full({24, 24}, normalised(values_red[channel], channel))))
        << "channel " << channel;
    EXPECT_TRUE(torch::equal(mixed[channel],
                             torch::full({24, 24}, normalised(values_mixed[channel], channel))))
        << "channel " << channel;
  }
}

TEST_F(ImageFolderFiles, LoadImageFolder_CropsExactCentreColumns_WhenNoResizeIsNeeded) {
  // image_size 7 resizes the shorter side to round(7 * 256 / 224) = 8, which an 8 x 12 image
  // already has: the crop is taken as is, from column round((12 - 7) / 2) = round(2.5) = 2 (half
  // to even, as torchvision) and row round(0.5) = 0. Column x has grey value 10 * x.
  cv::Mat columns(8, 12, CV_8UC3);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 12; ++x) columns.at<cv::Vec3b>(y, x) = cv::Vec3b::all(10 * x + y);
  }
  write_image("grey/columns.png", columns);
  ImageFolderOptions options;
  options.image_size = 7;
  const ImageFolder folder = load_image_folder(dir_, options);
  const torch::Tensor first = folder.images[0];
  const auto image = first.accessor<float, 3>();
  for (int channel = 0; channel < 3; ++channel) {
    for (int y = 0; y < 7; ++y) {
      for (int x = 0; x < 7; ++x) {
        ASSERT_EQ(image[channel][y][x], normalised(10 * (x + 2) + y, channel))
            << "channel " << channel << " row " << y << " column " << x;
      }
    }
  }
}

TEST_F(ImageFolderFiles, LoadImageFolder_CropsTheCentre_WhenBorderHasAnotherColour) {
  // Wide and tall images: a green centre band between blue (left/top) and red (right/bottom)
  // borders. After resizing the shorter side to 37 and cropping 32 x 32 from the middle, only
  // green is left; a crop off-centre would take in a border colour.
  cv::Mat wide = solid(60, 100, 0, 255, 0);
  wide.colRange(0, 15).setTo(cv::Scalar(255, 0, 0));
  wide.colRange(85, 100).setTo(cv::Scalar(0, 0, 255));
  cv::Mat tall = solid(100, 60, 0, 255, 0);
  tall.rowRange(0, 15).setTo(cv::Scalar(255, 0, 0));
  tall.rowRange(85, 100).setTo(cv::Scalar(0, 0, 255));
  write_image("shapes/tall.png", tall);
  write_image("shapes/wide.png", wide);
  ImageFolderOptions options;
  options.image_size = 32;
  const ImageFolder folder = load_image_folder(dir_, options);
  ASSERT_EQ(folder.size(), 2);
  for (std::int64_t i = 0; i < 2; ++i) {
    const torch::Tensor image = folder.images[i];
    EXPECT_TRUE(torch::equal(image[0], torch::full({32, 32}, normalised(0, 0)))) << i;
    EXPECT_TRUE(torch::equal(image[1], torch::full({32, 32}, normalised(255, 1)))) << i;
    EXPECT_TRUE(torch::equal(image[2], torch::full({32, 32}, normalised(0, 2)))) << i;
  }
}

TEST_F(ImageFolderFiles, LoadImageFolder_TakesRoundRobinOverClasses_WhenLimitIsSet) {
  for (const char* name : {"a/0.png", "a/1.png", "a/2.png", "b/0.png", "c/0.png", "c/1.png"}) {
    write_image(name, solid(4, 4, 1, 2, 3));
  }
  ImageFolderOptions options;
  options.image_size = 4;
  options.limit = 4;  // a/0, b/0, c/0, then a/1; listed by class
  ImageFolder folder = load_image_folder(dir_, options);
  EXPECT_EQ(folder.files, (std::vector<fs::path>{dir_ / "a/0.png", dir_ / "a/1.png",
                                                 dir_ / "b/0.png", dir_ / "c/0.png"}));
  EXPECT_TRUE(torch::equal(folder.labels, torch::tensor({0, 0, 1, 2}, torch::kInt64)));
  EXPECT_EQ(folder.images.size(0), 4);

  options.limit = 2;
  folder = load_image_folder(dir_, options);
  EXPECT_EQ(folder.files, (std::vector<fs::path>{dir_ / "a/0.png", dir_ / "b/0.png"}));
  EXPECT_EQ(folder.classes.size(), 3U);  // classes not sampled still keep their labels

  options.limit = 5;  // the short class b is exhausted: a/0, b/0, c/0, a/1, c/1
  folder = load_image_folder(dir_, options);
  EXPECT_TRUE(torch::equal(folder.labels, torch::tensor({0, 0, 1, 2, 2}, torch::kInt64)));

  options.limit = 100;
  EXPECT_EQ(load_image_folder(dir_, options).size(), 6);
  options.limit = 0;
  EXPECT_EQ(load_image_folder(dir_, options).size(), 6);
}

TEST_F(ImageFolderFiles, LoadImageFolder_PinsOnlyWhereCudaIsAvailable_WhenPinMemoryIsAsked) {
  write_image("a/0.png", solid(4, 4, 1, 2, 3));
  ImageFolderOptions options;
  options.image_size = 4;
  options.pin_memory = true;
  const ImageFolder folder = load_image_folder(dir_, options);
  EXPECT_EQ(folder.pinned, torch::cuda::is_available());
  if (folder.pinned) {
    EXPECT_TRUE(folder.images.is_pinned());
  }
}

TEST_F(ImageFolderFiles, LoadImageFolder_ThrowsNamingRoot_WhenRootIsMissingOrAFile) {
  const fs::path missing = dir_ / "absent";
  expect_input_error([&] { load_image_folder(missing, {}); }, {missing.string(), "does not exist"});
  write_text("file.txt", "x");
  expect_input_error([&] { load_image_folder(dir_ / "file.txt", {}); },
                     {(dir_ / "file.txt").string(), "is not a directory"});
}

TEST_F(ImageFolderFiles, LoadImageFolder_ThrowsNoClassSubfolders_WhenRootHoldsOnlyFiles) {
  write_image("loose.png", solid(4, 4, 1, 2, 3));
  write_image(".hidden/a.png", solid(4, 4, 1, 2, 3));
  expect_input_error([&] { load_image_folder(dir_, {}); },
                     {dir_.string(), "has no class subfolders", "<root>/<class>/<image>"});
}

TEST_F(ImageFolderFiles, LoadImageFolder_ThrowsNoImages_WhenClassFoldersHoldNoImages) {
  write_text("a/readme.txt", "x");
  write_text("b/image.gif", "x");
  fs::create_directories(dir_ / "c");
  expect_input_error([&] { load_image_folder(dir_, {}); },
                     {dir_.string(), "3 class subfolders but no images", ".jpg, .jpeg or .png"});
}

TEST_F(ImageFolderFiles, LoadImageFolder_ThrowsNamingTheFile_WhenOpenCVCannotDecodeIt) {
  write_image("a/good.png", solid(4, 4, 1, 2, 3));
  write_text("b/broken.jpg", "this is not a JPEG");
  const fs::path broken = dir_ / "b/broken.jpg";
  expect_input_error([&] { load_image_folder(dir_, {}); },
                     {broken.string() + ": OpenCV cannot decode the image"});
}

TEST_F(ImageFolderFiles, LoadImageFolder_ThrowsNamingRoot_WhenImageSizeOrLimitIsInvalid) {
  write_image("a/good.png", solid(4, 4, 1, 2, 3));
  ImageFolderOptions options;
  options.image_size = 0;
  expect_input_error([&] { load_image_folder(dir_, options); },
                     {dir_.string(), "image size 0 is not in 1.."});
  options.image_size = 8;
  options.limit = -1;
  expect_input_error([&] { load_image_folder(dir_, options); },
                     {dir_.string(), "image limit -1 is negative"});
}

#else  // built without OpenCV

// A folder of this test's own, removed afterwards.
fs::path fresh_folder(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("nnbench-images-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ImageFolderUnavailable, LoadImageFolder_StopsTheRun_WhenBuiltWithoutOpenCV) {
  EXPECT_FALSE(image_folder_supported());
  const fs::path root = fresh_folder("no-opencv");
  expect_input_error([&] { load_image_folder(root, {}); },
                     {root.string(), "built without OpenCV (libopencv-dev)"});
  fs::remove_all(root);
}

TEST(ImageFolderUnavailable, MissingFolder_IsNamed_EvenWithoutOpenCV) {
  const fs::path missing = fs::temp_directory_path() / "nnbench-images-that-do-not-exist";
  expect_input_error([&] { load_image_folder(missing, {}); }, {missing.string(), "does not exist"});
}

#endif

}  // namespace
}  // namespace nnbench::engine
