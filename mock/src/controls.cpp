#include "controls.hpp"

#include <stdexcept>
#include <string>

#include "api_error.hpp"
#include "control_number.hpp"

namespace gatecheck::mock {
namespace {

// The numeric control headers and their ranges: one row each.
struct NumberControl {
  std::string_view header;
  std::uint64_t min;
  std::uint64_t max;
};
constexpr NumberControl kTimeToFirstToken{"x-gatecheck-ttft-ms", 0, kMaxControlMilliseconds};
constexpr NumberControl kInterToken{"x-gatecheck-itl-ms", 0, kMaxControlMilliseconds};
constexpr NumberControl kLength{"x-gatecheck-length", 1, 100'000};
constexpr NumberControl kStreamErrorAfter{"x-gatecheck-stream-error-after", 0, 1'000'000};

std::optional<std::uint64_t> number(const Request& request, const NumberControl& control) {
  const auto value = request.header(control.header);
  if (!value) return std::nullopt;
  const auto parsed = parse_control_number(*value, control.min, control.max);
  if (!parsed) {
    throw Rejected{ApiError::invalid(std::string(control.header) + " must be a whole number from " +
                                         std::to_string(control.min) + " to " + std::to_string(control.max) +
                                         ", got '" + std::string(*value) + "'",
                                     std::string(control.header), "invalid_header")};
  }
  return parsed;
}

}  // namespace

Controls read_controls(const Request& request, const ServerOptions& options) {
  Controls controls;
  for (const auto& spec : options.faults)
    controls.faults.add(spec);
  if (const auto listed = request.header("x-gatecheck-fault")) {
    try {
      for (const auto& spec : parse_fault_list(*listed))
        controls.faults.add(spec);
    } catch (const std::invalid_argument& e) {
      throw Rejected{ApiError::invalid(e.what(), "x-gatecheck-fault", "invalid_header")};
    }
  }
  const auto& profile = options.profile;
  const auto first = number(request, kTimeToFirstToken);
  const auto between = number(request, kInterToken);
  controls.timing.first_token = std::chrono::milliseconds(
      first.value_or(options.time_to_first_token_ms.value_or(profile.time_to_first_token_ms)));
  controls.timing.between_tokens =
      std::chrono::milliseconds(between.value_or(options.inter_token_ms.value_or(profile.inter_token_ms)));
  controls.length = number(request, kLength);
  controls.stream_error_after = number(request, kStreamErrorAfter);
  return controls;
}

}  // namespace gatecheck::mock
