// A full disk in the middle of a sweep: the checkpoint write that fails leaves the previous
// checkpoint intact, the error names the file, and once there is room again the same command
// resumes. Uses a small tmpfs (needs root and permission to mount; skipped otherwise).
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <fstream>

#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

class SmallFilesystem {
 public:
  SmallFilesystem(const std::filesystem::path& where, const std::string& size) : where_(where) {
    std::filesystem::create_directories(where);
    mounted_ = mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) umount(where_.c_str());
  }
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path where_;
  bool mounted_;
};

TEST(FullDisk, AFailedCheckpointWriteKeepsThePreviousOne) {
  TempDir dir;
  SmallFilesystem disk(dir / "disk", "4m");
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (not root, or in a restricted container)";
  write_synthetic_fashion_mnist(dir / "data", 600, 100, 4);
  // 784 x 300 weights: each checkpoint holds two parameter sets, about 1.9 MB. Leave room for
  // one checkpoint but not for its replacement, which is written beside it before the rename.
  const auto spec = dir / "s.yaml";
  std::ofstream(spec)
      << "name: full\nmethod: grid\ndataset: {path: " << (dir / "data").string()
      << "}\nmodel: {width: 300, init: he}\ntraining: {epochs: 3, batch_size: 60, lr: 0.05}\n";
  const std::string out = (dir / "disk" / "out").string();
  const std::string filler = (dir / "disk" / "filler").string();
  ASSERT_EQ(run_shell("fallocate -l 1200K " + filler).exit_code, 0);

  const CommandResult full =
      run_shell(std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out);
  EXPECT_EQ(full.exit_code, 1) << full.output;
  const std::string checkpoint = checkpoint_path(out, 0);
  EXPECT_NE(full.output.find(checkpoint + ": cannot write"), std::string::npos) << full.output;
  EXPECT_EQ(read_checkpoint_file(checkpoint).epoch, 1) << "the previous checkpoint stays intact";
  EXPECT_FALSE(std::filesystem::exists(checkpoint + ".tmp"));
  EXPECT_EQ(read_sweep_file(out + "/sweep.h5").trials[0].epochs(), 1);

  std::filesystem::remove(filler);
  const CommandResult resumed =
      run_shell(std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_sweep_file(out + "/sweep.h5").trials[0].status, TrialStatus::completed);
}

}  // namespace
}  // namespace hpsweep::testing
