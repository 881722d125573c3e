// The model types, one file each in common/models/ (or one per family): each entry holds the
// type's name, the book's width and depth, what it needs, and its network as a layer list
// (common/models/network_writer.h). common/model_types.cpp lists them.
#pragma once

#include <vector>

#include "common/layer_spec.h"
#include "common/model_types.h"

namespace hpsweep {

std::vector<ModelType> dense_model_types();  // softmax, linear, mlp
std::vector<ModelType> lenet_model_types();  // lenet, lenet-bn
ModelType alexnet_model_type();
ModelType vgg_model_type();
ModelType nin_model_type();
ModelType googlenet_model_type();
ModelType resnet_model_type();
ModelType densenet_model_type();
ModelType rnn_lm_model_type();
ModelType tiny_ssd_model_type();  // common/models/tiny_ssd.h

// AlexNet's and VGG's classifier (common/models/alexnet.cpp): Flatten, two [Linear(4096
// scaled), ReLU, Dropout] and the output Linear, appended to `layers`.
void write_dropout_head(const ModelConfig& config, int64_t book_width, LayerList& layers);

}  // namespace hpsweep
