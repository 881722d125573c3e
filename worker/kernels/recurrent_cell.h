// The elementwise half of one time step of a recurrent cell (PyTorch's nn.RNN with tanh,
// nn.GRU, nn.LSTM), over the rows of a batch. The matrix products around it, x W_ih^T for all
// steps at once, h W_hh^T per step and their transposes in backward, are the same for every
// cell and live in the time loop (worker/layers/recurrent_direction.cpp).
//
// Gates are stored [B, gates * H] in PyTorch's order: LSTM i, f, g, o; GRU r, z, n.
#pragma once

#include <cstdint>

namespace hpsweep {

enum class CellKind { rnn_tanh, gru, lstm };

struct CellForward {
  int64_t batch, hidden;
  // In: the pre-activations x W_ih^T + b_ih, plus h W_hh^T + b_hh unless the hidden
  // projection is separate. Out: what backward needs (the gates' activations).
  float* gates;
  const float* hidden_projection;  // separate only: h_prev W_hh^T + b_hh, [B, gates * H]
  const float* h_prev;             // [B, H]
  const float* c_prev;             // LSTM only
  float* h;                        // out: [B, H]
  float* c;                        // out, LSTM only
};

struct CellBackward {
  int64_t batch, hidden;
  const float* gates;              // as forward left them
  const float* hidden_projection;  // separate only
  const float* h_prev;
  const float* c_prev;  // LSTM only
  const float* h;
  const float* c;              // LSTM only
  const float* dh;             // dL/dh of this step, from the output and from the next step
  float* dc;                   // LSTM only: in dL/dc of this step, out dL/dc_prev (in place)
  float* d_gates;              // out: dL/d(input pre-activation), [B, gates * H]
  float* d_hidden_projection;  // out, separate only: dL/d(h_prev W_hh^T + b_hh)
  // Out: the part of dL/dh_prev that bypasses W_hh (GRU's z * dh; zero for the others). The
  // time loop adds d(hidden pre-activation) W_hh.
  float* dh_prev;
};

class RecurrentCell {
 public:
  virtual ~RecurrentCell() = default;
  virtual int gate_count() const = 0;  // RNN 1, GRU 3, LSTM 4: weights are [gates * H, in]
  virtual bool has_cell_state() const = 0;
  // GRU multiplies W_hn h + b_hn by the reset gate, so h's projection cannot be summed into
  // x's as RNN's and LSTM's can.
  virtual bool separate_hidden_projection() const = 0;
  virtual void forward(const CellForward& step) const = 0;
  virtual void backward(const CellBackward& step) const = 0;
};

const RecurrentCell& recurrent_cell(CellKind kind);

}  // namespace hpsweep
