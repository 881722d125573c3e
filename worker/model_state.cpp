#include "worker/model_state.h"

#include <algorithm>

#include "common/error.h"
#include "worker/finetune.h"

namespace hpsweep {
namespace {

// The entries whose names are under none of `skipped` (training.finetune.reinit).
template <typename Entry>
std::vector<const Entry*> kept(const std::vector<Entry>& entries,
                               const std::vector<std::string>& skipped) {
  std::vector<const Entry*> out;
  for (const Entry& e : entries)
    if (!under_any_layer(e.name, skipped)) out.push_back(&e);
  return out;
}

}  // namespace

std::vector<NamedTensor> snapshot_parameters(const Model& model) {
  std::vector<NamedTensor> params;
  for (const NamedState& s : model.state()) params.push_back({s.name, s.tensor->clone()});
  return params;
}

void load_parameters(Model& model, const std::vector<NamedTensor>& checkpoint,
                     const std::string& source, const std::vector<std::string>& reinit) {
  const std::vector<const NamedState*> expected = kept(model.state(), reinit);
  const std::vector<const NamedTensor*> params = kept(checkpoint, reinit);
  const std::string prefix = source + ": architecture differs from the trial's model: ";
  for (size_t i = 0; i < std::max(expected.size(), params.size()); ++i) {
    if (i >= params.size())
      throw UserError(prefix + "the checkpoint has no parameter " + expected[i]->name);
    if (i >= expected.size())
      throw UserError(prefix + "the model has no parameter " + params[i]->name);
    const Tensor& want = *expected[i]->tensor;
    if (params[i]->name != expected[i]->name)
      throw UserError(prefix + "parameter " + std::to_string(i) + " is " + params[i]->name +
                      " in the checkpoint, " + expected[i]->name + " in the model");
    if (params[i]->tensor.shape() != want.shape())
      throw UserError(prefix + params[i]->name + " has shape " +
                      shape_string(params[i]->tensor.shape()) + " in the checkpoint, " +
                      shape_string(want.shape()) + " in the model");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& from = params[i]->tensor;
    std::copy(from.data(), from.data() + from.size(), expected[i]->tensor->data());
  }
}

}  // namespace hpsweep
