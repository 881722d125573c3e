// A small table of strings, printed aligned for people or as CSV (RFC 4180) for pandas.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace hpsweep {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

void print_aligned(const Table& table, std::ostream& out);
void print_csv(const Table& table, std::ostream& out);

}  // namespace hpsweep
