#include "coordinator/sweep_folder.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "common/error.h"
#include "coordinator/sweep_recovery.h"
#include "storage/run_fence.h"

namespace hpsweep {
namespace {

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  bool written = false;
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    written = static_cast<bool>(out.flush());
  }
  // A full disk is no fault of the input: exit 1 (Error), not 2.
  if (!written) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error(path.string() + ": cannot write");
  }
  std::filesystem::rename(temporary, path);
}

std::string timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
}

// `base`, or `base`-2, -3, ... when a restart in the same second took it.
std::string unused_name(const std::string& base) {
  std::string name = base;
  for (int n = 2; std::filesystem::exists(name); ++n) name = base + "-" + std::to_string(n);
  return name;
}

}  // namespace

SweepFolder open_sweep_folder(const SweepSpec& spec, const std::string& out_dir, bool restart) {
  SweepFolder folder;
  folder.dir = out_dir;
  const std::filesystem::path stored_spec = folder.dir / "spec.yaml";
  // Locked before anything is read or moved: a run still using the folder keeps it as it is.
  if (std::filesystem::is_directory(folder.dir)) folder.lock = FolderLock(folder.dir);
  const bool holds_sweep =
      std::filesystem::exists(stored_spec) || std::filesystem::exists(folder.dir / "sweep.h5");
  if (holds_sweep && restart) {
    folder.moved_aside = unused_name(out_dir + ".old-" + timestamp());
    std::filesystem::rename(folder.dir, folder.moved_aside);
  } else if (holds_sweep) {
    if (!std::filesystem::exists(stored_spec))
      throw UserError(out_dir +
                      ": holds a sweep.h5 but no spec.yaml, so it cannot be resumed; use --restart "
                      "to move it aside");
    const SweepSpec stored = load_spec_file(stored_spec.string());
    if (auto difference = describe_spec_difference(stored, spec))
      throw UserError(
          out_dir + ": holds a sweep of another spec (" + *difference +
          "); use another --out folder, or --restart to move the old results aside and start over");
    folder.resumed = true;
    folder.run_generation = advance_run_generation(out_dir);
    remove_earlier_temporaries((folder.dir / "checkpoints").string(), folder.run_generation);
    return folder;
  }
  std::error_code error;
  std::filesystem::create_directories(folder.dir / "checkpoints", error);
  if (error) throw UserError(out_dir + ": cannot create the output folder: " + error.message());
  // (After --restart, the new folder is locked before the moved one's lock is let go.)
  if (!folder.lock.held() || !folder.moved_aside.empty()) folder.lock = FolderLock(folder.dir);
  write_text_atomically(stored_spec, spec.yaml_text);
  folder.run_generation = advance_run_generation(
      out_dir, folder.moved_aside.empty() ? 0 : current_run_generation(folder.moved_aside));
  return folder;
}

}  // namespace hpsweep
