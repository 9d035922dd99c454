#include "exchange.hpp"

#include <algorithm>
#include <map>

#include <gatecheck/core/document.hpp>

namespace gatecheck::runner {

using nlohmann::json;

Api api_of_url(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  if (url.ends_with("/chat/completions")) return Api::chat;
  if (url.ends_with("/completions")) return Api::completions;
  if (url.ends_with("/audio/speech")) return Api::speech;
  if (url.ends_with("/audio/transcriptions") || url.ends_with("/audio/translations"))
    return Api::transcription;
  if (url.ends_with("/images/generations") || url.ends_with("/images/edits")) return Api::images;
  // POST .../responses, and GET or DELETE .../responses/{id}
  const auto at = url.rfind("/responses");
  if (at != std::string_view::npos) {
    const std::string_view rest = url.substr(at + 10);
    if (rest.empty() || (rest.size() > 1 && rest[0] == '/' && rest.find('/', 1) == std::string_view::npos))
      return Api::responses;
  }
  return Api::other;
}

bool choice_has_content(const json& choice) {
  if (!choice.is_object()) return false;
  const auto text = choice.find("text");  // a legacy completion's piece
  if (text != choice.end() && text->is_string() && !text->get_ref<const std::string&>().empty()) return true;
  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) return false;
  const auto content = delta->find("content");
  if (content != delta->end() && content->is_string() && !content->get_ref<const std::string&>().empty())
    return true;
  const auto calls = delta->find("tool_calls");
  return calls != delta->end() && calls->is_array() && !calls->empty();
}

namespace {

const json* member(const std::optional<json>& object, const char* name) {
  if (!object || !object->is_object()) return nullptr;
  const auto found = object->find(name);
  return found == object->end() ? nullptr : &*found;
}

std::string_view type_of(const std::optional<json>& event) {
  const json* type = member(event, "type");
  return type != nullptr && type->is_string() ? std::string_view(type->get_ref<const std::string&>())
                                              : std::string_view();
}

bool choice_content(const json* choices) {
  if (choices == nullptr || !choices->is_array()) return false;
  return std::any_of(choices->begin(), choices->end(), [](const json& c) { return choice_has_content(c); });
}

}  // namespace

EventRole Exchange::event_role(std::size_t event) const {
  const auto& parsed = event_json[event];
  if (api() == Api::responses) {
    const std::string_view type = type_of(parsed);
    if (type.ends_with(".delta")) return EventRole::content;
    if (type == "error" || type == "response.failed") return EventRole::error;
    if (type == "response.completed" || type == "response.incomplete") return EventRole::end;
    return EventRole::other;
  }
  if (events[event].data == "[DONE]") return EventRole::end;
  if (choice_content(member(parsed, "choices"))) return EventRole::content;
  // {"error": null} beside a chunk's other members says there was none.
  if (const json* error = member(parsed, "error"); error != nullptr && !error->is_null())
    return EventRole::error;
  return EventRole::other;
}

const json* Exchange::event_error_message(std::size_t event) const {
  if (event_role(event) != EventRole::error) return nullptr;
  const auto& parsed = event_json[event];
  const json* error = member(parsed, "error");
  if (api() == Api::responses) {
    const json* failed = member(parsed, "response");
    const bool reported = failed != nullptr && failed->is_object() && failed->contains("error") &&
                          (*failed)["error"].is_object();
    // response.failed is the structured report itself, even when its error is null (the schema allows that).
    if (type_of(parsed) == "response.failed" && !reported) return member(parsed, "type");
    error = reported ? &(*failed)["error"] : &*parsed;
  }
  if (error == nullptr || !error->is_object()) return nullptr;
  const auto message = error->find("message");
  return message != error->end() && message->is_string() ? &*message : nullptr;
}

bool Exchange::stream_requested() const {
  return request_json.is_object() && request_json.value("stream", false) == true;
}

bool Exchange::is_event_stream() const {
  const auto type = response.headers.get("content-type");
  return type && media_type(*type) == "text/event-stream";
}

std::ptrdiff_t Exchange::done_index() const {
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].data == "[DONE]") return static_cast<std::ptrdiff_t>(i);
  return -1;
}

json Exchange::events_view() const {
  json out = json::array();
  for (std::size_t i = 0; i < events.size(); ++i)
    out.push_back(event_json[i] ? *event_json[i] : json(events[i].data));
  return out;
}

namespace {

// A Responses stream's Response: the terminal event's, else the items its output_item.done events carry.
json responses_view(const std::vector<std::optional<json>>& events) {
  std::map<std::int64_t, json> done;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const json* response = member(*it, "response");
    const std::string_view type = type_of(*it);
    if (response != nullptr && response->is_object() &&
        (type == "response.completed" || type == "response.incomplete" || type == "response.failed"))
      return *response;
  }
  for (const auto& event : events) {
    const json* index = member(event, "output_index");
    const json* item = member(event, "item");
    if (type_of(event) == "response.output_item.done" && index != nullptr && index->is_number_integer() &&
        item != nullptr)
      done[index->get<std::int64_t>()] = *item;
  }
  json output = json::array();
  for (auto& [index, item] : done)
    output.push_back(std::move(item));
  return json{{"object", "response"}, {"output", std::move(output)}};
}

// A legacy completions stream's text_completion: each choice's text pieces joined, its logprobs lists
// concatenated, its finish_reason, and the usage chunk's usage.
json completions_view(const std::vector<core::SseEvent>& events,
                      const std::vector<std::optional<json>>& parsed) {
  json view = {{"object", "text_completion"}};
  std::map<std::int64_t, json> choices;
  for (std::size_t e = 0; e < events.size() && events[e].data != "[DONE]"; ++e) {
    const json* list = member(parsed[e], "choices");
    if (const json* id = member(parsed[e], "id"); id != nullptr && !view.contains("id")) view["id"] = *id;
    if (const json* usage = member(parsed[e], "usage"); usage != nullptr && !usage->is_null())
      view["usage"] = *usage;
    if (list == nullptr || !list->is_array()) continue;
    for (const auto& choice : *list) {
      if (!choice.is_object() || !choice.contains("index") || !choice["index"].is_number_integer()) continue;
      json& out = choices[choice["index"].get<std::int64_t>()];
      if (out.is_null())
        out = {{"index", choice["index"]}, {"text", ""}, {"logprobs", nullptr}, {"finish_reason", nullptr}};
      if (choice.contains("text") && choice["text"].is_string())
        out["text"].get_ref<std::string&>() += choice["text"].get_ref<const std::string&>();
      if (choice.contains("finish_reason") && !choice["finish_reason"].is_null())
        out["finish_reason"] = choice["finish_reason"];
      const json logprobs = choice.value("logprobs", json(nullptr));
      if (!logprobs.is_object()) continue;
      if (!out["logprobs"].is_object()) out["logprobs"] = json::object();
      for (const auto& [name, values] : logprobs.items())
        if (values.is_array())
          for (const auto& value : values)
            out["logprobs"][name].push_back(value);
    }
  }
  json list = json::array();
  for (auto& [index, choice] : choices)
    list.push_back(std::move(choice));
  view["choices"] = std::move(list);
  return view;
}

}  // namespace

json Exchange::message_view() const {
  if (events.empty()) return body_json ? *body_json : json(nullptr);
  if (api() == Api::responses) return responses_view(event_json);
  if (api() == Api::completions) return completions_view(events, event_json);
  json view = json::object();
  std::map<std::int64_t, json> choices;  // by index
  for (std::size_t e = 0; e < events.size() && events[e].data != "[DONE]"; ++e) {
    const auto& parsed = event_json[e];
    if (!parsed || !parsed->is_object()) continue;
    const json& chunk = *parsed;
    for (const char* key : {"id", "model", "created", "system_fingerprint", "service_tier"})
      if (chunk.contains(key) && !view.contains(key)) view[key] = chunk[key];
    if (chunk.contains("usage") && !chunk["usage"].is_null()) view["usage"] = chunk["usage"];
    if (!chunk.contains("choices") || !chunk["choices"].is_array()) continue;
    for (const auto& choice : chunk["choices"]) {
      // A malformed choice is for the checks to report; the view assembles what it can read.
      if (!choice.is_object()) continue;
      const auto found_index = choice.find("index");
      const std::int64_t index = found_index != choice.end() && found_index->is_number_integer()
                                     ? found_index->get<std::int64_t>()
                                     : 0;
      json& out = choices[index];
      if (out.is_null()) out = {{"index", index}, {"message", json::object()}, {"finish_reason", nullptr}};
      json& message = out["message"];
      if (choice.contains("finish_reason") && !choice["finish_reason"].is_null())
        out["finish_reason"] = choice["finish_reason"];
      if (!choice.contains("delta") || !choice["delta"].is_object()) continue;
      const json& delta = choice["delta"];
      if (delta.contains("role") && delta["role"].is_string()) message["role"] = delta["role"];
      for (const char* text_key : {"content", "refusal"}) {
        if (delta.contains(text_key) && delta[text_key].is_string()) {
          if (!message.contains(text_key) || !message[text_key].is_string()) message[text_key] = "";
          message[text_key].get_ref<std::string&>() += delta[text_key].get_ref<const std::string&>();
        }
      }
      if (!delta.contains("tool_calls") || !delta["tool_calls"].is_array()) continue;
      json& calls = message["tool_calls"];
      if (!calls.is_array()) calls = json::array();
      for (const auto& fragment : delta["tool_calls"]) {
        if (!fragment.is_object()) continue;
        // A tool-call index beyond any real answer (or negative, or not a number) is ignored, not allocated.
        const auto found = fragment.find("index");
        const std::int64_t raw_index = found == fragment.end()      ? 0
                                       : found->is_number_integer() ? found->get<std::int64_t>()
                                                                    : -1;
        if (raw_index < 0 || raw_index > 127) continue;
        const auto call_index = static_cast<std::size_t>(raw_index);
        while (calls.size() <= call_index)
          calls.push_back(
              {{"id", nullptr}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}});
        json& call = calls[call_index];
        if (fragment.contains("id") && fragment["id"].is_string()) call["id"] = fragment["id"];
        if (fragment.contains("type") && fragment["type"].is_string()) call["type"] = fragment["type"];
        if (fragment.contains("function") && fragment["function"].is_object()) {
          const json& function = fragment["function"];
          if (function.contains("name") && function["name"].is_string())
            call["function"]["name"] =
                call["function"]["name"].get<std::string>() + function["name"].get<std::string>();
          if (function.contains("arguments") && function["arguments"].is_string())
            call["function"]["arguments"].get_ref<std::string&>() +=
                function["arguments"].get_ref<const std::string&>();
        }
      }
    }
  }
  view["object"] = "chat.completion";
  json list = json::array();
  for (auto& [index, choice] : choices) {
    if (!choice["message"].contains("content") && !choice["message"].contains("tool_calls"))
      choice["message"]["content"] = nullptr;
    list.push_back(std::move(choice));
  }
  view["choices"] = std::move(list);
  return view;
}

json unstreamed(json request) {
  if (request.is_object()) {
    request.erase("stream");
    request.erase("stream_options");
  }
  return request;
}

void finish_exchange(Exchange& exchange) {
  exchange.event_json.clear();
  for (const auto& event : exchange.events) {
    if (event.data == "[DONE]") {
      exchange.event_json.emplace_back();
      continue;
    }
    json parsed = core::parse_untrusted_json(event.data);
    exchange.event_json.push_back(parsed.is_discarded() ? std::nullopt
                                                        : std::optional<json>(std::move(parsed)));
  }
  if (exchange.events.empty() && !exchange.response.body.empty()) {
    json parsed = core::parse_untrusted_json(exchange.response.body);
    if (!parsed.is_discarded()) exchange.body_json = std::move(parsed);
  }
}

}  // namespace gatecheck::runner
