// The HTML report: well-formed, self-contained (nothing to fetch), with the spec, every table
// and every plot.
#include <gtest/gtest.h>

#include <regex>

#include "analysis/report.h"

namespace hpsweep::testing {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Report, IsOneWellFormedSelfContainedPage) {
  SweepRecord sweep;
  sweep.name = "r<&>";
  sweep.spec_text = "name: r\nmethod: grid  # a <comment> & more\n";
  sweep.hpsweep_version = "0.1.0";
  sweep.swept_parameters = {"model.depth"};
  for (int64_t id = 0; id < 2; ++id) {
    TrialRecord t;
    t.id = id;
    t.status = TrialStatus::completed;
    t.swept = {{"model.depth", id + 1}};
    for (int e = 1; e <= 3; ++e) {
      t.curves["epoch"].push_back(e);
      t.curves["train_error"].push_back(0.4 / e);
      t.curves["test_error"].push_back(0.5 / e);
      t.curves["train_loss"].push_back(1.0 / e);
      t.curves["test_loss"].push_back(1.2 / e);
    }
    sweep.trials.push_back(t);
  }
  const std::string html = render_report(sweep, DiagnosisRule{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<h1>Sweep 'r&lt;&amp;&gt;'</h1>"), std::string::npos);
  EXPECT_NE(html.find("method: grid  # a &lt;comment&gt; &amp; more"), std::string::npos);
  for (const char* heading :
       {"<h2>Trials</h2>", "<h2>Ranking by test_error</h2>", "<h2>Effect of model.depth</h2>"})
    EXPECT_NE(html.find(heading), std::string::npos) << heading;
  EXPECT_EQ(count(html, "<svg"), 2u) << "the curves and the depth plot";
  for (const char* tag : {"table", "svg", "tr", "pre", "html", "body", "head"})
    EXPECT_EQ(count(html, "<" + std::string(tag) + ">") + count(html, "<" + std::string(tag) + " "),
              count(html, "</" + std::string(tag) + ">"))
        << tag;
  // Self-contained: no scripts, stylesheets, images or frames to fetch.
  for (const char* external : {"<script", "<link", "<img", "<iframe", "src=", "@import", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  // Addresses appear only as SVG namespace names, which browsers never fetch.
  const std::regex address(R"(https?://[^"' ]+)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), address);
       it != std::sregex_iterator(); ++it)
    EXPECT_NE(it->str().find("www.w3.org"), std::string::npos) << it->str();
}

}  // namespace
}  // namespace hpsweep::testing
