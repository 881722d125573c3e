#include "worker/model_state.h"

#include <algorithm>

#include "common/error.h"

namespace hpsweep {

std::vector<NamedTensor> snapshot_parameters(const Model& model) {
  std::vector<NamedTensor> params;
  for (const NamedState& s : model.state()) params.push_back({s.name, s.tensor->clone()});
  return params;
}

void load_parameters(Model& model, const std::vector<NamedTensor>& params,
                     const std::string& source) {
  const auto& expected = model.state();
  const std::string prefix = source + ": architecture differs from the trial's model: ";
  for (size_t i = 0; i < std::max(expected.size(), params.size()); ++i) {
    if (i >= params.size())
      throw UserError(prefix + "the checkpoint has no parameter " + expected[i].name);
    if (i >= expected.size())
      throw UserError(prefix + "the model has no parameter " + params[i].name);
    const Tensor& want = *expected[i].tensor;
    if (params[i].name != expected[i].name)
      throw UserError(prefix + "parameter " + std::to_string(i) + " is " + params[i].name +
                      " in the checkpoint, " + expected[i].name + " in the model");
    if (params[i].tensor.shape() != want.shape())
      throw UserError(prefix + params[i].name + " has shape " +
                      shape_string(params[i].tensor.shape()) + " in the checkpoint, " +
                      shape_string(want.shape()) + " in the model");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    Tensor& target = *expected[i].tensor;
    std::copy(params[i].tensor.data(), params[i].tensor.data() + target.size(), target.data());
  }
}

}  // namespace hpsweep
