// Every answer the mock gives (each endpoint, streamed and not, errors too) validates against the OpenAPI
// description gatecheck ships, and against the official OpenAI one when ../shared has it; broken answers fail
// with the location of what is wrong.
#include <filesystem>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/schema/openapi.hpp>

namespace gatecheck {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Exchange {
  std::string method;
  std::string path;  // under /v1
  std::string body;
  int status;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// A transcription upload: an Ogg file (heard as prose seeded by its bytes) and the response_format.
std::string kTranscriptionForm(const std::string& format) {
  return "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
         "--b\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\n" +
         format +
         "\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.ogg\"\r\n\r\n"
         "OggS" +
         std::string(64000, 'x') + "\r\n--b--\r\n";
}
const std::vector<std::pair<std::string, std::string>> kFormType = {
    {"Content-Type", "multipart/form-data; boundary=b"}};

const std::vector<Exchange> kExchanges = {
    {"POST", "/chat/completions", R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":2})",
     200},
    {"POST", "/chat/completions",
     R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tool_choice":"required","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}]})",
     200},
    {"POST", "/chat/completions",
     R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"},"max_tokens":3})",
     200},
    {"POST", "/chat/completions",
     R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})",
     200},
    {"POST", "/chat/completions",
     R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,"tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}]})",
     200},
    {"POST", "/chat/completions", R"({"model":"nope","messages":[{"role":"user","content":"hi"}]})", 404},
    {"POST", "/chat/completions", R"({"model":"gpt-4o","messages":[]})", 400},
    {"POST", "/embeddings", R"({"model":"text-embedding-3-small","input":["a","b"]})", 200},
    {"POST", "/embeddings",
     R"({"model":"text-embedding-3-small","input":"a","encoding_format":"base64","dimensions":8})", 200},
    {"POST", "/moderations", R"({"input":["calm","gatecheck:flag:violence"]})", 200},
    {"POST", "/moderations",
     R"({"input":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]})",
     200},
    {"POST", "/moderations", R"({"input":[]})", 400},
    {"POST", "/completions",
     R"({"model":"gpt-3.5-turbo-instruct","prompt":["a b","c"],"n":2,"echo":true,"logprobs":2,"max_tokens":3})",
     200},
    {"POST", "/completions", R"({"model":"gpt-3.5-turbo-instruct","prompt":"a","logprobs":0})", 200},
    {"POST", "/completions",
     R"({"model":"gpt-3.5-turbo-instruct","prompt":"a","stream":true,"stream_options":{"include_usage":true}})",
     200},
    {"POST", "/completions", R"({"model":"gpt-4o","prompt":"a"})", 400},
    {"POST", "/responses",
     R"({"model":"gpt-4o","input":"hi","instructions":"Be brief.","max_output_tokens":16})", 200},
    {"POST", "/responses",
     R"({"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}],"tool_choice":"required","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}]})",
     200},
    {"POST", "/responses",
     R"({"model":"gpt-4o","input":"hi","text":{"format":{"type":"json_schema","name":"o","schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}})",
     200},
    {"POST", "/responses", R"({"model":"gpt-4o","input":"hi","stream":true})", 200},
    {"POST", "/responses",
     R"({"model":"gpt-4o","input":"hi","stream":true,"tool_choice":"required","tools":[{"type":"function","name":"f"}]})",
     200},
    {"POST",
     "/responses",
     R"({"model":"gpt-4o","input":"hi","stream":true})",
     200,
     {{"x-gatecheck-stream-error-after", "2"}}},
    {"POST", "/responses", R"({"model":"gpt-4o","input":[{"role":"wizard","content":"hi"}]})", 400},
    {"GET", "/responses/resp_gatecheck_unknown", "", 404},
    {"POST", "/images/generations",
     R"({"prompt":"a lighthouse","size":"256x256","n":2,"response_format":"b64_json"})", 200},
    {"POST", "/images/generations", R"({"prompt":"a lighthouse","model":"dall-e-3"})", 200},
    {"POST", "/images/generations", R"({"prompt":"a lighthouse","model":"gpt-image-1"})", 200},
    {"POST", "/images/generations", R"({"prompt":"a lighthouse","size":"100x100"})", 400},
    {"POST", "/audio/transcriptions", kTranscriptionForm("json"), 200, kFormType},
    {"POST", "/audio/transcriptions", kTranscriptionForm("verbose_json"), 200, kFormType},
    {"POST", "/audio/translations", kTranscriptionForm("json"), 200, kFormType},
    {"POST", "/audio/speech", R"({"model":"tts-1","input":"hi","voice":"alloy","response_format":"opus"})",
     400},
    {"GET", "/models", "", 200},
    {"GET", "/models/gpt-4o", "", 200},
    {"GET", "/models/nope", "", 404},
};

class MockAgainstOpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::ServerOptions options;
    options.profile = vendor::load_profile("openai");
    options.log_format = mock::LogFormat::none;
    options.threads = 1;
    server_ = std::make_unique<mock::Server>(std::move(options));
    server_->start();
  }

  // The response and, for streams, the data of each event that should be JSON.
  std::pair<net::HttpResponse, std::vector<json>> send(const Exchange& exchange) {
    net::HttpClient client;
    net::HttpRequest request{exchange.method,
                             server_->url() + "/v1" + exchange.path,
                             {{"Authorization", "Bearer sk-test"}},
                             exchange.body};
    for (const auto& [name, value] : exchange.headers)
      request.headers.add(name, value);
    std::vector<json> events;
    net::ResponseHooks hooks;
    hooks.on_event = [&](core::SseEvent&& event) {
      if (event.data != "[DONE]") events.push_back(json::parse(event.data));
    };
    auto response = client.send(request, hooks);
    return {std::move(response), std::move(events)};
  }

  // Validates every exchange against `api`; `skip` names quirks of that description to leave out.
  void check_all(schema::openapi::Document& api, const std::function<bool(const Exchange&)>& skip) {
    for (const auto& exchange : kExchanges) {
      if (skip && skip(exchange)) continue;
      SCOPED_TRACE(exchange.method + " " + exchange.path + " " + exchange.body);
      const auto [response, events] = send(exchange);
      ASSERT_TRUE(response.ok()) << response.error->message;
      ASSERT_EQ(response.status, exchange.status) << response.body;
      const auto* operation = api.match(exchange.method, exchange.path);
      ASSERT_NE(operation, nullptr);
      const std::string content_type(response.headers.get("content-type").value_or(""));
      const auto schema = api.response_schema(*operation, response.status, content_type);
      if (!schema) {
        EXPECT_NE(exchange.status, 200) << "a 200 without a documented schema";
        continue;
      }
      if (content_type.starts_with("text/event-stream")) {
        ASSERT_FALSE(events.empty());
        for (const auto& event : events) {
          const auto result = schema->validate(event);
          EXPECT_TRUE(result.valid) << event.dump() << "\n" << result.to_basic_output().dump(2);
        }
      } else {
        const auto result = schema->validate(json::parse(response.body));
        EXPECT_TRUE(result.valid) << response.body << "\n" << result.to_basic_output().dump(2);
      }
    }
  }

  std::unique_ptr<mock::Server> server_;
};

TEST_F(MockAgainstOpenApi, EveryAnswerValidatesAgainstGatechecksDescription) {
  auto api = schema::openapi::Document::load(fs::path(GATECHECK_SOURCE_DIR) / "schemas" / "openapi.yaml");
  check_all(api, {});
}

TEST_F(MockAgainstOpenApi, EveryAnswerValidatesAgainstTheOfficialDescription) {
  const auto official = fs::path(GATECHECK_SHARED_DIR) / "specs" / "openai-openapi" / "openapi.yaml";
  if (!fs::exists(official))
    GTEST_SKIP() << "the official OpenAI description is not at " << official << " (../shared)";
  auto api = schema::openapi::Document::load(official);
  // The official description types Embedding.embedding as an array, though base64 strings are what the SDKs
  // ask for by default (specs/README.md lists this quirk), documents only 200 and 429 answers, and gives no
  // schema for a streamed legacy completion (schemas/openapi.yaml does: CreateCompletionStreamResponse); its
  // transcription answer is a oneOf whose json and verbose_json alternatives overlap, so any verbose answer
  // matches two (a quirk, like the others: a real verbose_json answer fails it too).
  check_all(api, [](const Exchange& e) {
    return e.body.find("\"base64\"") != std::string::npos ||
           (e.path == "/completions" && e.body.find("\"stream\":true") != std::string::npos) ||
           e.body.find("verbose_json") != std::string::npos;
  });
}

TEST_F(MockAgainstOpenApi, BrokenAnswersFailAtTheRightLocation) {
  auto api = schema::openapi::Document::load(fs::path(GATECHECK_SOURCE_DIR) / "schemas" / "openapi.yaml");
  const auto* chat = api.find_operation("createChatCompletion");
  const auto completion_schema = api.response_schema(*chat, 200, "application/json");
  auto [response, events] = send(kExchanges[0]);
  json broken = json::parse(response.body);
  broken["choices"][1]["finish_reason"] = "done";
  broken.erase("created");
  broken["usage"]["total_tokens"] = "many";
  const auto result = completion_schema->validate(broken);
  ASSERT_FALSE(result.valid);
  std::set<std::string> locations;
  for (const auto& error : result.errors)
    locations.insert(error.instance_location);
  EXPECT_TRUE(locations.count("/choices/1/finish_reason")) << result.to_basic_output().dump(2);
  EXPECT_TRUE(locations.count("")) << "missing `created` is reported on the object";
  EXPECT_TRUE(locations.count("/usage/total_tokens"));

  // A wrong error body (the error-not-envelope fault) breaks the error schema at its root.
  Exchange unknown = kExchanges[5];
  unknown.headers = {{"x-gatecheck-fault", "error-not-envelope"}};
  const auto [bad_error, none] = send(unknown);
  const auto error_schema = api.response_schema(*chat, bad_error.status, "application/json");
  ASSERT_TRUE(error_schema.has_value());
  const auto error_result = error_schema->validate(json::parse(bad_error.body));
  ASSERT_FALSE(error_result.valid);
  EXPECT_EQ(error_result.errors.front().message, "missing required property 'error'");

  // A stream chunk with a broken delta.
  const auto chunk_schema = api.response_schema(*chat, 200, "text/event-stream");
  auto [stream, chunks] = send(kExchanges[3]);
  json chunk = chunks.at(1);
  chunk["choices"][0]["delta"]["role"] = "robot";
  const auto chunk_result = chunk_schema->validate(chunk);
  ASSERT_FALSE(chunk_result.valid);
  EXPECT_EQ(chunk_result.errors.front().instance_location, "/choices/0/delta/role");
}

}  // namespace
}  // namespace gatecheck
