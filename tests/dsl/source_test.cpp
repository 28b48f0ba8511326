// SourceFile::read on bad paths: a FIFO, a directory, a device, an oversize file each fail at
// once with one message naming the path; a file starting with a UTF-8 byte order mark compiles.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "dsl_test_util.hpp"
#include "nnbench/dsl/source.hpp"

namespace nnbench::dsl {
namespace {

namespace fs = std::filesystem;

// Each test gets an empty directory of its own, removed afterwards.
class SourceRead : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "nnbench_dsl_source_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // The message of the InputError that read(path) throws ("" when it throws none).
  static std::string input_error(const std::string& path) {
    try {
      SourceFile::read(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(SourceRead, FailsAtOnce_WhenThePathIsAFifo) {
  const std::string fifo = (dir_ / "model.nn").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // read() runs on a thread so a regression (a read that waits for a writer) fails this test
  // after 5 s instead of hanging the suite; the writer opened below then lets it go.
  std::promise<std::string> message;
  std::future<std::string> result = message.get_future();
  std::thread reader([&] { message.set_value(input_error(fifo)); });
  const bool returned = result.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  if (!returned) {
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
  }
  reader.join();
  ASSERT_TRUE(returned) << "SourceFile::read blocked on a FIFO";
  EXPECT_EQ(result.get(),
            "'" + fifo + "' is not a regular file (a FIFO, device or socket); give a model file");
}

TEST_F(SourceRead, SaysDirectory_WhenThePathIsADirectory) {
  EXPECT_EQ(input_error(dir_.string()), "'" + dir_.string() + "' is a directory, not a model file");
  EXPECT_THROW(compile_file((dir_ / "models.nn").string()), IoError);  // missing: not a directory
  fs::create_directory(dir_ / "models.nn");
  EXPECT_THROW(compile_file((dir_ / "models.nn").string()), InputError);
}

TEST_F(SourceRead, FailsAtOnce_WhenThePathIsADeviceWithoutEnd) {
  EXPECT_EQ(input_error("/dev/zero"),
            "'/dev/zero' is not a regular file (a FIFO, device or socket); give a model file");
}

TEST_F(SourceRead, NamesSizeAndLimit_WhenTheFileIsTooLarge) {
  const fs::path big = dir_ / "big.nn";
  std::ofstream(big) << "# a model\n";
  fs::resize_file(big, SourceFile::kMaxBytes + 512 * 1024);  // sparse: no 16 MiB written
  EXPECT_EQ(input_error(big.string()), "model file '" + big.string() +
                                           "' is 16.5 MiB (17301504 bytes), over the 16 MiB "
                                           "limit for a model file");
  fs::resize_file(big, SourceFile::kMaxBytes);  // exactly at the limit: read
  EXPECT_EQ(SourceFile::read(big.string()).text().size(), SourceFile::kMaxBytes);
}

TEST_F(SourceRead, CompilesWithLine1Columns_WhenTheFileStartsWithAByteOrderMark) {
  const fs::path path = dir_ / "bom.nn";
  const std::string model = testing::network_text("(4,)", "    Dense(2)");
  std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF" << model;
  const SourceFile file = SourceFile::read(path.string());
  EXPECT_EQ(file.text(), model);
  EXPECT_EQ(compile(file).front().name, "T");
  // An error on line 1 is at the column the editor shows, the mark not counted.
  EXPECT_EQ(testing::compile_errors("\xEF\xBB\xBFnetwork $ {"),
            "test.nn:1:9: error: unexpected character '$'\nnetwork $ {\n        ^\n");
}

}  // namespace
}  // namespace nnbench::dsl
