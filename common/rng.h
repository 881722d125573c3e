// Deterministic random numbers. We write our own rather than use <random>: the standard
// distributions are implementation-defined (results would change with the C++ library), and
// hpsweep promises bit-identical trials. Two tools:
//  - counter_hash(): a stateless hash of (key, counter...) for values that must be a function
//    of *what* they are for, e.g. a dropout mask bit of (trial, layer, epoch, sample, feature),
//    so results do not depend on how a batch is split across ranks or threads;
//  - Rng: a small splitmix64 stream for sequential draws (shuffles, initialisation, sampling).
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace hpsweep {

// splitmix64's finaliser: a bijective 64-bit mixer with good avalanche.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr uint64_t counter_hash(std::initializer_list<uint64_t> words) {
  uint64_t h = 0x6a09e667f3bcc909ULL;
  for (uint64_t w : words) h = mix64(h ^ (w + 0x9e3779b97f4a7c15ULL));
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next_u64() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) without modulo bias: reject draws from the incomplete last block.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
  }
  // Standard normal by Box-Muller (one draw per call keeps the state a single word).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

}  // namespace hpsweep
