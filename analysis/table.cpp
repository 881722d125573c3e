#include "analysis/table.h"

#include <algorithm>
#include <cctype>

#include "common/json_writer.h"

namespace hpsweep {

void print_aligned(const Table& table, std::ostream& out) {
  std::vector<size_t> widths(table.header.size());
  for (size_t c = 0; c < widths.size(); ++c) {
    widths[c] = table.header[c].size();
    for (const auto& row : table.rows) widths[c] = std::max(widths[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      out << row[c];
      if (c + 1 < row.size()) out << std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out << "\n";
  };
  print_row(table.header);
  for (const auto& row : table.rows) print_row(row);
}

namespace {
std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char ch : field) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}
}  // namespace

void print_csv(const Table& table, std::ostream& out) {
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_field(row[c]);
    out << "\n";
  };
  print_row(table.header);
  for (const auto& row : table.rows) print_row(row);
}

namespace {

// Whether `text` is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(const std::string& text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < text.size() && text[i] == '.' && (++i, !digits())) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::string json_value(const std::string& cell) {
  if (cell.empty()) return "null";
  const std::string unsigned_plus = cell[0] == '+' ? cell.substr(1) : cell;
  return is_json_number(unsigned_plus) ? unsigned_plus : json_string(cell);
}

}  // namespace

void print_json(const std::vector<NamedTable>& tables, std::ostream& out) {
  out << "{";
  for (size_t t = 0; t < tables.size(); ++t) {
    const Table& table = tables[t].table;
    out << (t ? ",\n " : "\n ") << json_string(tables[t].name) << ": [";
    for (size_t r = 0; r < table.rows.size(); ++r) {
      out << (r ? ",\n  {" : "\n  {");
      for (size_t c = 0; c < table.header.size(); ++c)
        out << (c ? ", " : "") << json_string(table.header[c]) << ": "
            << json_value(table.rows[r][c]);
      out << "}";
    }
    out << "]";
  }
  out << "\n}\n";
}

}  // namespace hpsweep
