#include "worker/blocks/layer_makers.h"

#include "worker/layers/activation_layer.h"
#include "worker/layers/avg_pool2d_layer.h"
#include "worker/layers/batch_norm_layer.h"
#include "worker/layers/conv2d_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/dropout_layer.h"
#include "worker/layers/flatten_layer.h"
#include "worker/layers/global_avg_pool2d_layer.h"
#include "worker/layers/max_pool2d_layer.h"

namespace hpsweep {

std::unique_ptr<Layer> conv2d(int64_t in, int64_t out, int64_t kernel, int64_t padding,
                              int64_t stride) {
  return std::make_unique<Conv2dLayer>(in, out, kernel, stride, padding);
}

std::unique_ptr<Layer> max_pool(int64_t kernel, int64_t stride, int64_t padding) {
  return std::make_unique<MaxPool2dLayer>(kernel, stride, padding);
}

std::unique_ptr<Layer> avg_pool(int64_t kernel, int64_t stride, int64_t padding) {
  return std::make_unique<AvgPool2dLayer>(kernel, stride, padding);
}

std::unique_ptr<Layer> global_avg_pool() {
  return std::make_unique<GlobalAvgPool2dLayer>();
}

std::unique_ptr<Layer> batch_norm2d(int64_t channels) {
  return std::make_unique<BatchNormLayer>(channels, true);
}

std::unique_ptr<Layer> batch_norm1d(int64_t features) {
  return std::make_unique<BatchNormLayer>(features, false);
}

std::unique_ptr<Layer> linear(int64_t in, int64_t out) {
  return std::make_unique<DenseLayer>(in, out);
}

std::unique_ptr<Layer> relu() {
  return std::make_unique<ActivationLayer>(Activation::relu);
}

std::unique_ptr<Layer> sigmoid() {
  return std::make_unique<ActivationLayer>(Activation::sigmoid);
}

std::unique_ptr<Layer> dropout(double p) {
  return std::make_unique<DropoutLayer>(p);
}

std::unique_ptr<Layer> flatten() {
  return std::make_unique<FlattenLayer>();
}

}  // namespace hpsweep
