// The HTML report: well-formed, self-contained (nothing to fetch), opening with a summary and a
// table of contents whose links resolve, with the spec, every table and every plot, and no id
// used twice although every gnuplot SVG uses the same ones; a detector's test canvases with
// their boxes, over images inlined as PNG.
#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <regex>
#include <set>

#include "analysis/png_image.h"
#include "analysis/report.h"

namespace hpsweep::testing {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The values of the attribute `name` (" name=" in single or double quotes), in order.
std::vector<std::string> attributes(const std::string& html, const std::string& name) {
  std::vector<std::string> values;
  for (size_t at = html.find(name + "="); at != std::string::npos;
       at = html.find(name + "=", at + 1)) {
    if (at == 0 || !std::isspace(static_cast<unsigned char>(html[at - 1]))) continue;
    const size_t open = at + name.size() + 1;
    const char quote = html[open];
    if (quote != '"' && quote != '\'') continue;
    values.push_back(html.substr(open + 1, html.find(quote, open + 1) - open - 1));
  }
  return values;
}

TrialRecord trial(int64_t id, int64_t depth, double scale) {
  TrialRecord t;
  t.id = id;
  t.status = TrialStatus::completed;
  t.swept = {{"model.depth", depth}};
  for (int e = 1; e <= 3; ++e) {
    t.curves["epoch"].push_back(e);
    t.curves["train_error"].push_back(0.4 * scale / e);
    t.curves["test_error"].push_back(0.5 * scale / e);
    t.curves["train_loss"].push_back(1.0 / e);
    t.curves["test_loss"].push_back(1.2 / e);
  }
  return t;
}

SweepRecord two_depths() {
  SweepRecord sweep;
  sweep.name = "r<&>";
  sweep.spec_text = "name: r\nmethod: grid  # a <comment> & more\n";
  sweep.hpsweep_version = "0.1.0";
  sweep.swept_parameters = {"model.depth"};
  sweep.trials = {trial(0, 1, 1.0), trial(1, 2, 0.8)};
  return sweep;
}

TEST(Report, IsOneWellFormedSelfContainedPage) {
  const SweepRecord sweep = two_depths();
  const std::string html = render_report(sweep, DiagnosisRule{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<h1>Sweep 'r&lt;&amp;&gt;'</h1>"), std::string::npos);
  EXPECT_NE(html.find("method: grid  # a &lt;comment&gt; &amp; more"), std::string::npos);
  for (const char* heading : {"<h3 id=\"table-trials\">Trials</h3>",
                              "<h3 id=\"table-ranking\">Ranking by test_error</h3>",
                              "<h3 id=\"table-model-depth\">Effect of model.depth</h3>"})
    EXPECT_NE(html.find(heading), std::string::npos) << heading;
  // The best curves, the small multiples, the depth plot and the complexity figure.
  EXPECT_EQ(count(html, "<svg"), 4u);
  for (const char* id : {"plot-curves", "plot-curves-all-1", "plot-param-model-depth",
                         "plot-complexity-model-depth"})
    EXPECT_NE(html.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  for (const char* tag :
       {"table", "svg", "tr", "pre", "html", "body", "head", "section", "nav", "ol", "li", "ul"})
    EXPECT_EQ(count(html, "<" + std::string(tag) + ">") + count(html, "<" + std::string(tag) + " "),
              count(html, "</" + std::string(tag) + ">"))
        << tag;
  // Self-contained: no scripts, stylesheets, images or frames to fetch; url() only within the
  // page (an SVG's own filters and clips).
  for (const char* external : {"<script", "<link", "<img", "<iframe", "src=", "@import"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_EQ(count(html, "url("), count(html, "url(#"));
  // Addresses appear only as SVG namespace names, which browsers never fetch.
  const std::regex address(R"(https?://[^"' ]+)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), address);
       it != std::sregex_iterator(); ++it)
    EXPECT_NE(it->str().find("www.w3.org"), std::string::npos) << it->str();
}

TEST(Report, OpensWithASummaryThenContentsWhoseLinksResolve) {
  SweepRecord sweep = two_depths();
  // Two repeats of depth 2: the best configuration has a mean and a CI.
  sweep.trials.push_back(trial(2, 2, 0.9));
  const std::string html = render_report(sweep, DiagnosisRule{});
  const size_t summary = html.find("<h2>Summary</h2>");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_EQ(html.find("<h2"), summary) << "the summary is the first section";
  EXPECT_LT(summary, html.find("<nav id=\"contents\">"));
  EXPECT_LT(html.find("<nav id=\"contents\">"), html.find("<h2 id=\"plots\">"));
  const std::string text = html.substr(summary, html.find("</section>", summary) - summary);
  for (const char* part : {"3 trials in 2 configurations (up to 2 trials each: repeats or folds)",
                           "status: completed 3", "Metric: test_error (minimize)",
                           "Best configuration: <b>c001</b> (model.depth: 2)", "&plusmn;",
                           "(n=2, 95% CI)", "test error at the selected epoch",
                           "Diagnoses (trials): ", "selects epochs and trials on the test set"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
  // The table of contents links every plot and table, and each link resolves.
  const size_t nav = html.find("<nav id=\"contents\">");
  const std::string contents = html.substr(nav, html.find("</nav>", nav) - nav);
  const std::vector<std::string> ids = attributes(html, "id");
  const std::set<std::string> id_set(ids.begin(), ids.end());
  const std::vector<std::string> links = attributes(contents, "href");
  EXPECT_GE(links.size(), 4u + 3u + 2u);  // plots, tables, spec and rule
  for (const std::string& link : links) {
    ASSERT_EQ(link.front(), '#') << link;
    EXPECT_TRUE(id_set.count(link.substr(1))) << link;
  }
  for (const char* target : {"#plot-curves-all-1", "#table-ranking", "#spec", "#diagnosis-rule"})
    EXPECT_NE(std::find(links.begin(), links.end(), target), links.end()) << target;
  // Every reference anywhere (an SVG's points, xlink:href too) resolves within the page.
  for (const char* attribute : {"href", "xlink:href"})
    for (const std::string& link : attributes(html, attribute)) {
      if (link.front() == '#') {
        EXPECT_TRUE(id_set.count(link.substr(1))) << link;
      }
    }
}

// A language-model sweep: the perplexity ratio in the tables, the rule on perplexities, and the
// text sample in its own section, linked from the contents.
TEST(Report, LanguageModelsShowThePerplexityRatioAndATextSample) {
  SweepRecord sweep = two_depths();
  for (TrialRecord& t : sweep.trials) {
    t.curves["train_perplexity"] = {9, 6, 5};
    t.curves["test_perplexity"] = {10, 8, 8};
  }
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  const std::string html =
      render_report(sweep, rule, TextSample{"trial 0000, greedily", "a <b> & c"});
  EXPECT_NE(html.find("<th>perplexity_ratio</th>"), std::string::npos);
  EXPECT_NE(html.find("<td>1.3333</td>"), std::string::npos);  // 8 / 6, medians of 3 epochs
  EXPECT_NE(html.find("language models are judged on perplexities"), std::string::npos);
  EXPECT_NE(html.find("<li><a href=\"#sample\">Text sample</a></li>"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"sample\">\n<h2>Text sample</h2>\n<p>trial 0000, "
                      "greedily.</p>\n<pre>a &lt;b&gt; &amp; c</pre>\n</section>"),
            std::string::npos);
  EXPECT_EQ(render_report(sweep, rule).find("Text sample"), std::string::npos);
}

TEST(Report, NoIdIsUsedTwice) {
  const std::string html = render_report(two_depths(), DiagnosisRule{});
  const std::vector<std::string> ids = attributes(html, "id");
  EXPECT_GT(ids.size(), 20u) << "the SVGs' ids are counted too";
  std::map<std::string, int> uses;
  for (const std::string& id : ids) ++uses[id];
  for (const auto& [id, n] : uses) EXPECT_EQ(n, 1) << id;
  EXPECT_NE(html.find("id=\"svg1-gnuplot_canvas\""), std::string::npos);
  EXPECT_NE(html.find("id=\"svg2-gnuplot_canvas\""), std::string::npos);
}

TEST(Report, SvgIdsAndTheirReferencesArePrefixed) {
  const std::string svg =
      "<svg id=\"gnuplot_canvas\"><defs><path id='gpPt0' d=''/><filter id='textbox'/></defs>"
      "<use xlink:href='#gpPt0'/><use href=\"#gpPt0\"/><g filter=\"url(#textbox)\" "
      "id='gnuplot_plot_1a'/><g id='gnuplot_plot_1a'/><g grid='x' data-id='no'/></svg>";
  EXPECT_EQ(unique_svg_ids(svg, "p1-"),
            "<svg id=\"p1-gnuplot_canvas\"><defs><path id='p1-gpPt0' d=''/><filter "
            "id='p1-textbox'/></defs><use xlink:href='#p1-gpPt0'/><use href=\"#p1-gpPt0\"/><g "
            "filter=\"url(#p1-textbox)\" id='p1-gnuplot_plot_1a'/><g id='p1-gnuplot_plot_1a-2'/>"
            "<g grid='x' data-id='no'/></svg>");
}

// A detector sweep's canvases: true and predicted boxes at their exact coordinates in canvas
// pixels, predictions under the threshold left out, class names and scores as labels.
TEST(Report, DetectorsShowTestCanvasesWithTheirBoxes) {
  DetectionDrawings drawings;
  drawings.caption = "trial 0001 <best>";
  drawings.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress"};
  drawings.score_threshold = 0.5f;
  DrawnCanvas canvas{7, 8, std::vector<float>(64, 0.0f), {}, {}};
  canvas.pixels[3 * 8 + 4] = 1.0f;
  canvas.truth = {{3, 1.0f, 0.25f, 0.125f, 0.75f, 0.5f}};
  canvas.predicted = {{3, 0.9f, 0.2f, 0.1f, 0.7f, 0.55f},
                      {1, 0.3f, 0.0f, 0.0f, 1.0f, 1.0f},
                      {9, 0.5f, 0.5f, 0.5f, 1.0f, 1.0f}};
  drawings.canvases = {canvas, canvas};
  drawings.canvases[1].index = 8;
  const std::string html = render_report(two_depths(), DiagnosisRule{}, std::nullopt, drawings);
  EXPECT_NE(html.find("<li><a href=\"#detections\">Detections</a></li>"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"detections\">\n<h2>Detections</h2>\n<p>trial 0001 "
                      "&lt;best&gt;.</p>\n<figure>"),
            std::string::npos);
  EXPECT_EQ(count(html, "<figure>"), 2u);
  EXPECT_EQ(count(html, "<figure>"), count(html, "</figure>"));
  EXPECT_EQ(count(html, "<svg class=\"canvas\" viewBox=\"0 0 8 8\""), 2u);
  EXPECT_EQ(count(html, "<image href=\"data:image/png;base64,"), 2u);
  EXPECT_EQ(count(html,
                  "<rect class=\"true\" x=\"2.00\" y=\"1.00\" width=\"4.00\" "
                  "height=\"3.00\" fill=\"none\"><title>Dress</title></rect>"),
            2u);
  EXPECT_EQ(count(html,
                  "<rect class=\"predicted\" x=\"1.60\" y=\"0.80\" width=\"4.00\" "
                  "height=\"3.60\" fill=\"none\"><title>Dress 0.90</title></rect>"),
            2u);
  // At the threshold it is drawn, under it not; a class without a name is named by its id.
  EXPECT_EQ(count(html, "<title>class 9 0.50</title>"), 2u);
  EXPECT_EQ(html.find("Trouser 0.30"), std::string::npos);
  EXPECT_NE(html.find("<figcaption>test canvas 8: 1 true, 2 predicted</figcaption>"),
            std::string::npos);
  EXPECT_EQ(render_report(two_depths(), DiagnosisRule{}).find("Detections"), std::string::npos);
}

// The inline PNG: signature, an 8-bit grayscale header, and rows that inflate back to the
// pixels (filter byte 0 before each), every chunk with its CRC; and base64 as RFC 4648.
TEST(Report, CanvasesAreGrayscalePngs) {
  const std::vector<float> pixels = {0.0f, 0.5f, 1.0f, 2.0f, -1.0f, 0.2f};  // 3 wide, 2 high
  const std::string png = grayscale_png(pixels.data(), 3, 2);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
  const auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<uint8_t>(png[at + k]);
    return v;
  };
  std::string idat;
  for (size_t at = 8; at < png.size();) {
    const uint32_t length = u32(at);
    const std::string type = png.substr(at + 4, 4);
    const std::string data = png.substr(at + 8, length);
    const std::string typed = type + data;
    EXPECT_EQ(u32(at + 8 + length),
              crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size()))
        << type;
    if (type == "IHDR") {
      EXPECT_EQ(data, std::string("\0\0\0\3\0\0\0\2\x08\0\0\0\0", 13));
    }
    if (type == "IDAT") idat += data;
    at += 12 + length;
    if (type == "IEND") {
      EXPECT_EQ(at, png.size());
    }
  }
  std::string rows(8, '?');
  uLongf size = rows.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(rows.data()), &size,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  EXPECT_EQ(rows, std::string("\0\0\x80\xff\0\xff\0\x33", 8));
  EXPECT_EQ(base64("Man"), "TWFu");
  EXPECT_EQ(base64("Ma"), "TWE=");
  EXPECT_EQ(base64("M"), "TQ==");
  EXPECT_EQ(base64(""), "");
}

}  // namespace
}  // namespace hpsweep::testing
