#include "common/control_messages.h"

#include <cstring>

#include "common/error.h"

namespace hpsweep {
namespace {

constexpr uint32_t kMagic = 0x48505357;  // "HPSW"

// Fixed-size fields are copied bytewise: every rank of a job runs the same binary on the same
// kind of machine, so no byte-order conversion is needed.
class Writer {
 public:
  template <typename T>
  void put(const T& value) {
    const auto* p = reinterpret_cast<const uint8_t*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void put_string(const std::string& s) {
    put(static_cast<uint64_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void put_value(const ConfigValue& value) {
    put(static_cast<uint32_t>(value.index()));
    if (auto* b = std::get_if<bool>(&value))
      put(static_cast<uint8_t>(*b));
    else if (auto* i = std::get_if<int64_t>(&value))
      put(*i);
    else if (auto* d = std::get_if<double>(&value))
      put(*d);
    else
      put_string(std::get<std::string>(value));
  }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  std::string get_string() {
    const auto size = get<uint64_t>();
    need(size);
    std::string s(bytes_.begin() + offset_, bytes_.begin() + offset_ + size);
    offset_ += size;
    return s;
  }
  ConfigValue get_value() {
    switch (get<uint32_t>()) {
      case 0:
        return get<uint8_t>() != 0;
      case 1:
        return get<int64_t>();
      case 2:
        return get<double>();
      case 3:
        return get_string();
    }
    throw Error("control message with a value of unknown type");
  }

 private:
  void need(size_t n) const {
    if (offset_ + n > bytes_.size()) throw Error("control message truncated");
  }
  const std::vector<uint8_t>& bytes_;
  size_t offset_ = 0;
};

}  // namespace

std::vector<uint8_t> encode_message(const ControlMessage& message) {
  Writer w;
  w.put(kMagic);
  w.put(kProtocolVersion);
  w.put(static_cast<uint32_t>(message.index()));
  if (auto* m = std::get_if<AssignTrialMessage>(&message)) {
    w.put(m->trial_id);
    w.put(m->resume_epoch);
    w.put(static_cast<uint8_t>(m->judged));
    w.put(static_cast<uint64_t>(m->hyperparameters.size()));
    for (const SweptValue& v : m->hyperparameters) {
      w.put_string(v.path);
      w.put_value(v.value);
    }
    w.put(m->run_generation);
  } else if (auto* m = std::get_if<EpochMessage>(&message)) {
    w.put(m->trial_id);
    w.put(m->metrics);
    w.put(static_cast<uint8_t>(m->checkpointed));
  } else if (auto* m = std::get_if<JudgeMessage>(&message)) {
    w.put(m->trial_id);
    w.put(m->metrics);
  } else if (auto* m = std::get_if<VerdictMessage>(&message)) {
    w.put(m->epoch);
    w.put(static_cast<uint8_t>(m->proceed));
  } else if (auto* m = std::get_if<TrialEndMessage>(&message)) {
    w.put(m->trial_id);
    w.put(static_cast<int32_t>(m->status));
    w.put(m->epoch);
    w.put_string(m->message);
  }
  return w.take();
}

ControlMessage decode_message(const std::vector<uint8_t>& bytes) {
  Reader r(bytes);
  if (r.get<uint32_t>() != kMagic) throw Error("not an hpsweep control message");
  const auto version = r.get<uint32_t>();
  if (version != kProtocolVersion)
    throw Error("control message of protocol version " + std::to_string(version) +
                ", this hpsweep speaks version " + std::to_string(kProtocolVersion) +
                ": run the same hpsweep binary on every rank");
  switch (r.get<uint32_t>()) {
    case 0: {
      AssignTrialMessage m;
      m.trial_id = r.get<int64_t>();
      m.resume_epoch = r.get<int64_t>();
      m.judged = r.get<uint8_t>() != 0;
      const auto count = r.get<uint64_t>();
      for (uint64_t i = 0; i < count; ++i) {
        std::string path = r.get_string();
        m.hyperparameters.push_back({std::move(path), r.get_value()});
      }
      m.run_generation = r.get<int64_t>();
      return m;
    }
    case 1:
      return ShutdownMessage{};
    case 2: {
      EpochMessage m;
      m.trial_id = r.get<int64_t>();
      m.metrics = r.get<EpochMetrics>();
      m.checkpointed = r.get<uint8_t>() != 0;
      return m;
    }
    case 3: {
      TrialEndMessage m;
      m.trial_id = r.get<int64_t>();
      m.status = static_cast<TrialStatus>(r.get<int32_t>());
      m.epoch = r.get<int64_t>();
      m.message = r.get_string();
      return m;
    }
    case 4: {
      JudgeMessage m;
      m.trial_id = r.get<int64_t>();
      m.metrics = r.get<EpochMetrics>();
      return m;
    }
    case 5: {
      VerdictMessage m;
      m.epoch = r.get<int64_t>();
      m.proceed = r.get<uint8_t>() != 0;
      return m;
    }
  }
  throw Error("control message of unknown kind");
}

}  // namespace hpsweep
