// The faults in force for one request (always-on ones plus the x-gatecheck-fault header).
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <gatecheck/mock/faults.hpp>

namespace gatecheck::mock {

class FaultSet {
 public:
  void add(const FaultSpec& spec) {
    bits_.set(static_cast<std::size_t>(spec.fault));
    if (spec.parameter) parameters_[spec.fault] = *spec.parameter;
  }
  bool has(Fault fault) const { return bits_.test(static_cast<std::size_t>(fault)); }
  std::uint64_t parameter(Fault fault, std::uint64_t fallback) const {
    const auto it = parameters_.find(fault);
    return it == parameters_.end() ? fallback : it->second;
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
  std::bitset<64> bits_;
  std::map<Fault, std::uint64_t> parameters_;
};

}  // namespace gatecheck::mock
