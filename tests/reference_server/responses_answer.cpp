// POST /v1/responses, the answer: seeded output items in a Response object, sent whole or as a stream of
// events, and kept for GET /v1/responses/{id} and DELETE unless store is false.
#include <chrono>

#include "generation.hpp"
#include "instances.hpp"
#include "request_json.hpp"
#include "responses.hpp"
#include "responses_stream.hpp"

namespace gatecheck::testing::reference {
namespace {

struct Output {
  json items = json::array();
  std::size_t tokens = 0;
  bool cut = false;  // by max_output_tokens
};

std::string item_id(Rng& ids) {  // 48 hex digits, like the API's ids
  return hex(ids.next(), 16) + hex(ids.next(), 16) + hex(ids.next(), 16);
}

void add_calls(const ResponsesPlan& plan, Rng& rng, Rng& ids, Output& out) {
  for (const ToolCall& call : make_calls(plan.tools, plan.tool_mode, plan.named_tool, plan.parallel, rng)) {
    out.items.push_back({{"id", "fc_" + item_id(ids)},
                         {"type", "function_call"},
                         {"call_id", call.id},
                         {"name", call.name},
                         {"arguments", call.arguments},
                         {"status", "completed"}});
    out.tokens += 1 + fragments(call.arguments, 8).size();
  }
}

void add_message(const ResponsesPlan& plan, Rng& rng, Rng& ids, Output& out) {
  std::string text = prose(rng);
  if (plan.format == "json_object") text = to_text({{"answer", text}, {"words", word_count(text)}});
  if (plan.format == "json_schema") text = to_text(instance_of(plan.schema, rng));
  std::vector<std::string> pieces = tokenize(text);
  if (pieces.size() > plan.max_output_tokens) {
    pieces.resize(plan.max_output_tokens);
    out.cut = true;
    text.clear();
    for (const std::string& piece : pieces)
      text += piece;
  }
  out.tokens += pieces.size();
  const json part = {
      {"type", "output_text"}, {"text", text}, {"annotations", json::array()}, {"logprobs", json::array()}};
  out.items.push_back({{"id", "msg_" + item_id(ids)},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"status", out.cut ? "incomplete" : "completed"},
                       {"content", json::array({part})}});
}

json response_json(const ResponsesPlan& plan, const Output& out, const std::string& id) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  json response = plan.echo;
  response.update({{"id", id},
                   {"object", "response"},
                   {"created_at", now},
                   {"status", out.cut ? "incomplete" : "completed"},
                   {"completed_at", out.cut ? json() : json(now)},
                   {"error", nullptr},
                   {"incomplete_details", out.cut ? json{{"reason", "max_output_tokens"}} : json()},
                   {"model", std::string(plan.model->snapshot)},
                   {"output", out.items},
                   {"tools", plan.tools}});
  response["usage"] = {{"input_tokens", plan.input_tokens},
                       {"input_tokens_details", {{"cached_tokens", 0}, {"cache_write_tokens", 0}}},
                       {"output_tokens", out.tokens},
                       {"output_tokens_details", {{"reasoning_tokens", 0}}},
                       {"total_tokens", plan.input_tokens + out.tokens}};
  return response;
}

[[noreturn]] void not_found(const std::string& id) {
  throw ApiError(404, "Response with id '" + id + "' not found.");
}

}  // namespace

Response responses_response(const json& body, ResponseStore& store) {
  const ResponsesPlan plan = parse_responses(body, store);
  Rng rng(plan.seed);
  Rng ids(plan.seed ^ 0x7265737030ULL);  // ids apart from the content, from the same seed
  const std::string id = "resp_" + item_id(ids);
  Output out;
  const bool call_tools = plan.tool_mode == "required" || plan.tool_mode == "named" ||
                          (plan.tool_mode == "auto" && plan.last_from_user);
  if (call_tools)
    add_calls(plan, rng, ids, out);
  else
    add_message(plan, rng, ids, out);
  const json response = response_json(plan, out, id);
  if (plan.store) store.put(id, {response, plan.conversation});
  if (!plan.stream) return json_response(200, response);
  Response res;
  res.stream = true;
  res.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-cache"}};
  res.events = response_events(response);
  return res;
}

Response stored_response(const std::string& method, const std::string& id, ResponseStore& store) {
  if (method == "DELETE") {
    if (!store.erase(id)) not_found(id);
    // The reference's example names the deleted object "response".
    return json_response(200, {{"id", id}, {"object", "response"}, {"deleted", true}});
  }
  const auto entry = store.get(id);
  if (!entry) not_found(id);
  return json_response(200, entry->response);
}

}  // namespace gatecheck::testing::reference
