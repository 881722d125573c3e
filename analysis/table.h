// A small table of strings, printed aligned for people, as CSV (RFC 4180) for pandas, or as
// JSON. The JSON writer is ours: tables of strings and numbers need a dozen lines, not a new
// dependency.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace hpsweep {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct NamedTable {
  std::string name;
  Table table;
};

void print_aligned(const Table& table, std::ostream& out);
void print_csv(const Table& table, std::ostream& out);
// {"name": [{"column": value, ...}, ...], ...}: cells that read as numbers become numbers,
// empty cells null, the rest strings.
void print_json(const std::vector<NamedTable>& tables, std::ostream& out);

}  // namespace hpsweep
