#include "storage/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/failpoint.h"

namespace hpsweep {
namespace {

// Messages may hold anything; tabs and newlines would break the line format.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char next = text[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next;
  }
  return out;
}

}  // namespace

JournalWriter::JournalWriter(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path_ + ": cannot open the journal: " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
  ::close(fd_);
}

void JournalWriter::append(const JournalRecord& r) {
  const std::string line = "end\t" + std::to_string(r.trial_id) + "\t" + status_name(r.status) +
                           "\t" + std::to_string(r.epoch) + "\t" + escape(r.message) + "\n";
  failpoint("journal-append");  // the trial ended, but no line says so
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    throw Error(path_ + ": cannot append to the journal: " + std::strerror(errno));
}

std::vector<JournalRecord> read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<JournalRecord> records;
  if (!in) return records;
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t start = 0;
  int line_number = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    ++line_number;
    std::istringstream line(text.substr(start, end - start));
    std::string kind, id, status, epoch, message;
    std::getline(line, kind, '\t');
    std::getline(line, id, '\t');
    std::getline(line, status, '\t');
    std::getline(line, epoch, '\t');
    std::getline(line, message);
    try {
      if (kind != "end") throw std::invalid_argument("unknown record '" + kind + "'");
      records.push_back(
          {std::stoll(id), parse_status(status), std::stoll(epoch), unescape(message)});
    } catch (const std::exception& e) {
      throw UserError(path + ":" + std::to_string(line_number) + ": not a journal line (" +
                      e.what() + ")");
    }
  }
  return records;  // a last line without its newline was cut by a kill: ignored
}

}  // namespace hpsweep
