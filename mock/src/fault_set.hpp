// The faults in force for one request (always-on ones plus the x-gatecheck-fault header).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gatecheck/mock/faults.hpp>

namespace gatecheck::mock {

class FaultSet {
 public:
  void add(const FaultSpec& spec) {
    bits_.set(static_cast<std::size_t>(spec.fault));
    if (!spec.parameter) return;
    for (auto& [fault, value] : parameters_)
      if (fault == spec.fault) {
        value = *spec.parameter;  // a later spec of the same fault wins
        return;
      }
    parameters_.emplace_back(spec.fault, *spec.parameter);
  }
  bool has(Fault fault) const { return bits_.test(static_cast<std::size_t>(fault)); }
  std::uint64_t parameter(Fault fault, std::uint64_t fallback) const {
    for (const auto& [which, value] : parameters_)
      if (which == fault) return value;
    return fallback;
  }
  bool empty() const { return bits_.none(); }
  std::string names() const {
    std::string out;
    for (const auto& info : fault_catalog()) {
      if (!has(info.fault)) continue;
      if (!out.empty()) out += ',';
      out += info.name;
    }
    return out;
  }

 private:
  std::bitset<128> bits_;
  std::vector<std::pair<Fault, std::uint64_t>> parameters_;  // the few faults that take a parameter
};

}  // namespace gatecheck::mock
