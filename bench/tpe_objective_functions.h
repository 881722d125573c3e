// The analytic objectives of issue 22's benchmark 7 (bench/tpe_vs_optuna.py), as Optuna's side
// of that script computes them: branin (2-D), hartmann6 (6-D), rosenbrock10 (log(1 + f) of the
// 10-D Rosenbrock function), conditional (a choice between two sub-spaces). Their search spaces
// are the specs the script writes.
#pragma once

#include <functional>
#include <string>

namespace hpsweep {

// The objective `name` at the point whose coordinates `value_of("x1")` gives as written in a
// spec ("0.1234", "quadratic"); throws std::invalid_argument for an unknown name.
double objective_value(const std::string& name,
                       const std::function<std::string(const std::string&)>& value_of);

}  // namespace hpsweep
