#include "analysis/report.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/configurations.h"
#include "analysis/detection_canvases.h"
#include "analysis/plots.h"
#include "common/error.h"
#include "common/temp_folder.h"
#include "common/trial.h"
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
std::string read_svg(const std::string& path) {
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const size_t start = text.find("<svg");
  if (start == std::string::npos) throw Error(path + ": not an SVG file");
  return text.substr(start);
}

bool starts_at(const std::string& text, size_t at, const char* what) {
  return text.compare(at, std::char_traits<char>::length(what), what) == 0;
}

}  // namespace

std::string unique_svg_ids(const std::string& svg, const std::string& prefix) {
  std::string out;
  out.reserve(svg.size() + svg.size() / 8);
  std::map<std::string, int> seen;
  size_t i = 0;
  while (i < svg.size()) {
    const bool attribute_start = i > 0 && std::isspace(static_cast<unsigned char>(svg[i - 1]));
    if (attribute_start && starts_at(svg, i, "id=") && i + 3 < svg.size() &&
        (svg[i + 3] == '"' || svg[i + 3] == '\'')) {
      const char quote = svg[i + 3];
      const size_t end = svg.find(quote, i + 4);
      if (end == std::string::npos) break;
      const std::string value = svg.substr(i + 4, end - i - 4);
      std::string id = prefix + value;
      if (const int n = seen[value]++; n > 0) (id += '-') += std::to_string(n + 1);
      out += "id=";
      ((out += quote) += id) += quote;
      i = end + 1;
    } else if (starts_at(svg, i, "href=\"#") || starts_at(svg, i, "href='#")) {
      out += svg.substr(i, 7) + prefix;
      i += 7;
    } else if (starts_at(svg, i, "url(#")) {
      out += "url(#" + prefix;
      i += 5;
    } else {
      out += svg[i++];
    }
  }
  if (i < svg.size()) out += svg.substr(i);
  return out;
}

namespace {

// "table-training-lr": letters, digits and '-' only.
std::string anchor(const std::string& kind, const std::string& name) {
  std::string text = kind + "-";
  for (char c : name) text += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return text;
}

std::string spread_text(const Spread& s) {
  std::string text = error_text(s.mean);
  if (s.n > 1) text += " &plusmn; " + error_text(s.ci95);
  return text + " (n=" + std::to_string(s.n) + (s.n > 1 ? ", 95% CI" : "") + ")";
}

std::string summary(const SweepRecord& sweep, const DiagnosisRule& rule) {
  const std::vector<ConfigurationResult> configurations = configuration_results(sweep, rule);
  const auto ranked = ranked_configurations(configurations, sweep.metric);
  size_t most = 0;
  for (const ConfigurationResult& c : configurations) most = std::max(most, c.trials.size());
  std::map<std::string, int> statuses, labels;
  std::vector<std::string> status_order, label_order;
  for (const ConfigurationResult& c : configurations)
    for (size_t i = 0; i < c.trials.size(); ++i) {
      const std::string status = status_name(c.trials[i]->status);
      if (statuses[status]++ == 0) status_order.push_back(status);
      const std::string& label = c.summaries[i].diagnosis;
      if (c.summaries[i].epochs > 0 && labels[label]++ == 0) label_order.push_back(label);
    }
  const auto counts = [](const std::vector<std::string>& order, std::map<std::string, int>& n) {
    std::string text;
    for (const std::string& k : order)
      text += (text.empty() ? "" : ", ") + k + " " + std::to_string(n[k]);
    return text.empty() ? std::string("none") : text;
  };
  std::ostringstream html;
  html << "<section id=\"summary\">\n<h2>Summary</h2>\n<ul>\n";
  html << "<li>Sweep <b>" << escape_html(sweep.name) << "</b>: " << sweep.trials.size()
       << " trials in " << configurations.size() << " configurations";
  if (most > 1) html << " (up to " << most << " trials each: repeats or folds)";
  html << "; status: " << escape_html(counts(status_order, statuses)) << ".</li>\n";
  html << "<li>Metric: " << escape_html(sweep.metric.name) << " ("
       << (sweep.metric.minimize ? "minimize" : "maximize")
       << "); it selects each trial's epoch, and configurations are ranked by its mean.</li>\n";
  if (ranked.empty()) {
    html << "<li>No trial has finished an epoch yet.</li>\n";
  } else {
    const ConfigurationResult& best = *ranked.front();
    html << "<li>Best configuration: <b>" << configuration_name(best.index) << "</b> ("
         << escape_html(hyperparameters_text(best.values)) << "): best "
         << escape_html(sweep.metric.name) << " " << spread_text(best.metric)
         << "; test error at the selected epoch " << spread_text(best.selected_test);
    if (best.trials.size() == 1) html << ", epoch " << best.summaries.front().selected_epoch;
    html << "; diagnosis " << escape_html(best.diagnosis) << ".</li>\n";
  }
  html << "<li>Diagnoses (trials): " << escape_html(counts(label_order, labels)) << ".</li>\n";
  html << "</ul>\n";
  if (const std::string warning = sweep.metric.selection_warning(); !warning.empty())
    html << "<p class=\"warning\">" << escape_html(warning) << ".</p>\n";
  html << "<p>Report by hpsweep " << kVersion << " (the sweep by "
       << escape_html(sweep.hpsweep_version) << ").</p>\n</section>\n";
  return html.str();
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}"
    "th{background:#f0f0f0}pre{background:#f7f7f7;padding:1em;overflow:auto}"
    "svg{max-width:100%;height:auto;display:block;margin:1em 0}"
    ".warning{background:#fff3cd;border:1px solid #e0c060;padding:0.5em 1em}"
    ".file{color:#666;font-size:0.8em;margin:0}nav ol{margin:0.2em 0}"
    "figure{display:inline-block;margin:0.5em}svg.canvas{margin:0}";

}  // namespace

std::string render_report(const SweepRecord& sweep, const DiagnosisRule& rule,
                          const std::optional<TextSample>& sample,
                          const std::optional<DetectionDrawings>& detections) {
  const TempFolder folder("hpsweep-report");
  const std::vector<PlotFile> plots = draw_plots(sweep, rule, folder.path().string());
  const std::vector<NamedTable> tables = analysis_tables(sweep, rule);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hpsweep "
          "report: "
       << escape_html(sweep.name) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  html << "<h1>Sweep '" << escape_html(sweep.name) << "'</h1>\n" << summary(sweep, rule);

  html << "<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n";
  if (sample) html << "<li><a href=\"#sample\">Text sample</a></li>\n";
  if (detections) html << "<li><a href=\"#detections\">Detections</a></li>\n";
  if (!plots.empty()) {
    html << "<li><a href=\"#plots\">Plots</a>\n<ol>\n";
    for (const PlotFile& p : plots)
      html << "<li><a href=\"#" << anchor("plot", p.name) << "\">" << escape_html(p.title)
           << "</a></li>\n";
    html << "</ol></li>\n";
  }
  html << "<li><a href=\"#tables\">Tables</a>\n<ol>\n";
  for (const NamedTable& t : tables)
    html << "<li><a href=\"#" << anchor("table", t.name) << "\">"
         << escape_html(table_title(t.name, sweep, rule)) << "</a></li>\n";
  html << "</ol></li>\n<li><a href=\"#spec\">Spec</a></li>\n"
       << "<li><a href=\"#diagnosis-rule\">Diagnosis rule</a></li>\n</ol>\n</nav>\n";

  if (sample) {
    html << "<section id=\"sample\">\n<h2>Text sample</h2>\n<p>" << escape_html(sample->caption)
         << ".</p>\n";
    if (!sample->text.empty()) html << "<pre>" << escape_html(sample->text) << "</pre>\n";
    html << "</section>\n";
  }
  if (detections) {
    html << "<section id=\"detections\">\n<h2>Detections</h2>\n<p>"
         << escape_html(detections->caption) << ".</p>\n";
    for (const DrawnCanvas& canvas : detections->canvases)
      html << canvas_figure(canvas, *detections);
    html << "</section>\n";
  }
  if (!plots.empty()) html << "<h2 id=\"plots\">Plots</h2>\n";
  for (size_t i = 0; i < plots.size(); ++i) {
    const PlotFile& p = plots[i];
    html << "<section id=\"" << anchor("plot", p.name) << "\">\n<h3>" << escape_html(p.title)
         << "</h3>\n<p class=\"file\">" << escape_html(p.name) << ".svg</p>\n"
         << unique_svg_ids(read_svg((folder.path() / (p.name + ".svg")).string()),
                           "svg" + std::to_string(i + 1) + "-")
         << "\n</section>\n";
  }
  html << "<h2 id=\"tables\">Tables</h2>\n";
  for (const NamedTable& t : tables)
    html << "<h3 id=\"" << anchor("table", t.name) << "\">"
         << escape_html(table_title(t.name, sweep, rule)) << "</h3>\n"
         << html_table(t.table);
  html << "<h2 id=\"spec\">Spec</h2>\n<pre>" << escape_html(sweep.spec_text) << "</pre>\n";
  html << "<h2 id=\"diagnosis-rule\">Diagnosis rule</h2>\n<p>Diagnosis "
       << escape_html(rule.description()) << ".</p>\n</body>\n</html>\n";
  return html.str();
}

}  // namespace hpsweep
