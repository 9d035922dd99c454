// responses.*: the Responses API's typed event stream (OpenAI API reference, "Streaming events"): numbered
// events, a lifecycle per output item, deltas that assemble to their done events, and one terminal event
// carrying the whole Response.
#include <map>

#include <gatecheck/core/utf8.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

struct Typed {
  std::size_t event;  // position among the stream's events
  const json* data;
  std::string type;
};

std::vector<Typed> typed_events(const Exchange& ex) {
  std::vector<Typed> out;
  for (std::size_t i = 0; i < ex.events.size(); ++i) {
    const auto& parsed = ex.event_json[i];
    if (!parsed || !parsed->is_object() || !parsed->contains("type") || !(*parsed)["type"].is_string())
      continue;
    out.push_back({i, &*parsed, (*parsed)["type"].get<std::string>()});
  }
  return out;
}

std::string at(const Typed& e) {
  return "event " + std::to_string(e.event) + " (" + e.type + ")";
}

bool is_terminal(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" || type == "response.failed" ||
         type == "error";
}

std::optional<std::int64_t> integer(const json& data, const char* name) {
  const auto found = data.find(name);
  if (found == data.end() || !found->is_number_integer()) return std::nullopt;
  return found->get<std::int64_t>();
}

std::string text_of(const json& data, const char* name) {
  const auto found = data.find(name);
  return found != data.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Verdict sequence_numbers(const Exchange& ex) {
  const auto events = typed_events(ex);
  if (events.empty()) return Verdict::not_applicable("no typed events in the stream");
  std::optional<std::int64_t> last;
  for (const auto& e : events) {
    const auto number = integer(*e.data, "sequence_number");
    if (!number)
      return Verdict::fail(at(e) + " has no integer sequence_number", "an integer",
                           describe_value(e.data->value("sequence_number", json(nullptr))));
    if (last && *number <= *last)
      return Verdict::fail(at(e) + " has sequence_number " + std::to_string(*number) + ", not above the " +
                               std::to_string(*last) + " before it",
                           "above " + std::to_string(*last), std::to_string(*number));
    last = number;
  }
  return Verdict::pass(std::to_string(events.size()) + " events, the last numbered " + std::to_string(*last));
}

// The lifecycle of the output items: what was added and is still open, by output_index.
struct Item {
  std::string id;
  bool done = false;
  std::map<std::int64_t, bool> parts;  // content_index -> done
};

// An event about an item's content must name an open item by its index and id.
std::optional<Verdict> check_item_event(const Typed& e, std::map<std::int64_t, Item>& items) {
  const auto index = integer(*e.data, "output_index");
  if (!index) return Verdict::fail(at(e) + " has no integer output_index", "output_index", "absent");
  const auto found = items.find(*index);
  if (found == items.end() || found->second.done)
    return Verdict::fail(at(e) + " is about output item " + std::to_string(*index) + ", which is " +
                             (found == items.end() ? "not added yet" : "already done"),
                         "an event between response.output_item.added and .done", e.type);
  if (e.data->contains("item_id") && text_of(*e.data, "item_id") != found->second.id)
    return Verdict::fail(at(e) + " names item_id " + describe_value((*e.data)["item_id"]) +
                             " for output item " + std::to_string(*index),
                         describe_value(json(found->second.id)), describe_value((*e.data)["item_id"]));
  if (!e.type.starts_with("response.content_part.") && !e.type.starts_with("response.output_text.") &&
      !e.type.starts_with("response.refusal."))
    return std::nullopt;
  const auto content = integer(*e.data, "content_index");
  if (!content) return Verdict::fail(at(e) + " has no integer content_index", "content_index", "absent");
  auto& parts = found->second.parts;
  const auto part = parts.find(*content);
  if (e.type == "response.content_part.added") {
    if (part != parts.end())
      return Verdict::fail(at(e) + " adds content part " + std::to_string(*content) + " twice", "once",
                           "twice");
    parts[*content] = false;
  } else if (part == parts.end() || part->second) {
    return Verdict::fail(at(e) + " is about content part " + std::to_string(*content) + ", which is " +
                             (part == parts.end() ? "not added" : "already done"),
                         "an event between response.content_part.added and .done", e.type);
  } else if (e.type == "response.content_part.done") {
    part->second = true;
  }
  return std::nullopt;
}

std::optional<Verdict> check_item_boundary(const Typed& e, std::map<std::int64_t, Item>& items) {
  const auto index = integer(*e.data, "output_index");
  const json item = e.data->value("item", json(nullptr));
  if (!index || !item.is_object())
    return Verdict::fail(at(e) + " lacks output_index or item", "output_index and item",
                         describe_value(*e.data));
  const std::string id = text_of(item, "id");
  if (e.type == "response.output_item.added") {
    if (items.contains(*index))
      return Verdict::fail(at(e) + " adds output item " + std::to_string(*index) + " twice", "once", "twice");
    items[*index].id = id;
    return std::nullopt;
  }
  const auto found = items.find(*index);
  if (found == items.end() || found->second.done)
    return Verdict::fail(at(e) + " closes output item " + std::to_string(*index) + ", which is " +
                             (found == items.end() ? "not added" : "already done"),
                         "one response.output_item.done per added item", e.type);
  if (id != found->second.id)
    return Verdict::fail(at(e) + " closes output item " + std::to_string(*index) + " under another id",
                         describe_value(json(found->second.id)), describe_value(json(id)));
  for (const auto& [content, done] : found->second.parts)
    if (!done)
      return Verdict::fail(at(e) + " closes output item " + std::to_string(*index) +
                               " while its content part " + std::to_string(content) + " is open",
                           "response.content_part.done first", "still open");
  found->second.done = true;
  return std::nullopt;
}

Verdict event_lifecycle(const Exchange& ex) {
  const auto events = typed_events(ex);
  if (events.empty()) return Verdict::not_applicable("no typed events in the stream");
  if (events.front().type != "response.created")
    return Verdict::fail("the stream opens with " + events.front().type, "response.created first",
                         events.front().type);
  std::map<std::int64_t, Item> items;
  bool ended = false;
  for (const auto& e : events) {
    const auto& sse = ex.events[e.event];
    if (sse.has_event_field && sse.type != e.type)
      return Verdict::fail(
          "event " + std::to_string(e.event) + " is named '" + sse.type + "' but its data says " + e.type,
          "event: " + e.type, "event: " + sse.type);
    ended = ended || e.type == "response.completed" || e.type == "response.incomplete";
    std::optional<Verdict> problem;
    if (e.type == "response.output_item.added" || e.type == "response.output_item.done") {
      problem = check_item_boundary(e, items);
    } else if (e.data->contains("output_index")) {
      problem = check_item_event(e, items);
    }
    if (problem) return *problem;
  }
  // A stream that failed or broke off may leave items open; one that completed may not.
  if (ended)
    for (const auto& [index, item] : items)
      if (!item.done)
        return Verdict::fail("output item " + std::to_string(index) + " was added and never done",
                             "response.output_item.done for every added item", "none");
  return Verdict::pass(std::to_string(items.size()) + (items.size() == 1 ? " output item" : " output items"));
}

// What the deltas of one text part or one function call assemble to, and what its done events say.
struct Assembly {
  std::string deltas;
  std::vector<std::pair<std::string, std::string>> claims;  // (where, the whole text it states)
};

void collect(const Typed& e, std::map<std::pair<std::int64_t, std::int64_t>, Assembly>& parts) {
  const auto index = integer(*e.data, "output_index");
  if (!index) return;
  const std::int64_t content = integer(*e.data, "content_index").value_or(-1);
  const auto key =
      std::make_pair(*index, e.type.starts_with("response.function_call_arguments.") ? -1 : content);
  if (e.type.ends_with(".delta")) {
    parts[key].deltas += text_of(*e.data, "delta");
  } else if (e.type == "response.output_text.done") {
    parts[key].claims.emplace_back(at(e), text_of(*e.data, "text"));
  } else if (e.type == "response.refusal.done") {
    parts[key].claims.emplace_back(at(e), text_of(*e.data, "refusal"));
  } else if (e.type == "response.function_call_arguments.done") {
    parts[key].claims.emplace_back(at(e), text_of(*e.data, "arguments"));
  } else if (e.type == "response.content_part.done") {
    const json part = e.data->value("part", json::object());
    parts[key].claims.emplace_back(
        at(e), part.is_object() ? text_of(part, part.contains("refusal") ? "refusal" : "text") : "");
  } else if (e.type == "response.output_item.done") {
    const json item = e.data->value("item", json::object());
    if (!item.is_object()) return;
    if (item.value("type", "") == "function_call") {
      parts[{*index, -1}].claims.emplace_back(at(e), text_of(item, "arguments"));
      return;
    }
    const json content_parts = item.value("content", json::array());
    for (std::size_t c = 0; content_parts.is_array() && c < content_parts.size(); ++c)
      if (content_parts[c].is_object())
        parts[{*index, static_cast<std::int64_t>(c)}].claims.emplace_back(
            at(e), text_of(content_parts[c], content_parts[c].contains("refusal") ? "refusal" : "text"));
  }
}

// Where a done event and its deltas part ways, shown from a little before that point: long texts that
// differ in one word are told apart at a glance.
Verdict drift(const std::string& where, const std::string& what, const std::string& whole,
              const std::string& deltas) {
  std::size_t at = 0;
  while (at < whole.size() && at < deltas.size() && whole[at] == deltas[at])
    ++at;
  const std::size_t from = at > 12 ? at - 12 : 0;
  const auto window = [&](const std::string& text) {
    return describe_value(json(core::utf8_prefix(text.substr(std::min(from, text.size())), 48)), 60);
  };
  const std::string lead = from > 0 ? "..." : "";
  return Verdict::fail(where + " states " + what +
                           " otherwise than its deltas assemble it: they part at character " +
                           std::to_string(at) + " of " + std::to_string(whole.size()),
                       lead + window(deltas) + " (the deltas)", lead + window(whole));
}

Verdict deltas_assemble(const Exchange& ex) {
  std::map<std::pair<std::int64_t, std::int64_t>, Assembly> parts;
  for (const auto& e : typed_events(ex))
    collect(e, parts);
  std::size_t judged = 0;
  for (const auto& [key, part] : parts) {
    const std::string what = key.second < 0 ? "the arguments of output item " + std::to_string(key.first)
                                            : "content part " + std::to_string(key.second) +
                                                  " of output item " + std::to_string(key.first);
    for (const auto& [where, whole] : part.claims) {
      ++judged;
      if (whole != part.deltas) return drift(where, what, whole, part.deltas);
    }
  }
  if (judged == 0) return Verdict::not_applicable("no done events to hold the deltas to");
  return Verdict::pass();
}

// The items the stream closed, by output_index: what the terminal Response must carry.
std::map<std::int64_t, json> done_items(const std::vector<Typed>& events, std::size_t& added) {
  std::map<std::int64_t, json> done;
  added = 0;
  for (const auto& e : events) {
    const auto index = integer(*e.data, "output_index");
    if (e.type == "response.output_item.added") ++added;
    if (e.type == "response.output_item.done" && index) done[*index] = e.data->value("item", json(nullptr));
  }
  return done;
}

Verdict terminal_event(const Exchange& ex) {
  const auto events = typed_events(ex);
  std::vector<const Typed*> terminals;
  for (const auto& e : events)
    if (is_terminal(e.type)) terminals.push_back(&e);
  if (terminals.empty())
    return Verdict::fail(
        "the stream ended after " + std::to_string(ex.events.size()) + " events without a terminal event",
        "response.completed, response.incomplete or response.failed",
        events.empty() ? "no typed events" : "last: " + events.back().type);
  // A failure told twice (response.failed and the older `error` frame, in either order) is one failure.
  const bool failure_pair =
      terminals.size() == 2 && (terminals[0]->type == "error") != (terminals[1]->type == "error") &&
      (terminals[0]->type == "response.failed" || terminals[1]->type == "response.failed");
  if (terminals.size() > 1 && !failure_pair)
    return Verdict::fail(std::to_string(terminals.size()) + " terminal events (" + terminals[0]->type + ", " +
                             terminals[1]->type + ")",
                         "exactly one", std::to_string(terminals.size()));
  const Typed& terminal = *terminals.back();
  // A trailing data: [DONE], which some relays add out of chat habit, is tolerated: the SDKs ignore it.
  const std::size_t end = ex.events.size() - (ex.events.back().data == "[DONE]" ? 1 : 0);
  if (terminal.event + 1 < end)
    return Verdict::fail(std::to_string(end - terminal.event - 1) + " events follow " + at(terminal),
                         "the terminal event last", describe_value(json(ex.events[terminal.event + 1].data)));
  if (terminal.type == "response.failed" || terminal.type == "error")
    return Verdict::pass(terminal.type + " (the stream reported its failure)");
  const json response = terminal.data->value("response", json(nullptr));
  const std::string status = terminal.type.substr(std::string_view("response.").size());
  if (!response.is_object() || response.value("status", "") != status)
    return Verdict::fail(
        at(terminal) + " does not carry a Response with status " + status, "response.status '" + status + "'",
        response.is_object() ? describe_value(response.value("status", json(nullptr))) : "no response");
  std::size_t added = 0;
  const auto done = done_items(events, added);
  const json output = response.value("output", json(nullptr));
  if (!output.is_array() || output.size() != added)
    return Verdict::fail(
        at(terminal) + ": its output does not hold the " + std::to_string(added) + " items the stream added",
        std::to_string(added) + " items",
        output.is_array() ? std::to_string(output.size()) + " items" : "no output");
  for (const auto& [index, item] : done)
    if (index < 0 || static_cast<std::size_t>(index) >= output.size() ||
        output[static_cast<std::size_t>(index)] != item)
      return Verdict::fail(
          at(terminal) + ": output[" + std::to_string(index) + "] differs from the item the stream closed",
          describe_value(item),
          index >= 0 && static_cast<std::size_t>(index) < output.size()
              ? describe_value(output[static_cast<std::size_t>(index)])
              : "absent");
  if (!response.contains("usage") || !response["usage"].is_object()) {
    // The reference does not require usage in a Response: a gateway that drops it is judged at SHOULD.
    Verdict verdict =
        Verdict::fail(at(terminal) + " carries no usage", "usage {input_tokens, output_tokens, total_tokens}",
                      describe_value(response.value("usage", json(nullptr))));
    verdict.severity = Severity::should;
    return verdict;
  }
  return Verdict::pass(terminal.type + " with " + std::to_string(output.size()) + " output items");
}

template <Verdict (*rule)(const Exchange&)>
Verdict responses_rule(const CheckContext&, const Exchange* ex) {
  const int status = ex->response.status;
  if (status < 200 || status >= 300)
    return Verdict::not_applicable("not a stream: status " + std::to_string(status));
  if (ex->api() != Api::responses) return Verdict::not_applicable("not a Responses API request");
  if (ex->events.empty() && !ex->stream_requested()) return Verdict::not_applicable("not a stream");
  return rule(*ex);
}

}  // namespace

Verdict responses_sequence_numbers(const CheckContext& c, const Exchange* ex) {
  return responses_rule<&sequence_numbers>(c, ex);
}
Verdict responses_event_lifecycle(const CheckContext& c, const Exchange* ex) {
  return responses_rule<&event_lifecycle>(c, ex);
}
Verdict responses_deltas_assemble(const CheckContext& c, const Exchange* ex) {
  return responses_rule<&deltas_assemble>(c, ex);
}
Verdict responses_terminal_event(const CheckContext& c, const Exchange* ex) {
  return responses_rule<&terminal_event>(c, ex);
}

}  // namespace gatecheck::runner
