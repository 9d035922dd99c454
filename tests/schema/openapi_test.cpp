// OpenAPI 3.1 (and 3.0 compatibility): normalisation, operation lookup, schema selection, multi-file loading,
// lint.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <gatecheck/schema/openapi.hpp>

namespace gatecheck::schema::openapi {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const json kApi = json::parse(R"({
  "openapi": "3.1.0",
  "servers": [{"url": "https://api.example.com/v1"}],
  "paths": {
    "/models": {"get": {"operationId": "listModels", "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}}}}},
    "/models/{model}": {"get": {"operationId": "retrieveModel", "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "required": ["id"]}}}},
        "4XX": {"$ref": "#/components/responses/Error"},
        "default": {"description": "other", "content": {"*/*": {"schema": {"type": "string"}}}}}}},
    "/models/search": {"get": {"operationId": "searchModels", "responses": {}}},
    "/chat/completions": {"post": {"operationId": "createChatCompletion",
        "requestBody": {"$ref": "#/components/requestBodies/Chat"},
        "responses": {"200": {"description": "ok", "content": {
          "application/json": {"schema": {"$ref": "#/components/schemas/Completion"}},
          "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}}}},
    "/responses?beta=true": {"post": {"operationId": "createResponseBeta", "responses": {}}}
  },
  "components": {
    "schemas": {
      "List": {"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}},
      "Completion": {"type": "object", "properties": {"system_fingerprint": {"type": "string", "nullable": true}}},
      "Chunk": {"type": "object", "properties": {"finish_reason": {"type": "string", "enum": ["stop", "length"],
                "nullable": true}, "usage": {"$ref": "#/components/schemas/Usage", "nullable": true}}},
      "Usage": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}}},
      "Tree": {"$recursiveAnchor": true, "type": "object",
               "properties": {"children": {"type": "array", "items": {"$recursiveRef": "#"}}}}
    },
    "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {
        "type": "object", "required": ["error"]}}}}},
    "requestBodies": {"Chat": {"content": {"application/json": {"schema": {"type": "object",
        "required": ["model", "messages"]}}}}}
  }})");

Document api() {
  return Document::from_json(kApi, "https://api.example.com/openapi.json");
}

TEST(OpenApiNormalisation, NullableAddsNullAndIsReported) {
  auto doc = api();
  const auto chunk = doc.compile(doc.component_schema_uri("Chunk"));
  EXPECT_TRUE(chunk.is_valid({{"finish_reason", nullptr}, {"usage", nullptr}}));
  EXPECT_TRUE(chunk.is_valid({{"finish_reason", "stop"}, {"usage", {{"n", 1}}}}));
  EXPECT_FALSE(chunk.is_valid({{"finish_reason", "done"}}));
  EXPECT_FALSE(chunk.is_valid({{"usage", {{"n", 0}}}})) << "boolean exclusiveMinimum became exclusive";
  int nullables = 0;
  for (const auto& change : doc.normalisations())
    nullables += change.kind == "nullable";
  EXPECT_EQ(nullables, 3);
}

TEST(OpenApiNormalisation, ReachesEverySubschemaTheValidatorKnows) {
  // The normaliser and the compiler walk one keyword table (schema/src/subschemas.hpp): a 3.0 schema under
  // `dependencies` or `contentSchema` is normalised like one under `properties`.
  json document = {
      {"openapi", "3.0.3"},
      {"info", {{"title", "t"}, {"version", "1"}}},
      {"paths", json::object()},
      {"components",
       {{"schemas",
         {{"X",
           {{"type", "object"},
            {"dependencies", {{"a", {{"type", "string"}, {"nullable", true}}}}},
            {"properties",
             {{"b",
               {{"type", "string"}, {"contentSchema", {{"type", "integer"}, {"nullable", true}}}}}}}}}}}}}};
  auto doc = Document::from_json(document, "https://api.example.com/x.json");
  int nullables = 0;
  for (const auto& change : doc.normalisations())
    nullables += change.kind == "nullable";
  EXPECT_EQ(nullables, 2);
}

TEST(OpenApiNormalisation, RecursiveRefPointsBackToItsAnchor) {
  auto doc = api();
  const auto tree = doc.compile(doc.component_schema_uri("Tree"));
  EXPECT_TRUE(tree.is_valid(json::parse(R"({"children": [{"children": []}]})")));
  EXPECT_FALSE(tree.is_valid(json::parse(R"({"children": [{"children": [1]}]})")));
}

TEST(OpenApiOperations, MistypedMembersAreIgnoredNotThrownAsTypeErrors) {
  // Found by fuzzing: value() on a member of another type threw nlohmann's type_error past the loader.
  auto doc = Document::from_json(json::parse(R"({"openapi": "3.1.0", "info": {"title": "x", "version": "1"},
      "servers": ["https://api.example.test/v1"],
      "paths": {"/x": {"get": {"operationId": 1, "responses": {}}}}})"),
                                 "https://example.com/openapi.json");
  EXPECT_EQ(doc.server_base_path(), "");
  EXPECT_EQ(doc.match("GET", "/x")->operation_id, "");
}

TEST(OpenApiOperations, FindByIdOrByMethodAndPath) {
  auto doc = api();
  EXPECT_EQ(doc.server_base_path(), "/v1");
  ASSERT_NE(doc.find_operation("listModels"), nullptr);
  EXPECT_EQ(doc.find_operation("listModels")->path_template, "/models");
  EXPECT_EQ(doc.match("get", "/models/gpt-4o")->operation_id, "retrieveModel");
  EXPECT_EQ(doc.match("GET", "/models/search?q=x")->operation_id, "searchModels") << "literal segments win";
  EXPECT_EQ(doc.match("POST", "/responses")->operation_id, "createResponseBeta")
      << "query in path keys ignored";
  EXPECT_EQ(doc.match("DELETE", "/models/x"), nullptr);
  EXPECT_EQ(doc.match("GET", "/models/a/b"), nullptr);
}

TEST(OpenApiResponses, SelectByStatusThenRangeThenDefault) {
  auto doc = api();
  const auto& op = *doc.find_operation("retrieveModel");
  EXPECT_EQ(doc.response_schema_uri(op, 200, "application/json"),
            "https://api.example.com/openapi.json#/paths/~1models~1{model}/get/responses/200/content/"
            "application~1json/schema");
  const auto not_found = doc.response_schema_uri(op, 404, "application/json; charset=utf-8");
  ASSERT_TRUE(not_found.has_value());
  EXPECT_NE(not_found->find("/components/responses/Error/content"), std::string::npos) << *not_found;
  EXPECT_NE(doc.response_schema_uri(op, 500, "text/plain")->find("/default/"), std::string::npos);
  const auto& chat = *doc.find_operation("createChatCompletion");
  EXPECT_NE(doc.response_schema_uri(chat, 200, "text/event-stream")->find("text~1event-stream"),
            std::string::npos);
  EXPECT_FALSE(doc.response_schema_uri(chat, 200, "image/png").has_value());
  EXPECT_FALSE(doc.response_schema_uri(chat, 404, "application/json").has_value());
}

TEST(OpenApiRequests, FollowRequestBodyReferences) {
  auto doc = api();
  const auto schema = doc.request_schema(*doc.find_operation("createChatCompletion"), "application/json");
  ASSERT_TRUE(schema.has_value());
  EXPECT_FALSE(schema->is_valid({{"model", "x"}}));
  EXPECT_TRUE(schema->is_valid({{"model", "x"}, {"messages", json::array()}}));
}

TEST(OpenApiLoading, RejectsDocumentsThatAreNotOpenApi) {
  EXPECT_THROW(Document::from_json({{"swagger", "2.0"}}, "x"), core::LoadError);
}

class OpenApiFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gatecheck-openapi-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "schemas");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

TEST_F(OpenApiFiles, RelativeRefsBetweenFilesAreFollowed) {
  write(
      "api.yaml",
      "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n"
      "          description: ok\n          content:\n            application/json:\n              schema:\n"
      "                $ref: 'schemas/x.yaml#/X'\n");
  write("schemas/x.yaml",
        "X:\n  type: object\n  properties:\n    n: {type: integer, nullable: true}\n"
        "    y: {$ref: 'y.json'}\n");
  write("schemas/y.json", R"({"type": "string", "maxLength": 2})");
  auto doc = Document::load(dir_ / "api.yaml");
  EXPECT_TRUE(doc.compatibility_mode());
  EXPECT_EQ(doc.loaded_documents().size(), 3u);
  const auto schema = doc.response_schema(*doc.find_operation("getX"), 200, "application/json");
  ASSERT_TRUE(schema.has_value());
  EXPECT_TRUE(schema->is_valid({{"n", nullptr}, {"y", "ab"}}));
  EXPECT_FALSE(schema->is_valid({{"y", "abc"}}));
}

TEST_F(OpenApiFiles, LintReportsProblemsWithTheirLines) {
  write("api.yaml",
        "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      operationId: same\n      responses: {}\n"
        "  /b:\n    get:\n      operationId: same\n      responses: {}\ncomponents:\n  schemas:\n"
        "    Bad:\n      type: 5\n    Missing:\n      $ref: 'nowhere.yaml#/X'\n"
        "    Dangling:\n      $ref: '#/components/schemas/Nope'\n    Twice:\n      required: [a, a]\n");
  auto doc = Document::load(dir_ / "api.yaml");
  const auto findings = lint(doc);
  const auto has = [&](const std::string& fragment, const std::string& line) {
    for (const auto& finding : findings) {
      if (finding.message.find(fragment) != std::string::npos &&
          finding.location.find(line) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("duplicate operationId 'same'", "api.yaml:9:")) << findings.size();
  EXPECT_TRUE(has("unknown type 5", "api.yaml:14:"));
  EXPECT_TRUE(has("unresolvable $ref 'nowhere.yaml#/X'", "api.yaml:16:"));
  EXPECT_TRUE(has("nothing at /components/schemas/Nope", "api.yaml:18:"));
  EXPECT_TRUE(has("listed twice", "api.yaml:20:"));
}

// The pinned official OpenAI description, when ../shared is present.
class OfficialOpenAiDescription : public ::testing::Test {
 protected:
  static fs::path path() {
    return fs::path(GATECHECK_SHARED_DIR) / "specs" / "openai-openapi" / "openapi.yaml";
  }
  void SetUp() override {
    if (!fs::exists(path()))
      GTEST_SKIP() << "the official OpenAI description is not at " << path() << " (../shared)";
  }
};

TEST_F(OfficialOpenAiDescription, LoadsAndSaysWhatItNormalised) {
  auto doc = Document::load(path());
  EXPECT_EQ(doc.version(), "3.1.0");
  EXPECT_EQ(doc.operations().size(), 288u);
  std::map<std::string, int> kinds;
  for (const auto& change : doc.normalisations())
    ++kinds[change.kind];
  EXPECT_GE(kinds["nullable"], 109);
  EXPECT_EQ(kinds["boolean-exclusive-bound"], 7);
  EXPECT_EQ(kinds["recursive-ref"], 2);
}

TEST_F(OfficialOpenAiDescription, ValidatesRealChatResponsesAndChunks) {
  auto doc = Document::load(path());
  const auto* op = doc.match("POST", "/chat/completions");
  ASSERT_NE(op, nullptr);
  const auto response = doc.response_schema(*op, 200, "application/json");
  const auto chunk = doc.response_schema(*op, 200, "text/event-stream");
  ASSERT_TRUE(response && chunk);
  const json completion = json::parse(R"({"id": "chatcmpl-1", "object": "chat.completion", "created": 1,
    "model": "gpt-4o", "system_fingerprint": "fp_1", "choices": [{"index": 0, "logprobs": null,
    "message": {"role": "assistant", "content": "Hi", "refusal": null, "annotations": []}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}})");
  EXPECT_TRUE(response->is_valid(completion)) << response->validate(completion).to_basic_output().dump(2);
  const json first = json::parse(R"({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
    "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]})");
  EXPECT_TRUE(chunk->is_valid(first)) << "finish_reason: null in a chunk is valid once nullable is honoured";
  json broken = completion;
  broken["choices"][0]["finish_reason"] = "done";
  const auto result = response->validate(broken);
  ASSERT_FALSE(result.valid);
  bool located = false;
  for (const auto& error : result.errors)
    located = located || error.instance_location == "/choices/0/finish_reason";
  EXPECT_TRUE(located) << result.to_basic_output().dump(2);
}

}  // namespace
}  // namespace gatecheck::schema::openapi
