#include "worker/data/detection_set_file.h"

#include "common/version.h"
#include "storage/hdf5_util.h"
#include "worker/data/detection_canvas.h"

namespace hpsweep {
namespace {

constexpr int64_t kDetectionSetFormat = 1;  // bumped when the layout below changes

// /<part>/images [N, 1, S, S]; the objects as columns of one table, one row per object, rows
// grouped by image in paste order: what pandas turns into a DataFrame in one line.
void write_part(H5::H5File& file, const std::string& part, const Dataset& set) {
  H5::Group group = file.createGroup(part);
  h5::write_tensor(group, "images", set.inputs);
  std::vector<int64_t> image_index, labels, source_index;
  std::vector<float> corners;
  for (size_t i = 0; i < set.objects.size(); ++i)
    for (const DetectionObject& object : set.objects[i]) {
      image_index.push_back(static_cast<int64_t>(i));
      labels.push_back(object.label);
      source_index.push_back(object.source);
      corners.insert(corners.end(), {object.box.x1, object.box.y1, object.box.x2, object.box.y2});
    }
  Tensor boxes({static_cast<int64_t>(labels.size()), 4});
  std::copy(corners.begin(), corners.end(), boxes.data());
  h5::write_tensor(group, "boxes", boxes);
  h5::write_integers(group, "labels", labels);
  h5::write_integers(group, "image_index", image_index);
  h5::write_integers(group, "source_index", source_index);
}

}  // namespace

void write_detection_set_file(const std::string& path, const TrainTestData& data,
                              const DatasetConfig& config, const std::string& spec_text) {
  const size_t pixels = sizeof(float) * (data.train.inputs.size() + data.test.inputs.size());
  h5::write_atomically(
      path,
      [&](H5::H5File& file) {
        h5::write_attribute(file, "hpsweep_version", std::string(kVersion));
        h5::write_attribute(file, "format_version", kDetectionSetFormat);
        h5::write_attribute(file, "dataset", config.name);
        h5::write_attribute(file, "source_path", config.path);
        h5::write_attribute(file, "seed", static_cast<uint64_t>(config.seed));
        const CanvasRules rules = canvas_rules(config);
        h5::write_attribute(file, "input_size", rules.size);
        h5::write_attribute(file, "max_objects", rules.max_objects);
        h5::write_attribute(file, "spec", spec_text);
        write_part(file, "train", data.train);
        write_part(file, "test", data.test);
      },
      pixels + pixels / 8);
}

}  // namespace hpsweep
