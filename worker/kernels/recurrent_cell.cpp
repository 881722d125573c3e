#include "worker/kernels/recurrent_cell.h"

namespace hpsweep {

// Each defined in its cell's file.
const RecurrentCell& rnn_tanh_cell();
const RecurrentCell& gru_cell();
const RecurrentCell& lstm_cell();

const RecurrentCell& recurrent_cell(CellKind kind) {
  switch (kind) {
    case CellKind::rnn_tanh:
      return rnn_tanh_cell();
    case CellKind::gru:
      return gru_cell();
    case CellKind::lstm:
      break;
  }
  return lstm_cell();
}

}  // namespace hpsweep
