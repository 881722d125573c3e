// The recurrent layers against PyTorch: for each cell, one layer, two stacked and two stacked
// bidirectional, hpsweep's outputs, final states and gradients (input, initial state, every
// parameter) go to a file with the inputs and parameters, and
// tests/interop/recurrent_torch.py loads the parameters into torch.nn.RNN / GRU / LSTM with
// strict=True and compares within 1e-5 relative. Skipped without /usr/bin/python3 and torch.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/rng.h"
#include "support/gradient_check.h"
#include "support/shell.h"
#include "support/temp_dir.h"
#include "worker/layers/recurrent_layer.h"

namespace hpsweep::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

void write_tensor(std::ofstream& out, const std::string& name, const Tensor& t) {
  out << name << ' ';
  for (int i = 0; i < t.rank(); ++i) out << (i ? "," : "") << t.dim(i);
  char buffer[32];
  for (int64_t i = 0; i < t.size(); ++i) {
    std::snprintf(buffer, sizeof buffer, " %.9g", t[i]);  // round-trips a float exactly
    out << buffer;
  }
  out << '\n';
}

// Uniform in [-scale, scale].
Tensor uniform(const Shape& shape, uint64_t seed, double scale) {
  Tensor t = random_tensor(shape, seed);
  for (int64_t i = 0; i < t.size(); ++i) t[i] *= static_cast<float>(scale);
  return t;
}

struct Case {
  const char* name;
  CellKind cell;
  int64_t layers;
  bool bidirectional;
};

// Runs the case through hpsweep and writes the file recurrent_torch.py reads.
void write_case(const Case& c, const std::filesystem::path& path) {
  const int64_t steps = 35, batch = 4, input_size = 10, hidden = 16;
  RecurrentLayer layer({c.cell, input_size, hidden, c.layers, 0.0, c.bidirectional});
  // PyTorch's default initialization: every parameter uniform in +-1/sqrt(H).
  uint64_t seed = 100;
  for (Parameter* p : layer.parameters())
    p->value = uniform(p->value.shape(), seed++, 1.0 / std::sqrt(double(hidden)));
  const Shape state_shape = {c.layers * layer.directions(), batch, hidden};
  const bool lstm = c.cell == CellKind::lstm;
  const RecurrentState initial{uniform(state_shape, 1, 1.0),
                               lstm ? uniform(state_shape, 2, 1.0) : Tensor()};
  layer.set_initial_state(initial);
  const Tensor x = uniform({steps, batch, input_size}, 3, 1.0);
  const Tensor dy = uniform(layer.output_shape(x.shape()), 4, 1.0);
  const RecurrentState final_grad{uniform(state_shape, 5, 1.0),
                                  lstm ? uniform(state_shape, 6, 1.0) : Tensor()};

  std::ofstream out(path);
  const char* cells[] = {"rnn", "gru", "lstm"};
  out << "config " << cells[static_cast<int>(c.cell)] << ' ' << input_size << ' ' << hidden << ' '
      << c.layers << ' ' << c.bidirectional << '\n';
  for (Parameter* p : layer.parameters()) write_tensor(out, "param:" + p->name, p->value);
  write_tensor(out, "x", x);
  write_tensor(out, "h0", initial.h);
  write_tensor(out, "dy", dy);
  write_tensor(out, "dh_n", final_grad.h);
  if (lstm) {
    write_tensor(out, "c0", initial.c);
    write_tensor(out, "dc_n", final_grad.c);
  }
  write_tensor(out, "y", layer.forward(x, {}));
  write_tensor(out, "h_n", layer.final_state().h);
  if (lstm) write_tensor(out, "c_n", layer.final_state().c);
  write_tensor(out, "grad:x", layer.backward(dy, final_grad, true));
  write_tensor(out, "grad:h0", layer.initial_state_grad().h);
  if (lstm) write_tensor(out, "grad:c0", layer.initial_state_grad().c);
  for (Parameter* p : layer.parameters()) write_tensor(out, "grad:" + p->name, p->grad);
}

TEST(RecurrentTorch, SameOutputsStatesAndGradientsAsPyTorch) {
  if (!std::filesystem::exists(kPython)) GTEST_SKIP() << kPython << " is not installed";
  if (run_shell(std::string(kPython) + " -c 'import torch'").exit_code != 0)
    GTEST_SKIP() << "no torch for " << kPython;
  TempDir dir;
  std::string command =
      std::string(kPython) + " " + HPSWEEP_SOURCE_DIR + "/tests/interop/recurrent_torch.py";
  for (const Case& c :
       {Case{"rnn", CellKind::rnn_tanh, 1, false}, Case{"gru", CellKind::gru, 1, false},
        Case{"lstm", CellKind::lstm, 1, false}, Case{"rnn_stacked", CellKind::rnn_tanh, 2, false},
        Case{"gru_stacked", CellKind::gru, 2, false},
        Case{"lstm_stacked", CellKind::lstm, 2, false},
        Case{"rnn_bidirectional", CellKind::rnn_tanh, 2, true},
        Case{"gru_bidirectional", CellKind::gru, 2, true},
        Case{"lstm_bidirectional", CellKind::lstm, 2, true}}) {
    const std::filesystem::path path = dir / (std::string(c.name) + ".txt");
    write_case(c, path);
    command += ' ';
    command += path.string();
  }
  const CommandResult python = run_shell(command);
  EXPECT_EQ(python.exit_code, 0) << python.output;
}

}  // namespace
}  // namespace hpsweep::testing
