#include "storage/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
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

void JournalWriter::sync() {
  if (::fdatasync(fd_) != 0)
    throw Error(path_ + ": cannot sync the journal to disk: " + std::strerror(errno));
}

void JournalWriter::append(const JournalRecord& r) {
  write_line("end\t" + std::to_string(r.trial_id) + "\t" + status_name(r.status) + "\t" +
             std::to_string(r.epoch) + "\t" + escape(r.message) + "\n");
}

void JournalWriter::append(const SchedulerCall& c) {
  const std::string trial = std::to_string(c.trial), epoch = std::to_string(c.epoch);
  switch (c.kind) {
    case SchedulerCall::Kind::next:
      return write_line("next\t" + trial + "\n");
    case SchedulerCall::Kind::report: {
      char value[40];
      std::snprintf(value, sizeof value, "%a", c.value);  // exact: read back bit for bit
      return write_line("report\t" + trial + "\t" + epoch + "\t" + value + "\n");
    }
    case SchedulerCall::Kind::ended:
      return write_line("ended\t" + trial + "\n");
    case SchedulerCall::Kind::copied:
      return write_line("copied\t" + std::to_string(c.source) + "\t" + trial + "\t" + epoch + "\n");
  }
}

// A line is appended whole or not at all: a short write (a full disk) is cut off again, so
// the journal never holds a partial line that a later append would continue.
void JournalWriter::write_line(const std::string& line) {
  failpoint("journal-append");  // the event happened, but no line says so
  errno = 0;
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done == line.size()) return;
  const int error = errno ? errno : ENOSPC;
  struct stat status {};
  if (done > 0 && ::fstat(fd_, &status) == 0)
    (void)::ftruncate(fd_, status.st_size - static_cast<off_t>(done));
  throw Error(path_ + ": cannot append to the journal: " + std::strerror(error));
}

namespace {

// Calls `parse` with the tab-separated fields of every complete line; a last line without its
// newline was cut by a kill and is ignored. Throws UserError naming the line.
void for_each_line(const std::string& path,
                   const std::function<void(const std::vector<std::string>&)>& parse) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t start = 0;
  int line_number = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    ++line_number;
    std::vector<std::string> fields;
    std::istringstream line(text.substr(start, end - start));
    for (std::string field; std::getline(line, field, '\t');) fields.push_back(field);
    try {
      parse(fields);
    } catch (const std::exception& e) {
      throw UserError(path + ":" + std::to_string(line_number) + ": not a journal line (" +
                      e.what() + ")");
    }
  }
}

// The whole field as a number, or an error naming the field: "2abc" is not 2.
int64_t integer_field(const std::string& text, const char* field) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument(std::string(field) + ": expected an integer, got '" + text + "'");
  return value;
}

double real_field(const std::string& text, const char* field) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    throw std::invalid_argument(std::string(field) + ": expected a number, got '" + text + "'");
  return value;
}

const std::map<std::string, std::pair<SchedulerCall::Kind, size_t>> kCallKinds = {
    {"next", {SchedulerCall::Kind::next, 2}},
    {"report", {SchedulerCall::Kind::report, 4}},
    {"ended", {SchedulerCall::Kind::ended, 2}},
    {"copied", {SchedulerCall::Kind::copied, 4}}};

}  // namespace

std::vector<JournalRecord> read_journal(const std::string& path) {
  std::vector<JournalRecord> records;
  for_each_line(path, [&](const std::vector<std::string>& f) {
    if (!f.empty() && kCallKinds.count(f[0])) return;
    if (f.empty() || f[0] != "end")
      throw std::invalid_argument("unknown record '" + (f.empty() ? "" : f[0]) + "'");
    if (f.size() < 4) throw std::invalid_argument("missing fields");
    records.push_back({integer_field(f[1], "trial"), parse_status(f[2]),
                       integer_field(f[3], "epoch"), unescape(f.size() > 4 ? f[4] : "")});
  });
  return records;
}

std::vector<SchedulerCall> read_scheduler_calls(const std::string& path) {
  std::vector<SchedulerCall> calls;
  for_each_line(path, [&](const std::vector<std::string>& f) {
    const auto kind = kCallKinds.find(f.empty() ? "" : f[0]);
    if (kind == kCallKinds.end()) return;
    if (f.size() != kind->second.second) throw std::invalid_argument("wrong number of fields");
    SchedulerCall c;
    c.kind = kind->second.first;
    if (c.kind == SchedulerCall::Kind::copied) {
      c.source = integer_field(f[1], "source");
      c.trial = integer_field(f[2], "trial");
      c.epoch = integer_field(f[3], "epoch");
    } else {
      c.trial = integer_field(f[1], "trial");
    }
    if (c.kind == SchedulerCall::Kind::report) {
      c.epoch = integer_field(f[2], "epoch");
      c.value = real_field(f[3], "value");
    }
    calls.push_back(c);
  });
  return calls;
}

}  // namespace hpsweep
