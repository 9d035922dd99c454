#include "controls.hpp"

#include <stdexcept>
#include <string>
#include <vector>

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

void honour(std::string& honoured, std::string_view header, std::string_view value) {
  honoured += honoured.empty() ? "" : ", ";
  honoured += header.substr(std::string_view("x-gatecheck-").size());
  honoured += '=';
  honoured += value;
}

// The header's value, or the API's 400 naming it; a value read is listed as honoured.
std::optional<std::uint64_t> parse(const Request& request, const NumberControl& control,
                                   std::optional<ApiError>& problem, std::string& honoured) {
  const auto value = request.header(control.header);
  if (!value) return std::nullopt;
  const auto parsed = parse_control_number(*value, control.min, control.max);
  if (parsed) honour(honoured, control.header, std::to_string(*parsed));
  if (!parsed) {
    problem = ApiError::invalid(std::string(control.header) + " must be a whole number from " +
                                    std::to_string(control.min) + " to " + std::to_string(control.max) +
                                    ", got '" + std::string(*value) + "'",
                                std::string(control.header), "invalid_header");
  }
  return parsed;
}

std::optional<std::uint64_t> number(const Request& request, const NumberControl& control,
                                    std::string& honoured) {
  std::optional<ApiError> problem;
  const auto value = parse(request, control, problem, honoured);
  if (problem) throw Rejected{std::move(*problem)};
  return value;
}

DeferredControl deferred(const Request& request, const NumberControl& control, std::string& honoured) {
  std::optional<ApiError> problem;
  const auto value = parse(request, control, problem, honoured);
  return DeferredControl(value, std::move(problem));
}

}  // namespace

std::optional<std::uint64_t> DeferredControl::get() const {
  if (problem_) throw Rejected{*problem_};
  return value_;
}

FaultSet server_faults(const ServerOptions& options) {
  FaultSet faults;
  for (const auto& spec : options.faults)
    faults.add(spec);
  return faults;
}

void read_controls(const Request& request, const ServerOptions& options, Controls& controls) {
  if (const auto listed = request.header("x-gatecheck-fault")) {
    std::vector<FaultSpec> specs;
    try {
      specs = parse_fault_list(*listed);
    } catch (const std::invalid_argument& e) {
      throw Rejected{ApiError::invalid(e.what(), "x-gatecheck-fault", "invalid_header")};
    }
    for (const auto& spec : specs)
      controls.faults.add(spec);
    honour(controls.honoured, "x-gatecheck-fault", *listed);
  }
  controls.length = deferred(request, kLength, controls.honoured);
  controls.stream_error_after = deferred(request, kStreamErrorAfter, controls.honoured);
  const auto& profile = options.profile;
  const auto first = number(request, kTimeToFirstToken, controls.honoured);
  const auto between = number(request, kInterToken, controls.honoured);
  controls.timing.first_token = std::chrono::milliseconds(
      first.value_or(options.time_to_first_token_ms.value_or(profile.time_to_first_token_ms)));
  controls.timing.between_tokens =
      std::chrono::milliseconds(between.value_or(options.inter_token_ms.value_or(profile.inter_token_ms)));
}

}  // namespace gatecheck::mock
