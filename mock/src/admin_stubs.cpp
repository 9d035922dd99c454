// /admin/stubs and /admin/scenarios: stubs added, listed, replaced and removed at run time, and the states of
// their scenarios (docs/mock.md, Stubs).
#include <stdexcept>

#include "admin_api.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

// A stub from the request's body, or a 400 naming where in it the problem is (a JSON Pointer as `param`).
std::shared_ptr<const CompiledStub> stub_from_body(const AdminCall& call) {
  const json body = object_body(call);
  try {
    return read_stub(body, call.stub_format, "");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    const std::string pointer = what.substr(0, what.find(": "));
    throw Rejected{ApiError::invalid("Invalid stub: " + what, pointer.empty() ? json(nullptr) : json(pointer),
                                     "invalid_stub")};
  }
}

ApiError no_stub(const std::string& id) {
  return ApiError{404, "No stub with id '" + id + "'.", {}, nullptr, "stub_not_found", {}};
}

}  // namespace

Reply create_stub(AdminCall& call) {
  auto stub = stub_from_body(call);
  try {
    return json_reply(201, call.state.stubs.add(std::move(stub)).dump());
  } catch (const std::length_error& e) {
    throw Rejected{
        ApiError::invalid(std::string(e.what()) + "; remove some first.", nullptr, "too_many_stubs")};
  } catch (const std::invalid_argument& e) {
    throw Rejected{ApiError{409, e.what(), {}, "id", "stub_exists", {}}};
  }
}

Reply list_stubs(AdminCall& call) {
  query_params(call, {});
  return json_reply(200, call.state.stubs.list().dump());
}

Reply get_stub(AdminCall& call) {
  const std::string id(call.context.parameter);
  const auto stub = call.state.stubs.get(id);
  if (!stub) throw Rejected{no_stub(id)};
  return json_reply(200, stub->dump());
}

Reply replace_stub(AdminCall& call) {
  const std::string id(call.context.parameter);
  auto stub = stub_from_body(call);
  if (!stub->id.empty() && stub->id != id)
    throw Rejected{ApiError::invalid("The body's id '" + stub->id + "' is not the path's '" + id + "'.", "id",
                                     "invalid_value")};
  const auto replaced = call.state.stubs.replace(id, std::move(stub));
  if (!replaced) throw Rejected{no_stub(id)};
  return json_reply(200, replaced->dump());
}

Reply delete_stub(AdminCall& call) {
  const std::string id(call.context.parameter);
  if (!call.state.stubs.remove(id)) throw Rejected{no_stub(id)};
  return json_reply(200, json{{"id", id}, {"object", "stub.deleted"}, {"deleted", true}}.dump());
}

Reply delete_stubs(AdminCall& call) {
  call.state.stubs.remove_all();
  return no_content();
}

Reply reset_stubs(AdminCall& call) {
  call.state.stubs.reset();
  return no_content();
}

Reply list_scenarios(AdminCall& call) {
  query_params(call, {});
  return json_reply(200, call.state.stubs.scenarios().dump());
}

Reply set_scenario(AdminCall& call) {
  const std::string name(call.context.parameter);
  const std::string state = required_string(object_body(call), "state");
  const std::string problem = call.state.stubs.set_state(name, state);
  if (problem == "unknown scenario")
    throw Rejected{ApiError{
        404, "No stub takes part in scenario '" + name + "'.", {}, nullptr, "scenario_not_found", {}}};
  if (!problem.empty()) throw Rejected{ApiError::invalid(problem + ".", "state", "invalid_value")};
  return json_reply(200, json{{"name", name}, {"state", state}}.dump());
}

Reply reset_scenarios(AdminCall& call) {
  call.state.stubs.reset_scenarios();
  return no_content();
}

}  // namespace gatecheck::mock
