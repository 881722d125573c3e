#include "common/conditions.h"

#include <algorithm>
#include <functional>

namespace hpsweep {
namespace {

size_t index_of(const std::vector<ParameterSpec>& parameters, const std::string& path) {
  return std::find_if(parameters.begin(), parameters.end(),
                      [&](const ParameterSpec& p) { return p.path == path; }) -
         parameters.begin();
}

}  // namespace

bool conditions_hold(const ParameterSpec& parameter, const std::vector<SweptValue>& chosen) {
  return std::all_of(parameter.when.begin(), parameter.when.end(), [&](const Condition& c) {
    const auto value = std::find_if(chosen.begin(), chosen.end(),
                                    [&](const SweptValue& v) { return v.path == c.path; });
    return value != chosen.end() &&
           std::find(c.values.begin(), c.values.end(), value->value) != c.values.end();
  });
}

std::vector<size_t> dependency_order(const std::vector<ParameterSpec>& parameters) {
  std::vector<size_t> order;
  std::vector<bool> placed(parameters.size(), false);
  // The first unplaced parameter whose conditions name only placed ones, again and again:
  // without conditions this is file order.
  while (order.size() < parameters.size()) {
    for (size_t i = 0; i < parameters.size(); ++i) {
      const bool ready =
          !placed[i] &&
          std::all_of(parameters[i].when.begin(), parameters[i].when.end(),
                      [&](const Condition& c) { return placed[index_of(parameters, c.path)]; });
      if (!ready) continue;
      placed[i] = true;
      order.push_back(i);
      break;
    }
  }
  return order;
}

std::vector<std::string> condition_cycle(const std::vector<ParameterSpec>& parameters,
                                         size_t start) {
  std::vector<std::string> path = {parameters[start].path};
  std::vector<bool> visited(parameters.size(), false);
  // Depth first along the conditions; `path` holds the walk from `start`.
  std::function<bool(size_t)> walk = [&](size_t i) {
    for (const Condition& c : parameters[i].when) {
      const size_t next = index_of(parameters, c.path);
      if (next == parameters.size()) continue;  // not swept: the parser reports that
      path.push_back(c.path);
      if (next == start) return true;
      if (!visited[next]) {
        visited[next] = true;
        if (walk(next)) return true;
      }
      path.pop_back();
    }
    return false;
  };
  return walk(start) ? path : std::vector<std::string>{};
}

}  // namespace hpsweep
