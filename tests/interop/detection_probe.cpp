// Runs one detection op of worker/detection on tensors read from stdin and writes its results
// to stdout, for detection_ops.py to compare with torchvision.ops:
//   detection_probe iou | to_center | to_corners | nms THRESHOLD | nms_per_class THRESHOLD
//                   | roi_pool POOLED_HEIGHT POOLED_WIDTH SPATIAL_SCALE | map THRESHOLD
// A tensor is written as its rank, its dimensions, then its values, separated by whitespace;
// floats with 9 significant digits, so they survive the round trip exactly.
#include <cstdio>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "worker/detection/average_precision.h"
#include "worker/detection/box.h"
#include "worker/detection/nms.h"
#include "worker/detection/roi_pool_op.h"

namespace hpsweep {
namespace {

Tensor read_tensor() {
  int rank = 0;
  if (!(std::cin >> rank)) throw std::runtime_error("missing tensor");
  Shape shape(rank);
  for (int64_t& d : shape) std::cin >> d;
  Tensor t(shape);
  for (int64_t i = 0; i < t.size(); ++i) std::cin >> t[i];
  if (!std::cin) throw std::runtime_error("short tensor");
  return t;
}

void write_tensor(const Shape& shape, std::span<const float> values) {
  std::printf("%d", static_cast<int>(shape.size()));
  for (int64_t d : shape) std::printf(" %lld", static_cast<long long>(d));
  for (float v : values) std::printf(" %.9g", v);
  std::printf("\n");
}

std::vector<Box> boxes(const Tensor& t) {
  std::vector<Box> result(t.dim(0));
  for (int64_t i = 0; i < t.dim(0); ++i)
    result[i] = {t[i * 4], t[i * 4 + 1], t[i * 4 + 2], t[i * 4 + 3]};
  return result;
}

void write_boxes(std::span<const Box> b) {
  std::vector<float> values;
  for (const Box& box : b) values.insert(values.end(), {box.x1, box.y1, box.x2, box.y2});
  write_tensor({static_cast<int64_t>(b.size()), 4}, values);
}

void write_indices(const std::vector<int64_t>& indices) {
  write_tensor({static_cast<int64_t>(indices.size())},
               std::vector<float>(indices.begin(), indices.end()));
}

void run(const std::vector<std::string>& args) {
  const std::string& op = args.at(0);
  if (op == "iou") {
    const std::vector<Box> a = boxes(read_tensor()), b = boxes(read_tensor());
    write_tensor({static_cast<int64_t>(a.size()), static_cast<int64_t>(b.size())},
                 iou_matrix(a, b));
  } else if (op == "to_center") {
    const std::vector<Box> b = boxes(read_tensor());
    std::vector<float> centers;
    for (const Box& box : b) {
      const CenterBox c = to_center(box);
      centers.insert(centers.end(), {c.cx, c.cy, c.w, c.h});
    }
    write_tensor({static_cast<int64_t>(b.size()), 4}, centers);
  } else if (op == "to_corners") {
    const Tensor centers = read_tensor();
    std::vector<Box> b;
    for (int64_t i = 0; i < centers.dim(0); ++i)
      b.push_back(
          to_corners({centers[i * 4], centers[i * 4 + 1], centers[i * 4 + 2], centers[i * 4 + 3]}));
    write_boxes(b);
  } else if (op == "nms" || op == "nms_per_class") {
    const float threshold = std::stof(args.at(1));
    const std::vector<Box> b = boxes(read_tensor());
    const Tensor scores = read_tensor();
    const std::span<const float> s(scores.data(), scores.size());
    if (op == "nms") {
      write_indices(nms(b, s, threshold));
    } else {
      const Tensor classes = read_tensor();
      const std::vector<int64_t> c(classes.data(), classes.data() + classes.size());
      write_indices(nms_per_class(b, s, c, threshold));
    }
  } else if (op == "roi_pool") {
    RoiPool pool(std::stoll(args.at(1)), std::stoll(args.at(2)), std::stof(args.at(3)));
    const Tensor x = read_tensor(), regions = read_tensor(), dy = read_tensor();
    const Tensor& y = pool.forward(x, regions);
    write_tensor(y.shape(), {y.data(), static_cast<size_t>(y.size())});
    const Tensor& dx = pool.backward(dy);
    write_tensor(dx.shape(), {dx.data(), static_cast<size_t>(dx.size())});
  } else if (op == "map") {
    // Detections [D, 7] (image, class, score, x1, y1, x2, y2) and truth [T, 6] (image, class,
    // x1, y1, x2, y2) give mAP at THRESHOLD and mAP@0.5:0.95.
    const Tensor d = read_tensor(), t = read_tensor();
    std::vector<ScoredBox> found;
    for (int64_t i = 0; i < d.dim(0); ++i) {
      const float* r = d.data() + 7 * i;
      found.push_back(
          {static_cast<int64_t>(r[0]), static_cast<int64_t>(r[1]), r[2], {r[3], r[4], r[5], r[6]}});
    }
    std::vector<TruthBox> truth;
    for (int64_t i = 0; i < t.dim(0); ++i) {
      const float* r = t.data() + 6 * i;
      truth.push_back(
          {static_cast<int64_t>(r[0]), static_cast<int64_t>(r[1]), {r[2], r[3], r[4], r[5]}});
    }
    const float map =
        static_cast<float>(mean_average_precision(found, truth, std::stod(args.at(1))));
    const float map50_95 = static_cast<float>(mean_average_precision_50_95(found, truth));
    write_tensor({2}, std::vector<float>{map, map50_95});
  } else {
    throw std::invalid_argument("unknown op " + op);
  }
}

}  // namespace
}  // namespace hpsweep

int main(int argc, char** argv) {
  try {
    hpsweep::run({argv + 1, argv + argc});
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "detection_probe: %s\n", e.what());
    return 1;
  }
}
