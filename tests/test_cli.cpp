// The `hpsweep` executable as a user meets it: exit codes, messages, and no output for bad
// input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

struct Result {
  int exit_code;
  std::string output;  // stdout and stderr
};

Result run(const std::string& arguments) {
  const std::string command = std::string(HPSWEEP_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(Cli, HelpForEachCommand) {
  for (const std::string command : {"--help", "run --help", "analyze --help"}) {
    const Result r = run(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find("usage: hpsweep"), std::string::npos) << r.output;
  }
  EXPECT_NE(run("run --help").output.find("--workers"), std::string::npos);
  EXPECT_NE(run("analyze --help").output.find("--format"), std::string::npos);
}

TEST(Cli, BadSpecExitsTwoAndWritesNothing) {
  TempDir dir;
  const auto spec = dir / "bad.yaml";
  std::ofstream(spec) << "method: grid\ntraining: {lr: -1}\n";
  const Result r = run("run " + spec.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "hpsweep: error: " + spec.string() + ":2:16: training.lr: must be > 0, got -1\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("run").exit_code, 2);
  EXPECT_EQ(run("analyze /nonexistent").exit_code, 2);
  TempDir dir;
  EXPECT_EQ(run("analyze " + dir.path().string()).output,
            "hpsweep: error: " + (dir / "sweep.h5").string() + ": no such file (is this a sweep's --out folder?)\n");
}

TEST(Cli, RunThenAnalyzeAsTextAndCsv) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 100, 1);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << "name: cli\nmethod: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\nmodel: {width: 16}\ntraining: {epochs: 2, batch_size: 30}\nparameters:\n"
                      << "  training.lr: {values: [0.1, 0.3]}\n";
  const std::string out = (dir / "out").string();
  const Result ran = run("run " + spec.string() + " --out " + out + " --workers 2");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("finished after"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("2 completed"), std::string::npos) << ran.output;

  const Result text = run("analyze " + out);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find("best trial: "), std::string::npos) << text.output;
  const Result csv = run("analyze " + out + " --format csv");
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.output.substr(0, csv.output.find('\n')),
            "trial,status,training.lr,epochs,train_error,test_error,gap,best_test_error,best_epoch,diagnosis");
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'), 3);

  const Result again = run("run " + spec.string() + " --out " + out);
  EXPECT_EQ(again.exit_code, 2) << "an existing sweep is never overwritten";
}

}  // namespace
}  // namespace hpsweep::testing
