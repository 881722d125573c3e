// A fresh temporary folder per test, removed afterwards.
#pragma once

#include "common/temp_folder.h"

namespace hpsweep::testing {

struct TempDir : TempFolder {
  TempDir() : TempFolder("hpsweep-test") {}
};

}  // namespace hpsweep::testing
