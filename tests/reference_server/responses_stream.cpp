// POST /v1/responses with stream: true: the finished Response replayed as the reference's event sequence,
// so the stream assembles to exactly the non-streamed answer.
#include "responses_stream.hpp"

#include "sse.hpp"

namespace gatecheck::testing::reference {
namespace {

// Numbers the events (sequence_number from 0) and writes each with its `event:` field.
class EventWriter {
 public:
  void add(const char* type, json data) {
    data["type"] = type;
    data["sequence_number"] = sequence_++;
    blocks_.push_back(sse_event(to_text(data), blocks_.size(), type));
  }
  std::vector<std::string> take() { return std::move(blocks_); }

 private:
  std::vector<std::string> blocks_{sse_opening()};
  std::size_t sequence_ = 0;
};

void message_events(const json& item, std::size_t index, EventWriter& out) {
  const json id = item.at("id");
  json started = item;
  started["status"] = "in_progress";
  started["content"] = json::array();
  out.add("response.output_item.added", {{"output_index", index}, {"item", started}});
  const json& part = item.at("content").at(0);
  json empty = part;
  empty["text"] = "";
  const json place = {{"item_id", id}, {"output_index", index}, {"content_index", 0}};
  const auto with = [&place](json extra) {
    extra.update(place);
    return extra;
  };
  out.add("response.content_part.added", with({{"part", empty}}));
  const std::string text = part.at("text").get<std::string>();
  for (const std::string& piece : tokenize(text))  // one event per token
    out.add("response.output_text.delta", with({{"delta", piece}, {"logprobs", json::array()}}));
  out.add("response.output_text.done", with({{"text", text}, {"logprobs", json::array()}}));
  out.add("response.content_part.done", with({{"part", part}}));
  out.add("response.output_item.done", {{"output_index", index}, {"item", item}});
}

void call_events(const json& item, std::size_t index, EventWriter& out) {
  json started = item;
  started["status"] = "in_progress";
  started["arguments"] = "";
  out.add("response.output_item.added", {{"output_index", index}, {"item", started}});
  const std::string arguments = item.at("arguments").get<std::string>();
  for (const std::string& part : fragments(arguments, 8))
    out.add("response.function_call_arguments.delta",
            {{"item_id", item.at("id")}, {"output_index", index}, {"delta", part}});
  out.add("response.function_call_arguments.done", {{"item_id", item.at("id")},
                                                    {"output_index", index},
                                                    {"arguments", arguments},
                                                    {"name", item.at("name")}});
  out.add("response.output_item.done", {{"output_index", index}, {"item", item}});
}

}  // namespace

std::vector<std::string> response_events(const json& response) {
  EventWriter out;
  json started = response;
  started["status"] = "in_progress";
  started["output"] = json::array();
  started["completed_at"] = nullptr;
  started["incomplete_details"] = nullptr;
  started.erase("usage");  // not known yet; ResponseUsage is not nullable
  out.add("response.created", {{"response", started}});
  out.add("response.in_progress", {{"response", started}});
  const json& output = response.at("output");
  for (std::size_t i = 0; i < output.size(); ++i) {
    if (output[i].at("type") == "message")
      message_events(output[i], i, out);
    else
      call_events(output[i], i, out);
  }
  const bool cut = response.at("status") == "incomplete";
  out.add(cut ? "response.incomplete" : "response.completed", {{"response", response}});
  return out.take();
}

}  // namespace gatecheck::testing::reference
