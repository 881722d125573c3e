#include "worker/command_state.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace hpsweep {
namespace {

constexpr const char* kPrefix = "state:";

std::string escaped(const std::string& path) {
  std::string out;
  for (char c : path) out += c == '%' ? "%25" : c == '/' ? "%2F" : std::string(1, c);
  return out;
}

std::string unescaped(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, 3, "%25") == 0 || name.compare(i, 3, "%2F") == 0) {
      out += name[i + 2] == '5' ? '%' : '/';
      i += 2;
    } else {
      out += name[i];
    }
  }
  return out;
}

}  // namespace

std::vector<NamedTensor> pack_folder(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::recursive_directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<NamedTensor> tensors;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    if (!in && !in.eof()) throw Error(file.string() + ": cannot read the program's state");
    const uint64_t size = bytes.size();
    Tensor t({static_cast<int64_t>(2 + (size + 3) / 4)});  // zero-filled
    std::memcpy(t.data(), &size, sizeof size);
    if (size) std::memcpy(t.data() + 2, bytes.data(), size);
    tensors.push_back({kPrefix + escaped(fs::relative(file, folder).string()), std::move(t)});
  }
  return tensors;
}

void unpack_folder(const std::vector<NamedTensor>& tensors, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  for (const NamedTensor& t : tensors) {
    if (t.name.rfind(kPrefix, 0) != 0 || t.tensor.size() < 2) continue;
    uint64_t size = 0;
    std::memcpy(&size, t.tensor.data(), sizeof size);
    if (size > 4 * static_cast<uint64_t>(t.tensor.size() - 2))
      throw Error("the checkpoint's tensor " + t.name + " is not a packed file");
    const std::filesystem::path file = folder / unescaped(t.name.substr(std::strlen(kPrefix)));
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(t.tensor.data() + 2),
              static_cast<std::streamsize>(size));
    if (!out) throw Error(file.string() + ": cannot write the program's state");
  }
}

}  // namespace hpsweep
