// Which model answers, and the vendor conditions that stop it: a profile's routing (eco-mode, a fallback
// provider) and errors.conditions, brought about by the vendor-condition faults.
#include <gatecheck/core/headers.hpp>

#include "call_context.hpp"

namespace gatecheck::mock {
namespace {

constexpr std::string_view kRoutedPath = "chat/completions";  // the route whose models are routed

bool plan_has(const CallContext& context, const std::string& feature) {
  const auto& limits = context.profile().rate_limits;
  const auto plan = limits.plans.find(context.plan.empty() ? limits.default_plan : context.plan);
  return plan != limits.plans.end() && plan->second.has(feature);
}

// Eco-mode applies to the models it lists, for plans with its feature, unless the request opts out.
bool eco_applies(const CallContext& context, const vendor::ModelClaim& requested) {
  const auto& routing = context.profile().routing;
  if (routing.eco_to.empty() || !plan_has(context, routing.eco_feature)) return false;
  if (std::find(routing.eco_from.begin(), routing.eco_from.end(), requested.id) == routing.eco_from.end())
    return false;
  if (routing.eco_opt_out_header.empty()) return true;
  const auto opt_out = context.request.header(routing.eco_opt_out_header);
  return !(opt_out && core::iequals(*opt_out, "true"));
}

}  // namespace

ApiError condition_error(const vendor::Profile& profile, std::string_view condition) {
  const auto claim = profile.condition(condition);
  return ApiError{claim.status, claim.message, claim.type, claim.param, claim.code, {}};
}

void refuse_in_conditions(const CallContext& context, std::string_view route_path) {
  // Most requests carry no fault: one test, no walk through the catalog. A repeat met no condition the first
  // time.
  if (context.faults().empty() || !context.replay_of.empty()) return;
  const bool asks_provider = context.request.method == "POST";
  for (const auto& info : fault_catalog()) {
    if (!context.faults().has(info.fault)) continue;
    const auto condition = condition_of(info.fault);
    if (condition.empty()) continue;
    const bool upstream = condition.starts_with("upstream");
    if (upstream && !asks_provider) continue;
    if (condition == "upstream_down" && route_path == kRoutedPath) continue;  // route_model's to decide
    throw Rejected{condition_error(context.profile(), condition)};
  }
}

const vendor::ModelClaim& route_model(CallContext& context, const vendor::ModelClaim& requested) {
  const auto& profile = context.profile();
  const vendor::ModelClaim* model = &requested;
  if (!context.replay_model.empty()) {  // an Idempotency-Key repeat: what served the first answer
    if (const auto* first = profile.find_model(context.replay_model)) model = first;
    context.served_model = model;
    return *model;
  }
  if (eco_applies(context, requested)) model = profile.find_model(profile.routing.eco_to);
  if (context.faults().has(Fault::upstream_down)) {
    const auto& fallback = profile.routing.fallback_to;
    if (fallback.empty() || !plan_has(context, profile.routing.fallback_feature))
      throw Rejected{condition_error(profile, "upstream_down")};
    model = profile.find_model(fallback);
    context.fallback = true;
  }
  context.served_model = model;
  return *model;
}

}  // namespace gatecheck::mock
