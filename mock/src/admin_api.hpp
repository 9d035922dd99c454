// /admin: the mock's control API, behind the admin token (Authorization: Bearer <token> or X-Admin-Token),
// described in schemas/openapi.yaml and served at /admin/openapi.json. A route table of one small function
// per task: webhooks, keys and usage (admin_api.cpp), stubs and scenarios (admin_stubs.cpp), the journal and
// the description (admin_journal.cpp).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gatecheck/core/redact.hpp>
#include <gatecheck/schema/validator.hpp>

#include "call_context.hpp"
#include "state.hpp"

namespace gatecheck::mock {

struct AdminCall {
  const CallContext& context;
  State& state;
  std::int64_t now;
  const schema::CompiledSchema& stub_format;  // schemas/stub.schema.json
  const core::Redactor& redactor;             // what the journal masks

  const Request& request() const { return context.request; }
};

bool is_admin_path(std::string_view path);
// The route table as (method, path), a path ending in '/' taking the rest as its parameter: what the test of
// the served description compares with it.
std::vector<std::pair<std::string_view, std::string_view>> admin_routes();
// Throws Rejected: 404 when the admin API is off or the path is unknown, 401 for a wrong token, 400s naming
// the parameter.
Reply admin_api(const AdminCall& call);

// For the tasks. The body as a JSON object, or the API's 400.
nlohmann::json object_body(const AdminCall& call);
std::string required_string(const nlohmann::json& object, const char* name);
// The query's parameters: one not in `known`, or given twice, is a 400 naming it.
std::map<std::string, std::string> query_params(const AdminCall& call,
                                                std::initializer_list<std::string_view> known);
// A non-negative integer parameter (`fallback` when absent); anything else is a 400 naming it.
std::uint64_t count_param(const std::map<std::string, std::string>& params, const std::string& name,
                          std::uint64_t fallback);
Reply no_content();

// admin_stubs.cpp
Reply create_stub(AdminCall& call);
Reply list_stubs(AdminCall& call);
Reply get_stub(AdminCall& call);
Reply replace_stub(AdminCall& call);
Reply delete_stub(AdminCall& call);
Reply delete_stubs(AdminCall& call);
Reply reset_stubs(AdminCall& call);
Reply list_scenarios(AdminCall& call);
Reply set_scenario(AdminCall& call);
Reply reset_scenarios(AdminCall& call);

// admin_journal.cpp
Reply list_requests(AdminCall& call);
Reply find_requests(AdminCall& call);
Reply count_requests(AdminCall& call);
Reply clear_requests(AdminCall& call);
Reply admin_description(AdminCall& call);

}  // namespace gatecheck::mock
