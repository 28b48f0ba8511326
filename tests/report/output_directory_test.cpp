// Atomic output: the partial directory, commit, unwritable roots, atomic files.
#include "nnbench/report/output_directory.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/writer.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

TEST(OutputDirectoryTest, WritesIntoPartialDirectory_UntilCommitted) {
  TempDir temp;
  OutputDirectory out(temp.path() / "results", "20261123T114002Z");
  EXPECT_EQ(out.path(), temp.path() / "results" / ".20261123T114002Z.partial");
  EXPECT_TRUE(fs::is_directory(out.path()));
  EXPECT_FALSE(fs::exists(out.final_path()));
  EXPECT_FALSE(out.committed());

  write_file_atomically(out.path() / "a.json", "{}");
  EXPECT_FALSE(fs::exists(out.final_path() / "a.json"));

  const fs::path final_path = out.commit();
  EXPECT_EQ(final_path, temp.path() / "results" / "20261123T114002Z");
  EXPECT_TRUE(out.committed());
  EXPECT_EQ(out.path(), final_path);
  EXPECT_EQ(test::read_text(final_path / "a.json"), "{}");
  EXPECT_FALSE(fs::exists(out.partial_path()));
  EXPECT_THROW(out.commit(), std::logic_error);
}

TEST(OutputDirectoryTest, LeavesOnlyPartialDirectory_WhenRunFailsBeforeCommit) {
  TempDir temp;
  try {
    OutputDirectory out(temp.path(), "run1");
    write_all({test::ok_result("mock", {{"batch_size", "1"}}, {1.0, 1.1, 1.2})},
              test::sample_run_info(), out.path());
    throw std::runtime_error("benchmark crashed");
  } catch (const std::runtime_error&) {
  }
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(temp.path())) {
    entries.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(entries, std::vector<std::string>{".run1.partial"});
  // Nothing that reads runs mistakes the partial directory's parent for a complete run.
  EXPECT_THROW(read_result_directory(temp.path()), InputError);
}

TEST(OutputDirectoryTest, ThrowsIoErrorNamingPathAndOsError_WhenRootCannotBeCreated) {
  TempDir temp;
  test::write_text(temp.path() / "a_file", "not a directory");
  const fs::path root = temp.path() / "a_file" / "results";
  try {
    OutputDirectory out(root, "run1");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(root.string()), std::string::npos) << message;
    EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
  }
}

TEST(OutputDirectoryTest, ThrowsIoError_WhenFinalDirectoryAlreadyExists) {
  TempDir temp;
  fs::create_directories(temp.path() / "run1");
  EXPECT_THROW(OutputDirectory(temp.path(), "run1"), IoError);
}

TEST(OutputDirectoryTest, RejectsRunIdThatIsNotAPlainName_WhenItHasASlash) {
  TempDir temp;
  EXPECT_THROW(OutputDirectory(temp.path(), "a/b"), std::invalid_argument);
  EXPECT_THROW(OutputDirectory(temp.path(), ""), std::invalid_argument);
}

TEST(OutputDirectoryTest, StartsAfresh_WhenStalePartialDirectoryExists) {
  TempDir temp;
  fs::create_directories(temp.path() / ".run1.partial");
  test::write_text(temp.path() / ".run1.partial" / "stale.json", "{");
  OutputDirectory out(temp.path(), "run1");
  EXPECT_FALSE(fs::exists(out.path() / "stale.json"));
}

TEST(UniqueRunIdTest, AppendsCounter_WhenIdOrItsPartialDirectoryIsTaken) {
  TempDir temp;
  EXPECT_EQ(unique_run_id(temp.path(), "run"), "run");
  fs::create_directories(temp.path() / "run");
  EXPECT_EQ(unique_run_id(temp.path(), "run"), "run-2");
  fs::create_directories(temp.path() / ".run-2.partial");
  EXPECT_EQ(unique_run_id(temp.path(), "run"), "run-3");
}

TEST(WriteFileAtomicallyTest, ReplacesWholeFile_AndLeavesNoTemporaryFile) {
  TempDir temp;
  const fs::path file = temp.path() / "report.md";
  write_file_atomically(file, "first version, longer than the second");
  write_file_atomically(file, "second");
  EXPECT_EQ(test::read_text(file), "second");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(temp.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(WriteFileAtomicallyTest, ThrowsIoErrorNamingFile_WhenDirectoryIsMissing) {
  TempDir temp;
  const fs::path file = temp.path() / "missing" / "x.csv";
  try {
    write_file_atomically(file, "a,b\r\n");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("No such file or directory"), std::string::npos);
  }
}

TEST(WriteAllTest, WritesEveryFormat_IntoTheDirectory) {
  TempDir temp;
  std::vector<Result> results = {test::ok_result("mock", {{"batch_size", "1"}}, {1.0, 1.5, 2.0}),
                                 test::ok_result("matmul/large", {}, {3.0, 3.5, 4.0})};
  write_all(results, test::sample_run_info(), temp.path());
  for (const char* name :
       {"mock.json", "matmul_large.json", "summary.json", "results.csv", "report.md"}) {
    EXPECT_TRUE(fs::is_regular_file(temp.path() / name)) << name;
  }
  EXPECT_EQ(writer_names(), (std::vector<std::string>{"json", "summary", "csv", "markdown"}));
  EXPECT_EQ(make_writer("csv")->name(), "csv");
  EXPECT_THROW(make_writer("xml"), InputError);
}

}  // namespace
}  // namespace nnbench::report
