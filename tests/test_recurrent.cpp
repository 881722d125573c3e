// Recurrent layers (RNN, GRU, LSTM; stacked, bidirectional, with dropout and initial states)
// and token inputs (embedding, one-hot) through the finite-difference harness, plus the
// contracts the language model relies on: PyTorch's parameter names and shapes, truncated
// BPTT by carrying the final state over, and a Linear on the [T*B, H] view of the outputs.
// tests/test_recurrent_torch.cpp checks the same layers against PyTorch.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "support/gradient_check.h"
#include "worker/kernels/fast_math.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/embedding_layer.h"
#include "worker/layers/one_hot_layer.h"
#include "worker/layers/recurrent_layer.h"

namespace hpsweep::testing {
namespace {

void randomize_parameters(Layer& layer, uint64_t seed) {
  for (Parameter* p : layer.parameters()) p->value = random_tensor(p->value.shape(), seed++);
}

double weighted_sum(const Tensor& y, const Tensor& weights) {
  double total = 0;
  for (int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
  return total;
}

struct Case {
  const char* name;
  CellKind cell;
  int64_t layers = 1;
  bool bidirectional = false;
  bool initial_state = false;
  double dropout = 0.0;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

class RecurrentGradients : public ::testing::TestWithParam<Case> {};

// L = sum(y * R) + sum(h_n * S) (+ sum(c_n * S')): checks dL/dx, every parameter and, when
// the case has one, the initial state; the final-state terms check that its gradient enters.
TEST_P(RecurrentGradients, MatchFiniteDifferences) {
  const Case& c = GetParam();
  const int64_t steps = 4, batch = 3, input_size = 5, hidden = 4;
  RecurrentLayer layer({c.cell, input_size, hidden, c.layers, c.dropout, c.bidirectional});
  layer.set_index(7);
  randomize_parameters(layer, 10);
  const int64_t states = c.layers * layer.directions();
  const bool lstm = c.cell == CellKind::lstm;
  RecurrentState initial;
  if (c.initial_state) {
    initial.h = random_tensor({states, batch, hidden}, 3);
    if (lstm) initial.c = random_tensor({states, batch, hidden}, 4);
  }
  layer.set_initial_state(initial);  // shares storage: perturbing `initial` perturbs the layer's
  const int64_t sample_ids[] = {11, 12, 13};
  BatchContext context{c.dropout > 0 ? Mode::train : Mode::eval, 5, 2, sample_ids};

  Tensor x = random_tensor({steps, batch, input_size}, 1);
  const Tensor dy = random_tensor(layer.output_shape(x.shape()), 99);
  RecurrentState final_grad{random_tensor({states, batch, hidden}, 98),
                            lstm ? random_tensor({states, batch, hidden}, 97) : Tensor()};
  auto loss = [&] {
    const Tensor& y = layer.forward(x, context);
    double total = weighted_sum(y, dy) + weighted_sum(layer.final_state().h, final_grad.h);
    if (lstm) total += weighted_sum(layer.final_state().c, final_grad.c);
    return total;
  };
  loss();
  const Tensor dx = layer.backward(dy, final_grad, true).clone();
  const RecurrentState state_grad = layer.initial_state_grad().clone();
  std::vector<Tensor> param_grads;
  for (Parameter* p : layer.parameters()) param_grads.push_back(p->grad.clone());

  expect_gradient_matches("input", x, dx, loss);
  for (size_t i = 0; i < param_grads.size(); ++i)
    expect_gradient_matches(layer.parameters()[i]->name, layer.parameters()[i]->value,
                            param_grads[i], loss);
  if (c.initial_state) {
    expect_gradient_matches("h0", initial.h, state_grad.h, loss);
    if (lstm) expect_gradient_matches("c0", initial.c, state_grad.c, loss);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cells, RecurrentGradients,
    ::testing::Values(Case{"rnn", CellKind::rnn_tanh}, Case{"gru", CellKind::gru},
                      Case{"lstm", CellKind::lstm},
                      Case{"rnn_state", CellKind::rnn_tanh, 1, false, true},
                      Case{"gru_state", CellKind::gru, 1, false, true},
                      Case{"lstm_state", CellKind::lstm, 1, false, true},
                      Case{"rnn_stacked_dropout", CellKind::rnn_tanh, 2, false, true, 0.5},
                      Case{"gru_stacked_dropout", CellKind::gru, 3, false, true, 0.3},
                      Case{"lstm_stacked_dropout", CellKind::lstm, 2, false, true, 0.5},
                      Case{"rnn_bidirectional", CellKind::rnn_tanh, 1, true, true},
                      Case{"gru_bidirectional_stacked", CellKind::gru, 2, true, true, 0.5},
                      Case{"lstm_bidirectional_stacked", CellKind::lstm, 2, true, true}),
    case_name);

TEST(RecurrentLayer, HasPyTorchNamesShapesAndOrder) {
  RecurrentLayer lstm({CellKind::lstm, 10, 6, 2, 0.0, true});
  std::vector<std::string> names;
  for (Parameter* p : lstm.parameters()) names.push_back(p->name + shape_string(p->value.shape()));
  EXPECT_EQ(
      names,
      (std::vector<std::string>{
          "weight_ih_l0[24, 10]", "weight_hh_l0[24, 6]", "bias_ih_l0[24]", "bias_hh_l0[24]",
          "weight_ih_l0_reverse[24, 10]", "weight_hh_l0_reverse[24, 6]", "bias_ih_l0_reverse[24]",
          "bias_hh_l0_reverse[24]", "weight_ih_l1[24, 12]", "weight_hh_l1[24, 6]", "bias_ih_l1[24]",
          "bias_hh_l1[24]", "weight_ih_l1_reverse[24, 12]", "weight_hh_l1_reverse[24, 6]",
          "bias_ih_l1_reverse[24]", "bias_hh_l1_reverse[24]"}));
  EXPECT_EQ(RecurrentLayer({CellKind::gru, 10, 6}).parameters()[0]->value.shape(), Shape({18, 10}));
  EXPECT_EQ(RecurrentLayer({CellKind::rnn_tanh, 10, 6}).parameters()[1]->value.shape(),
            Shape({6, 6}));
  EXPECT_EQ(lstm.output_shape({35, 32, 10}), Shape({35, 32, 12}));
  EXPECT_FALSE(lstm.parameters()[0]->grad.empty());
  EXPECT_TRUE(lstm.parameters()[0]->decay);
  EXPECT_FALSE(lstm.parameters()[2]->decay);
}

// Sequential partitioning: two minibatches of 3 steps, the state carried over by copying,
// give the outputs of one minibatch of 6 steps.
TEST(RecurrentLayer, CarriedStateContinuesTheSequence) {
  for (CellKind cell : {CellKind::rnn_tanh, CellKind::gru, CellKind::lstm}) {
    RecurrentLayer layer({cell, 5, 4, 2});
    randomize_parameters(layer, 20);
    const Tensor x = random_tensor({6, 3, 5}, 1);
    const Tensor whole = layer.forward(x, {}).clone();
    const RecurrentState whole_final = layer.final_state().clone();
    layer.set_initial_state({});
    const Tensor first = layer.forward(x.rows(0, 3), {}).clone();
    layer.set_initial_state(layer.final_state().clone());
    const Tensor second = layer.forward(x.rows(3, 6), {}).clone();
    for (int64_t i = 0; i < first.size(); ++i) {
      EXPECT_EQ(first[i], whole[i]);
      EXPECT_EQ(second[i], whole[first.size() + i]);
    }
    for (int64_t i = 0; i < whole_final.h.size(); ++i)
      EXPECT_EQ(layer.final_state().h[i], whole_final.h[i]);
  }
}

// The dense output per step of d2l's RNNModel: a Linear on the [T*B, H] view of the outputs,
// its input gradient viewed back as [T, B, H]; checked end to end from the RNN's input.
TEST(RecurrentLayer, FeedsALinearOnTheFlattenedSteps) {
  RecurrentLayer rnn({CellKind::gru, 5, 4});
  DenseLayer linear(4, 7);
  randomize_parameters(rnn, 30);
  randomize_parameters(linear, 40);
  Tensor x = random_tensor({4, 3, 5}, 1);
  const Tensor weights = random_tensor({12, 7}, 2);
  auto loss = [&] {
    const Tensor& y = rnn.forward(x, {});
    return weighted_sum(linear.forward(y.reshaped({12, 4}), {}), weights);
  };
  loss();
  const Tensor& dh = linear.backward(weights, true);
  const Tensor dx = rnn.backward(dh.reshaped({4, 3, 4}), true).clone();
  expect_gradient_matches("input", x, dx, loss);
  const Tensor dw = linear.parameters()[0]->grad.clone();
  expect_gradient_matches("linear weight", linear.parameters()[0]->value, dw, loss);
}

TEST(RecurrentLayer, DropoutOnlyInTrainingAndFromTheSampleIds) {
  RecurrentLayer layer({CellKind::lstm, 5, 8, 2, 0.5});
  randomize_parameters(layer, 50);
  const Tensor x = random_tensor({4, 2, 5}, 1);
  const int64_t ids[] = {3, 4}, swapped[] = {4, 3};
  const Tensor eval = layer.forward(x, {Mode::eval}).clone();
  const Tensor train = layer.forward(x, {Mode::train, 1, 1, ids}).clone();
  const Tensor again = layer.forward(x, {Mode::train, 1, 1, ids}).clone();
  int differ = 0;
  for (int64_t i = 0; i < eval.size(); ++i) {
    differ += eval[i] != train[i];
    EXPECT_EQ(train[i], again[i]);
  }
  EXPECT_GT(differ, 0);
  // A sequence's mask follows its sample id, not its column: swap both and compare.
  Tensor x_swapped = x.clone();
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t j = 0; j < 5; ++j)
      std::swap(x_swapped[(t * 2) * 5 + j], x_swapped[(t * 2 + 1) * 5 + j]);
  const Tensor& y = layer.forward(x_swapped, {Mode::train, 1, 1, swapped});
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t j = 0; j < 8; ++j) EXPECT_EQ(y[(t * 2 + 1) * 8 + j], train[(t * 2) * 8 + j]);
  EXPECT_THROW(layer.forward(x, {Mode::train, 1, 1, nullptr}), std::logic_error);
}

TEST(RecurrentLayer, RejectsWrongShapes) {
  RecurrentLayer layer({CellKind::lstm, 5, 4, 2});
  try {
    layer.output_shape({3, 5});
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "LSTM(5, 4, num_layers=2) got input [3, 5]: expected [steps, batch, 5]");
  }
  layer.set_initial_state({Tensor({2, 3, 4}), Tensor({2, 2, 4})});
  try {
    layer.forward(Tensor({6, 3, 5}), {});
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "LSTM(5, 4, num_layers=2): expected initial state c [2, 3, 4], got [2, 2, 4]");
  }
}

TEST(Embedding, GradientAndLookup) {
  EmbeddingLayer embedding(6, 3);
  randomize_parameters(embedding, 60);
  const Tensor ids = [] {
    Tensor t({4, 2});
    const float values[] = {0, 5, 2, 2, 5, 1, 2, 0};  // repeats: their gradients add up
    for (int i = 0; i < 8; ++i) t[i] = values[i];
    return t;
  }();
  const Tensor& y = embedding.forward(ids, {});
  ASSERT_EQ(y.shape(), Shape({4, 2, 3}));
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_EQ(y[i * 3 + j],
                embedding.parameters()[0]->value[static_cast<int64_t>(ids[i]) * 3 + j]);
  const Tensor weights = random_tensor({4, 2, 3}, 2);
  auto loss = [&] { return weighted_sum(embedding.forward(ids, {}), weights); };
  EXPECT_TRUE(embedding.backward(weights, false).empty());
  const Tensor dw = embedding.parameters()[0]->grad.clone();
  expect_gradient_matches("weight", embedding.parameters()[0]->value, dw, loss);
  EXPECT_THROW(embedding.backward(weights, true), std::logic_error);
}

TEST(OneHot, MatchesTorchOneHot) {
  OneHotLayer one_hot(4);
  Tensor ids({2, 1});
  ids[0] = 3;
  ids[1] = 0;
  const Tensor& y = one_hot.forward(ids, {});
  ASSERT_EQ(y.shape(), Shape({2, 1, 4}));
  const float expected[] = {0, 0, 0, 1, 1, 0, 0, 0};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(y[i], expected[i]);
  for (float bad : {4.0f, -1.0f, 1.5f, NAN}) {
    ids[1] = bad;
    EXPECT_THROW(one_hot.forward(ids, {}), std::invalid_argument) << bad;
  }
}

// The cells' tanh against the library's, in units in the last place, on every 97th float of
// magnitude 2^-30 to 16, both signs.
TEST(FastMath, TanhWithinTwoUlp) {
  int64_t worst = 0;
  const int32_t first = std::bit_cast<int32_t>(std::ldexp(1.0f, -30));
  for (int32_t bits = first; bits < std::bit_cast<int32_t>(16.0f); bits += 97) {
    for (float x : {std::bit_cast<float>(bits), -std::bit_cast<float>(bits)}) {
      const int64_t ours = std::bit_cast<int32_t>(tanh_poly(x));
      worst = std::max(worst, std::abs(ours - std::bit_cast<int32_t>(std::tanh(x))));
    }
  }
  EXPECT_LE(worst, 2);
  EXPECT_EQ(std::bit_cast<uint32_t>(tanh_poly(-0.0f)), std::bit_cast<uint32_t>(-0.0f));
  EXPECT_EQ(tanh_poly(100.0f), 1.0f);
  EXPECT_EQ(tanh_poly(-100.0f), -1.0f);
  EXPECT_TRUE(std::isnan(tanh_poly(NAN)));
}

}  // namespace
}  // namespace hpsweep::testing
