// The small defects of issue 17, item 9, as a user meets them through the binary: each is one
// clear error naming the file (and line and field), exit 2.
#include <gtest/gtest.h>

#include <fstream>

#include "storage/hdf5_util.h"
#include "storage/journal.h"
#include "support/shell.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

CommandResult run(const std::string& arguments) {
  return run_shell(std::string(HPSWEEP_BINARY) + " " + arguments);
}

constexpr const char* kSimulated =
    "name: s\nmethod: grid\nmodel: {type: simulated}\nsimulated: {epoch_seconds: 0}\n"
    "training: {epochs: 2}\nparameters:\n  training.lr: {values: [0.1, 0.9]}\n";

TEST(SmallErrors, EmptySpecFileOrADirectory) {
  TempDir dir;
  std::ofstream(dir / "empty.yaml");
  const std::string out = " --out " + (dir / "out").string();
  CommandResult r = run("run " + (dir / "empty.yaml").string() + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "hpsweep: error: " + (dir / "empty.yaml").string() +
                          ": empty file (a spec is a YAML mapping: name:, method:, parameters:, "
                          "...)\n");
  r = run("run " + dir.path().string() + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "hpsweep: error: " + dir.path().string() + ": is a directory, not a spec file\n");
}

TEST(SmallErrors, ASecondYamlDocumentIsNamed) {
  TempDir dir;
  std::ofstream(dir / "two.yaml") << kSimulated << "---\nmethod: random\n";
  const CommandResult r =
      run("run " + (dir / "two.yaml").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "hpsweep: error: " + (dir / "two.yaml").string() +
                          ":9:1: a second YAML document; a spec is one document (remove the "
                          "`---` or `...` before this line)\n");
}

TEST(SmallErrors, NegativeWorkers) {
  TempDir dir;
  std::ofstream(dir / "s.yaml") << kSimulated;
  const CommandResult r = run("run " + (dir / "s.yaml").string() + " --out " +
                              (dir / "out").string() + " --workers -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "hpsweep: error: --workers: expected 0 (one per core) or a number of threads, got "
            "-1\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(SmallErrors, RestartTwiceInOneSecond) {
  TempDir dir;
  std::ofstream(dir / "s.yaml") << kSimulated;
  const std::string command =
      "run " + (dir / "s.yaml").string() + " --out " + (dir / "out").string() + " --restart";
  for (int i = 0; i < 3; ++i) {
    const CommandResult r = run(command);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  int moved = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    moved += entry.path().filename().string().rfind("out.old-", 0) == 0;
  EXPECT_EQ(moved, 2);
}

TEST(SmallErrors, AnalyzeOfAnUnknownMetric) {
  TempDir dir;
  std::ofstream(dir / "s.yaml") << kSimulated;
  const std::string out = (dir / "out").string();
  ASSERT_EQ(run("run " + (dir / "s.yaml").string() + " --out " + out).exit_code, 0);
  {
    H5::H5File file(out + "/sweep.h5", H5F_ACC_RDWR);
    file.removeAttr("metric_name");
    h5::write_attribute(file, "metric_name", std::string("XYZ"));
  }
  const CommandResult r = run("analyze " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "hpsweep: error: " + out +
                          "/sweep.h5: metric_name 'XYZ' is not a metric this hpsweep knows\n");
}

TEST(SmallErrors, JournalNumbersAreWholeFields) {
  TempDir dir;
  const std::string path = (dir / "journal.log").string();
  auto error_of = [&](const std::string& text) -> std::string {
    std::ofstream(path) << text;
    try {
      read_journal(path);
      read_scheduler_calls(path);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of("end\t0\tcompleted\t2\t\nend\tXYZ\tcompleted\t2\t\n"),
            path + ":2: not a journal line (trial: expected an integer, got 'XYZ')");
  EXPECT_EQ(error_of("end\t0\tcompleted\t2abc\t\n"),
            path + ":1: not a journal line (epoch: expected an integer, got '2abc')");
  EXPECT_EQ(error_of("report\t1\t3\t0x1p-1z\n"),
            path + ":1: not a journal line (value: expected a number, got '0x1p-1z')");
  EXPECT_EQ(error_of("copied\t1\t2\t3\nreport\t1\t3\t0x1p-1\n"), "no error");
}

}  // namespace
}  // namespace hpsweep::testing
