// What `hpsweep analyze` and `report` show of a trial scheduler, on a hand-made PBT record with
// known answers: the counts of each kind of decision, the best trial's lineage (which trials
// trained the weights of its last epoch, with which hyperparameters), and an absent
// conditional parameter in the trial and parameter tables.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analyze.h"
#include "analysis/report.h"
#include "analysis/scheduler_tables.h"

namespace hpsweep {
namespace {

TrialRecord trial(int64_t id, std::vector<double> test_error,
                  std::vector<std::pair<int64_t, std::string>> schedule) {
  TrialRecord t;
  t.id = id;
  t.status = TrialStatus::completed;
  for (size_t e = 0; e < test_error.size(); ++e) {
    t.curves["epoch"].push_back(static_cast<double>(e + 1));
    t.curves["train_error"].push_back(test_error[e] - 0.01);
    t.schedule.push_back(
        {static_cast<int64_t>(e + 1), schedule[e].first, "training.lr: " + schedule[e].second});
  }
  t.curves["test_error"] = t.curves["test_loss"] = test_error;
  t.curves["train_loss"] = t.curves["train_error"];
  t.swept = {{"training.lr", std::stod(schedule[0].second)}};
  return t;
}

// Trial 0 exploits trial 1 after epoch 2; trial 2, the best, exploits trial 0 after epoch 3.
SweepRecord pbt_sweep() {
  SweepRecord sweep;
  sweep.name = "pbt";
  sweep.swept_parameters = {"training.lr"};
  sweep.trials = {
      trial(0, {0.5, 0.4, 0.3, 0.25}, {{-1, "0.1"}, {0, "0.1"}, {1, "0.24"}, {0, "0.24"}}),
      trial(1, {0.5, 0.35, 0.3, 0.28}, {{-1, "0.2"}, {1, "0.2"}, {1, "0.2"}, {1, "0.2"}}),
      trial(2, {0.5, 0.45, 0.4, 0.2}, {{-1, "0.3"}, {2, "0.3"}, {2, "0.3"}, {0, "0.288"}})};
  const std::vector<std::pair<int64_t, std::string>> decisions = {
      {0, "start"},    {1, "start"},    {2, "start"},   {0, "pause"},
      {1, "resume"},   {0, "exploit"},  {2, "pause"},   {2, "exploit"},
      {0, "complete"}, {1, "complete"}, {2, "complete"}};
  for (size_t i = 0; i < decisions.size(); ++i)
    sweep.decisions.push_back(
        {static_cast<int64_t>(i), 0, decisions[i].first, decisions[i].second, 0, -1, "", ""});
  return sweep;
}

TEST(SchedulerTables, DecisionCountsInTheOrderOfKinds) {
  std::ostringstream csv;
  print_analysis(pbt_sweep(), DiagnosisRule{}, TableFormat::csv, "decisions", csv);
  EXPECT_EQ(csv.str(), "kind,count\nstart,3\nresume,1\nexploit,2\npause,2\ncomplete,3\n");
}

TEST(SchedulerTables, LineageFollowsExploitsBackToTheFirstEpoch) {
  std::ostringstream csv;
  print_analysis(pbt_sweep(), DiagnosisRule{}, TableFormat::csv, "lineage", csv);
  EXPECT_EQ(csv.str(),
            "epochs,trained_by,hyperparameters,started_from\n"
            "1-2,0001,training.lr: 0.2,initialization\n"
            "3,0000,training.lr: 0.24,0001 after epoch 2\n"
            "4,0002,training.lr: 0.288,0000 after epoch 3\n");
  // A trial that never exploited: its own line alone.
  const Table own = lineage_table(pbt_sweep(), 1);
  ASSERT_EQ(own.rows.size(), 1u);
  EXPECT_EQ(own.rows[0],
            (std::vector<std::string>{"1-4", "0001", "training.lr: 0.2", "initialization"}));
}

TEST(SchedulerTables, TextAndReportShowDecisionsAndLineage) {
  std::ostringstream text;
  print_analysis(pbt_sweep(), DiagnosisRule{}, TableFormat::text, "", text);
  EXPECT_NE(text.str().find("\nscheduler decisions:\n"
                            "kind      count\n"
                            "start     3\n"
                            "resume    1\n"
                            "exploit   2\n"
                            "pause     2\n"
                            "complete  3\n"
                            "\nlineage of the best trial, 0002: the trials that trained the "
                            "weights of its last epoch:\n"
                            "epochs  trained_by  hyperparameters     started_from\n"
                            "1-2     0001        training.lr: 0.2    initialization\n"
                            "3       0000        training.lr: 0.24   0001 after epoch 2\n"
                            "4       0002        training.lr: 0.288  0000 after epoch 3\n"),
            std::string::npos)
      << text.str();
  const std::string html = render_report(pbt_sweep(), DiagnosisRule{});
  EXPECT_NE(html.find("\">Scheduler decisions</h3>"), std::string::npos);
  EXPECT_NE(html.find("<td>0001 after epoch 2</td>"), std::string::npos);
}

TEST(SchedulerTables, NoSchedulerNoTables) {
  SweepRecord sweep = pbt_sweep();
  sweep.decisions.clear();
  for (TrialRecord& t : sweep.trials) t.schedule.clear();
  std::vector<std::string> names;
  for (const NamedTable& t : analysis_tables(sweep, DiagnosisRule{})) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"trials", "ranking", "training.lr"}));
}

TEST(SchedulerTables, AnAbsentParameterIsAnEmptyCellAndAnAbsentRow) {
  SweepRecord sweep = pbt_sweep();
  sweep.swept_parameters.push_back("model.width");
  sweep.trials[0].swept.push_back({"model.width", int64_t{64}});
  std::ostringstream trials, widths, json;
  print_analysis(sweep, DiagnosisRule{}, TableFormat::csv, "trials", trials);
  EXPECT_NE(trials.str().find("\n0000,completed,0.1,64,4,"), std::string::npos) << trials.str();
  EXPECT_NE(trials.str().find("\n0001,completed,0.2,,4,"), std::string::npos) << trials.str();
  print_analysis(sweep, DiagnosisRule{}, TableFormat::csv, "model.width", widths);
  EXPECT_EQ(widths.str(),
            "model.width,configurations,trials,selected_test_error_mean,"
            "selected_test_error_ci95,best_test_error,gap_mean,underfitting,overfitting,unstable\n"
            "64,1,1,0.2500,,0.2500,+0.0100,1,0,0\n"
            "absent,2,2,0.2400,0.5082,0.2000,+0.0100,2,0,0\n");
  print_analysis(sweep, DiagnosisRule{}, TableFormat::json, "", json);
  EXPECT_NE(json.str().find("\"model.width\": null"), std::string::npos) << json.str();
}

}  // namespace
}  // namespace hpsweep
