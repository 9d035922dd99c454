// /admin: the mock's control API, behind the admin token (Authorization: Bearer <token> or X-Admin-Token).
// A route table of one small function per task (admin_api.cpp).
#pragma once

#include <cstdint>

#include "call_context.hpp"
#include "state.hpp"

namespace gatecheck::mock {

bool is_admin_path(std::string_view path);
// Throws Rejected: 404 when the admin API is off or the path is unknown, 401 for a wrong token, 400s naming
// the parameter.
Reply admin_api(const CallContext& context, State& state, std::int64_t now);

}  // namespace gatecheck::mock
