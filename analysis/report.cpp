#include "analysis/report.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/plots.h"
#include "common/error.h"
#include "common/temp_folder.h"
#include "common/version.h"

namespace hpsweep {
namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string html_table(const Table& table) {
  std::string html = "<table>\n<thead><tr>";
  for (const std::string& h : table.header) html += "<th>" + escape_html(h) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (const std::string& cell : row) html += "<td>" + escape_html(cell) + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

// gnuplot's SVG starts with an XML declaration and a DOCTYPE, which HTML does not want.
std::string inline_svg(const std::string& path) {
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const size_t start = text.find("<svg");
  if (start == std::string::npos) throw Error(path + ": not an SVG file");
  return text.substr(start);
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}"
    "th{background:#f0f0f0}pre{background:#f7f7f7;padding:1em;overflow:auto}"
    "svg{max-width:100%;height:auto;display:block;margin:1em 0}";

}  // namespace

std::string render_report(const SweepRecord& sweep, const DiagnosisRule& rule) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hpsweep "
          "report: "
       << escape_html(sweep.name) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  html << "<h1>Sweep '" << escape_html(sweep.name) << "'</h1>\n<p>" << sweep.trials.size()
       << " trials; metric " << escape_html(sweep.metric.name) << " ("
       << (sweep.metric.minimize ? "minimize" : "maximize") << "); written by hpsweep " << kVersion
       << " (the sweep by " << escape_html(sweep.hpsweep_version) << ").</p>\n";
  html << "<h2>Spec</h2>\n<pre>" << escape_html(sweep.spec_text) << "</pre>\n";
  const TempFolder plots("hpsweep-report");
  const std::vector<std::string> images = write_plots(sweep, rule, plots.path().string());
  if (!images.empty()) html << "<h2>Plots</h2>\n";
  for (const std::string& image : images)
    if (image.size() > 4 && image.substr(image.size() - 4) == ".svg")
      html << inline_svg(image) << "\n";
  for (const NamedTable& t : analysis_tables(sweep, rule)) {
    html << "<h2>" << escape_html(table_title(t.name, sweep, rule)) << "</h2>\n"
         << html_table(t.table);
  }
  html << "<p>Diagnosis: " << escape_html(rule.description()) << ".</p>\n</body>\n</html>\n";
  return html.str();
}

}  // namespace hpsweep
