// A command trial's own arguments (`args:`, common/program_arguments.h): declared with their
// defaults, whose YAML form gives their kind; swept as `args.NAME` by every method, passed as
// `${args.NAME}`, and recorded in sweep.h5 as any field; what a spec may not say about them.
#include <gtest/gtest.h>

#include "common/spec.h"
#include "support/spec_error.h"
#include "support/sweep_files.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

const std::string kObjective = HPSWEEP_SOURCE_DIR "/tests/command/objective.sh";

// tests/command/objective.sh reports v_n = v_(n-1) / 2 + RATE (v_0 = 1) as test_error and
// prints its arguments.
std::string spec_text(const std::string& method_and_parameters, const std::string& args) {
  return "name: args\nseed: 5\n" + method_and_parameters + "model: {type: command, command: [sh, " +
         kObjective +
         ", '${args.rate}', 'n=${args.n}', '${args.label}']}\n"
         "training: {epochs: 2}\nargs: {" +
         args + "}\n";
}

SweepRecord run(const std::string& yaml, const std::string& out) {
  return run_and_read(yaml, "args.yaml", out, 1);
}

TEST(ProgramArguments, TakeTheirKindFromTheirDefault) {
  const SweepSpec spec = parse_spec(
      spec_text("method: grid\n", "rate: 0.5, n: 3, label: relu, on: true, quoted: '7'"), "a.yaml");
  const std::map<std::string, ConfigValue> expected = {{"rate", 0.5},
                                                       {"n", int64_t{3}},
                                                       {"label", std::string("relu")},
                                                       {"on", true},
                                                       {"quoted", std::string("7")}};
  EXPECT_EQ(spec.base.args, expected);
  // A later spec may give a name another kind: each spec's fields are its own.
  const SweepSpec other =
      parse_spec(spec_text("method: grid\n", "rate: fast, n: 3, label: x"), "b.yaml");
  EXPECT_EQ(other.base.args.at("rate"), ConfigValue(std::string("fast")));
  EXPECT_EQ(find_config_field("args.rate")->kind, ValueKind::text);
}

TEST(ProgramArguments, SweptValuesReachTheProgramAndTheSweepFile) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record =
      run(spec_text("method: grid\nparameters:\n  args.rate: {values: [0.1, 0.3]}\n",
                    "rate: 0.0, n: 2, label: plain"),
          out);
  ASSERT_EQ(record.trials.size(), 2u);
  const double rates[] = {0.1, 0.3};
  for (size_t i = 0; i < 2; ++i) {
    const TrialRecord& t = record.trials[i];
    EXPECT_EQ(*t.value_of("args.rate"), ConfigValue(rates[i]));
    EXPECT_EQ(t.curves.at("test_error"),
              (std::vector<double>{0.5 + rates[i], (0.5 + rates[i]) / 2 + rates[i]}));
    EXPECT_EQ(file_text(dir / "sweep" / "programs" / trial_name(t.id) / "stdout.log"),
              "args: " + value_string(rates[i]) + " n=2 plain\n");
  }
  EXPECT_EQ(record.swept_parameters, std::vector<std::string>{"args.rate"});
}

TEST(ProgramArguments, RandomAndBayesDrawThemWithinTheirDistributions) {
  for (const char* method : {"random", "bayes"}) {
    TempDir dir;
    const SweepRecord record =
        run(spec_text(std::string("method: ") + method +
                          "\nrun_cap: 12\nmetric: {name: test_error, goal: minimize}\n" +
                          (std::string(method) == "bayes" ? "bayes: {startup_trials: 4}\n" : "") +
                          "parameters:\n"
                          "  args.rate: {distribution: log_uniform_values, min: 0.001, max: 1}\n"
                          "  args.n: {distribution: int_uniform, min: 1, max: 4}\n"
                          "  args.label: {values: [a, b]}\n",
                      "rate: 0.5, n: 1, label: a"),
            (dir / "sweep").string());
    ASSERT_EQ(record.trials.size(), 12u) << method;
    for (const TrialRecord& t : record.trials) {
      const double rate = std::get<double>(*t.value_of("args.rate"));
      const int64_t n = std::get<int64_t>(*t.value_of("args.n"));
      EXPECT_TRUE(rate >= 0.001 && rate <= 1) << method << " " << rate;
      EXPECT_TRUE(n >= 1 && n <= 4) << method << " " << n;
      EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
    }
  }
}

TEST(ProgramArguments, MistakesAreSpecErrorsAtTheirPlace) {
  const std::string grid = "method: grid\n";
  EXPECT_EQ(spec_error_of(spec_text(grid + "parameters:\n  args.speed: {values: [1, 2]}\n",
                                    "rate: 0.1, n: 1, label: a"),
                          "a.yaml"),
            "a.yaml:5:3: args.speed: not declared in the `args:` block (declared: label, n, rate)");
  // The placeholder's column follows the objective's path, i.e. where the sources are.
  const std::string undeclared = spec_text(grid, "rate: 0.1, n: 1");
  const size_t line_4 = undeclared.find("model:");
  const size_t column = undeclared.find("'${args.label}'") - line_4 + 1;
  EXPECT_EQ(spec_error_of(undeclared, "a.yaml"),
            "a.yaml:4:" + std::to_string(column) +
                ": model.command: unknown path '${args.label}' (known: a config field such as "
                "training.lr, an args.NAME that `args:` declares, or trial.id, trial.seed, "
                "trial.folder)");
  EXPECT_EQ(spec_error_of(spec_text(grid, "rate: 0.1, n: 1, label: a, 2x: 1"), "a.yaml"),
            "a.yaml:6:35: args: '2x' is no argument name (letters, digits and _, not starting "
            "with a digit)");
  EXPECT_EQ(spec_error_of(spec_text(grid, "rate: [0.1], n: 1, label: a"), "a.yaml"),
            "a.yaml:6:14: args.rate: expected a single value: a number, true or false, or text");
  EXPECT_EQ(spec_error_of("method: grid\nargs: {x: 1}\n", "a.yaml"),
            "a.yaml:2:1: args: only with `model.type: command`: the arguments of "
            "model.command's program");
  EXPECT_EQ(spec_error_of("method: grid\nargs: [x]\n", "a.yaml"),
            "a.yaml:2:7: args: expected a mapping of the program's argument names to default "
            "values");
  EXPECT_EQ(spec_error_of(spec_text("method: random\nrun_cap: 2\nparameters:\n"
                                    "  args.n: {distribution: uniform, min: 1, max: 2}\n",
                                    "rate: 0.1, n: 1, label: a"),
                          "a.yaml"),
            "a.yaml:6:26: args.n.distribution: uniform needs a real parameter; this one's kind is "
            "integer");
}

}  // namespace
}  // namespace hpsweep::testing
