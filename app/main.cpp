// hpsweep: run hyperparameter sweeps of d2l networks and analyse them.
//   hpsweep run SPEC --out DIR     train every trial of SPEC, recording into DIR
//   hpsweep analyze DIR            the generalization tables of a finished or running sweep
//   hpsweep report DIR             one self-contained HTML report
//   hpsweep describe SPEC          each model's layers, output shapes and parameter counts
//   hpsweep serve DIR              the live status page and API of a sweep, from its files
//   hpsweep corpus FILE            a text file's tokens, vocabulary and n-gram statistics
//   hpsweep dataset export SPEC --out FILE.h5   a detection set's canvases, boxes and labels
//   hpsweep sample CHECKPOINT      a language model's continuation of a prefix
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "common/error.h"
#include "common/version.h"

namespace {

constexpr const char* kUsage =
    "usage: hpsweep <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SPEC --out DIR   run the sweep described by the YAML file SPEC, results in DIR\n"
    "  analyze DIR          print each trial's errors, generalization gap and diagnosis\n"
    "  report DIR           write DIR/report.html: spec, tables and plots in one file\n"
    "  describe SPEC        print each model's layers, output shapes and parameter counts\n"
    "  serve DIR            serve the status page and JSON API of a sweep from its files\n"
    "  corpus FILE          a text file's tokens, vocabulary, n-grams and Zipf plot\n"
    "  dataset export SPEC --out FILE.h5\n"
    "                       write the detection set SPEC names: canvases, boxes, labels\n"
    "  sample CHECKPOINT    continue a prefix with a trained language model\n"
    "\n"
    "`hpsweep <command> --help` describes a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`hpsweep run ... | head -1`) must not end a sweep: without
  // SIGPIPE a write to the closed pipe fails with EPIPE, which leaves the stream in a failed
  // state that every later write skips, and nothing in hpsweep reads a console stream's state.
  std::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return hpsweep::kExitBadInput;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "run") return hpsweep::run_command(rest);
    if (command == "analyze") return hpsweep::analyze_command(rest);
    if (command == "report") return hpsweep::report_command(rest);
    if (command == "describe") return hpsweep::describe_command(rest);
    if (command == "serve") return hpsweep::serve_command(rest);
    if (command == "corpus") return hpsweep::corpus_command(rest);
    if (command == "dataset") return hpsweep::dataset_command(rest);
    if (command == "sample") return hpsweep::sample_command(rest);
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return hpsweep::kExitOk;
    }
    if (command == "--version") {
      std::cout << "hpsweep " << hpsweep::kVersion << "\n";
      return hpsweep::kExitOk;
    }
    std::cerr << "hpsweep: unknown command '" << command << "'\n\n" << kUsage;
    return hpsweep::kExitBadInput;
  } catch (const hpsweep::UserError& e) {
    // One write: under mpirun, rank 0's stderr is forwarded in chunks that other output can
    // split.
    std::cerr << std::string("hpsweep: error: ") + e.what() + "\n";
    return hpsweep::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << std::string("hpsweep: failure: ") + e.what() + "\n";
    return hpsweep::kExitFailure;
  }
}
