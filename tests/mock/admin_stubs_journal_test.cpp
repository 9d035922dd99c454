// The runtime stub API (/admin/stubs, /admin/scenarios) and the journal (/admin/requests): what a suite or a
// test uses to script the mock and verify what reached it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/cassette/cassette.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::MockApp;
using ::testing::Not;

constexpr const char* kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
const std::vector<std::pair<std::string, std::string>> kAdmin = {
    {"Authorization", "Bearer admin-token-journal"}};

MockApp admin_mock(std::size_t journal_size = 1000, std::size_t body_bytes = 64 * 1024) {
  auto options = MockApp::default_options();
  options.admin_token = "admin-token-journal";
  options.keys = {{"sk-journal-secret-key-1234", ""}};
  options.journal_size = journal_size;
  options.journal_body_bytes = body_bytes;
  return MockApp(options);
}

testing::Answer admin(MockApp& mock, const std::string& method, const std::string& path,
                      const std::string& body = "") {
  return mock.send(method, path, body, kAdmin, false);
}

testing::Answer chat(MockApp& mock, const std::string& body = kChat) {
  return mock.post("/v1/chat/completions", body, {{"Authorization", "Bearer sk-journal-secret-key-1234"}});
}

TEST(AdminStubs, CreateListGetReplaceDeleteAndReset) {
  auto mock = admin_mock();
  const auto created = admin(mock, "POST", "/admin/stubs",
                             R"({"request": {"model": "gpt-4o-mini"}, "response": {"json": {"v": 1}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(id, "stub_1");
  EXPECT_EQ(chat(mock).json(), json({{"v", 1}}));
  EXPECT_EQ(admin(mock, "GET", "/admin/stubs").json()["data"].size(), 1u);
  EXPECT_EQ(admin(mock, "GET", "/admin/stubs/" + id).json()["hits"], 1);
  const auto replaced = admin(mock, "PUT", "/admin/stubs/" + id, R"({"response": {"json": {"v": 2}}})");
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json()["hits"], 0);
  EXPECT_EQ(chat(mock).json(), json({{"v", 2}}));
  EXPECT_EQ(admin(mock, "DELETE", "/admin/stubs/" + id).status, 200);
  EXPECT_EQ(admin(mock, "GET", "/admin/stubs/" + id).status, 404);
  EXPECT_EQ(chat(mock).json()["object"], "chat.completion");
  admin(mock, "POST", "/admin/stubs", R"({"id": "mine", "response": {"json": {}}})");
  EXPECT_EQ(admin(mock, "POST", "/admin/stubs", R"({"id": "mine", "response": {"json": {}}})").status, 409);
  EXPECT_EQ(admin(mock, "POST", "/admin/stubs/reset").status, 204);
  EXPECT_TRUE(admin(mock, "GET", "/admin/stubs").json()["data"].empty())
      << "back to the configured stubs: none";
  admin(mock, "POST", "/admin/stubs", R"({"response": {"json": {}}})");
  admin(mock, "POST", "/admin/stubs", R"({"response": {"json": {}}})");
  EXPECT_EQ(admin(mock, "DELETE", "/admin/stubs").status, 204);
  EXPECT_TRUE(admin(mock, "GET", "/admin/stubs").json()["data"].empty());
  EXPECT_EQ(admin(mock, "GET", "/admin/stubs?x=1").status, 400) << "a parameter it does not take";
}

TEST(AdminStubs, ConfiguredStubsComeBackOnResetAndIdsMayHoldReservedCharacters) {
  auto options = MockApp::default_options();
  options.admin_token = "admin-token-journal";
  options.stubs.push_back(json::parse(R"({"id": "team:a", "response": {"json": {"configured": true}}})"));
  MockApp mock(options);
  EXPECT_EQ(admin(mock, "GET", "/admin/stubs/team%3Aa").status, 200) << "the path's id is percent-decoded";
  EXPECT_EQ(admin(mock, "DELETE", "/admin/stubs/team:a").status, 200);
  EXPECT_EQ(chat(mock).json()["object"], "chat.completion");
  EXPECT_EQ(admin(mock, "POST", "/admin/stubs/reset").status, 204);
  EXPECT_EQ(chat(mock).json(), json({{"configured", true}}));
}

TEST(AdminStubs, AScenarioWhoseStubsAreAllRemovedStartsAgainWhenAddedAgain) {
  auto mock = admin_mock();
  const std::string flaky =
      R"({"id": "once", "scenario": "s", "required_state": "Started", "new_state": "done", "response": {"status": 500}})";
  admin(mock, "POST", "/admin/stubs", flaky);
  EXPECT_EQ(chat(mock).status, 500);
  EXPECT_EQ(chat(mock).status, 200) << "the scenario moved on";
  admin(mock, "DELETE", "/admin/stubs/once");
  admin(mock, "POST", "/admin/stubs", flaky);
  EXPECT_EQ(chat(mock).status, 500) << "a suite run twice against one mock sees the same scenario";
}

TEST(AdminStubs, EveryCallRefusesQueryParametersItDoesNotTakeAndOtherMethods) {
  auto mock = admin_mock();
  admin(mock, "POST", "/admin/stubs", R"({"id": "s", "scenario": "x", "new_state": "done", "response": {}})");
  for (const char* call : {"/admin/stubs/s?foo=1", "/admin/scenarios?x=1", "/admin/usage?x=1"}) {
    const auto answer = admin(mock, "GET", call);
    EXPECT_EQ(answer.status, 400) << call;
  }
  EXPECT_EQ(admin(mock, "POST", "/admin/stubs/reset?x=1").status, 400);
  const auto patch = admin(mock, "PATCH", "/admin/stubs/s");
  EXPECT_EQ(patch.status, 405);
  EXPECT_EQ(patch.header("allow"), "GET, PUT, DELETE");
  EXPECT_EQ(admin(mock, "PUT", "/admin/scenarios/x", R"({"state": "dnoe"})").status, 400) << "a typo";
  EXPECT_EQ(admin(mock, "PUT", "/admin/scenarios/x", R"({"state": "done"})").status, 200);
  EXPECT_EQ(admin(mock, "POST", "/admin/requests/count", R"({"request": {}, "limit": 1})").status, 400);
  EXPECT_EQ(admin(mock, "GET", "/admin/requests?status=999").status, 400);
  EXPECT_EQ(admin(mock, "GET", "/admin/requests?method=").status, 400);
  const json listed = admin(mock, "GET", "/admin/stubs/s").json();
  EXPECT_EQ(listed["priority"], 5) << "the default shown";
  EXPECT_EQ(admin(mock, "PUT", "/admin/stubs/s", listed.dump()).status, 200)
      << "what is read back can be sent back";
}

TEST(AdminStubs, AnInvalidStubIsA400NamingWhereInTheBody) {
  auto mock = admin_mock();
  const auto wrong_type = admin(mock, "POST", "/admin/stubs", R"({"response": {"status": "200"}})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.json()["error"]["param"], "/response/status");
  const auto bad_fault = admin(mock, "POST", "/admin/stubs", R"({"response": {"fault": "no-such-fault"}})");
  EXPECT_EQ(bad_fault.status, 400);
  EXPECT_EQ(bad_fault.json()["error"]["param"], "/response/fault");
  const auto bad_path =
      admin(mock, "POST", "/admin/stubs", R"({"request": {"json": {"$.[": 1}}, "response": {}})");
  EXPECT_EQ(bad_path.status, 400);
  EXPECT_EQ(admin(mock, "POST", "/admin/stubs", "not json").status, 400);
  EXPECT_EQ(mock.send("POST", "/admin/stubs", R"({"response": {}})", {}, false).status, 401) << "a token";
}

TEST(Journal, KeepsHeadersBodyAndTheStubWithSecretsMaskedWhenServed) {
  auto mock = admin_mock();
  admin(mock, "POST", "/admin/stubs",
        R"({"id": "hello", "request": {"body": {"contains": "hello"}}, "response": {"json": {}}})");
  chat(
      mock,
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello sk-journal-secret-key-1234"}]})");
  chat(mock);
  const json data = admin(mock, "GET", "/admin/requests").json()["data"];
  ASSERT_EQ(data.size(), 2u) << "the admin API's own calls are not journaled";
  const json& stubbed = data[1];
  EXPECT_EQ(stubbed["stub"], "hello");
  EXPECT_EQ(data[0]["stub"], nullptr);
  EXPECT_EQ(stubbed["method"], "POST");
  EXPECT_EQ(stubbed["url"], "/v1/chat/completions");
  EXPECT_THAT(stubbed["body"].get<std::string>(), HasSubstr("hello"));
  EXPECT_THAT(stubbed.dump(), Not(HasSubstr("sk-journal-secret-key-1234")));
  EXPECT_THAT(stubbed["headers"]["authorization"].get<std::string>(), HasSubstr("Bearer"));
  EXPECT_GT(stubbed["seq"], 0);
}

TEST(Journal, QueriesByMethodPathStatusStubAndHeaderWithALimitAndRefusesUnknownParameters) {
  auto mock = admin_mock();
  chat(mock);
  mock.send("GET", "/v1/models", "",
            {{"Authorization", "Bearer sk-journal-secret-key-1234"}, {"X-Team", "a"}});
  mock.send("GET", "/v1/models", "", {{"Authorization", "Bearer wrong-key-000000000"}});
  const auto count = [&](const std::string& query) {
    const auto answer = admin(mock, "GET", "/admin/requests" + query);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.json()["data"].size();
  };
  EXPECT_EQ(count(""), 3u);
  EXPECT_EQ(count("?method=GET"), 2u);
  EXPECT_EQ(count("?path=/v1/chat/completions"), 1u);
  EXPECT_EQ(count("?status=401"), 1u);
  EXPECT_EQ(count("?header=x-team:a"), 1u);
  EXPECT_EQ(count("?stub=none-such"), 0u);
  EXPECT_EQ(count("?limit=1"), 1u);
  const auto since =
      admin(mock, "GET", "/admin/requests?limit=1").json()["data"][0]["seq"].get<std::uint64_t>();
  EXPECT_EQ(count("?since=" + std::to_string(since - 1)), 1u);
  for (const char* bad : {"?limit=abc", "?limit=-1", "?paht=/v1", "?limit=1&limit=2", "?header=novalue"}) {
    const auto answer = admin(mock, "GET", std::string("/admin/requests") + bad);
    EXPECT_EQ(answer.status, 400) << bad;
    EXPECT_FALSE(answer.json()["error"]["param"].is_null()) << bad;
  }
}

TEST(Journal, FindAndCountTakeARequestPatternAndAZeroCountShowsTheNearestRequests) {
  auto mock = admin_mock();
  chat(mock);
  chat(mock, R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":2})");
  const auto found =
      admin(mock, "POST", "/admin/requests/find", R"({"request": {"json": {"$.temperature": {"gte": 1}}}})");
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()["data"].size(), 1u);
  EXPECT_THAT(found.json()["data"][0]["body"].get<std::string>(), HasSubstr("gpt-4o\""));
  const json counted =
      admin(mock, "POST", "/admin/requests/count", R"({"request": {"model": "gpt-4o"}})").json();
  EXPECT_EQ(counted["count"], 1);
  EXPECT_FALSE(counted.contains("near_misses"));
  const json none =
      admin(mock, "POST", "/admin/requests/count", R"({"request": {"model": "gpt-4.1", "method": "POST"}})")
          .json();
  EXPECT_EQ(none["count"], 0);
  ASSERT_EQ(none["near_misses"].size(), 2u);
  EXPECT_THAT(none["near_misses"][0]["misses"][0].get<std::string>(), HasSubstr("expected 'gpt-4.1'"));
  const auto bad = admin(mock, "POST", "/admin/requests/count", R"({"request": {"model": {"regex": "x"}}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(admin(mock, "POST", "/admin/requests/count", R"({"since": -1})").status, 400);
  EXPECT_EQ(admin(mock, "POST", "/admin/requests/count", R"({"pattern": {}})").status, 400);
}

TEST(Journal, IsABoundedRingWithCappedBodiesAndCanBeCleared) {
  auto mock = admin_mock(3, 16);
  for (int i = 0; i < 5; ++i)
    chat(mock);
  const json data = admin(mock, "GET", "/admin/requests").json()["data"];
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0]["seq"], 5);
  EXPECT_EQ(data[0]["body"].get<std::string>().size(), 16u);
  EXPECT_TRUE(data[0]["body_truncated"].get<bool>());
  EXPECT_EQ(data[0]["body_bytes"], std::string(kChat).size());
  EXPECT_EQ(admin(mock, "DELETE", "/admin/requests").status, 204);
  EXPECT_TRUE(admin(mock, "GET", "/admin/requests").json()["data"].empty());
  chat(mock);
  EXPECT_EQ(admin(mock, "GET", "/admin/requests").json()["data"][0]["seq"], 6) << "numbering goes on";
}

}  // namespace
}  // namespace gatecheck::mock

namespace gatecheck::mock {
namespace {

TEST(Journal, AKeyInTheQueryIsMaskedAndACutBodySaysWhyItMissed) {
  auto mock = admin_mock(10, 16);
  mock.get("/v1/models?api_key=sk-journal-secret-key-1234",
           {{"Authorization", "Bearer sk-journal-secret-key-1234"}});
  chat(mock);
  const json data = admin(mock, "GET", "/admin/requests").json()["data"];
  EXPECT_THAT(data[1]["url"].get<std::string>(), Not(HasSubstr("sk-journal-secret-key-1234")));
  const json none =
      admin(mock, "POST", "/admin/requests/count", R"({"request": {"model": "gpt-4o-mini"}})").json();
  EXPECT_EQ(none["count"], 0) << "only 16 bytes of the body were kept";
  EXPECT_THAT(none["near_misses"][0]["misses"][0].get<std::string>(),
              HasSubstr("the journal kept 16 of its"));
}

TEST(Journal, BytesThatAreNotUtf8AreServedRepairedNotAsA500) {
  auto mock = admin_mock();
  mock.post("/v1/chat/completions", "not json \xff\xfe",
            {{"Authorization", "Bearer sk-journal-secret-key-1234"}, {"X-Odd", "\xff"}});
  const auto answer = admin(mock, "GET", "/admin/requests");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["data"][0]["headers"]["x-odd"], "\xef\xbf\xbd");
  const auto counted =
      admin(mock, "POST", "/admin/requests/count", R"({"request": {"headers": {"x-odd": "a"}}})");
  ASSERT_EQ(counted.status, 200) << counted.body;
  EXPECT_EQ(counted.json()["near_misses"].size(), 1u);
}

}  // namespace
}  // namespace gatecheck::mock

namespace gatecheck::mock {
namespace {

// What a gateway's test reads: every request after a mark, oldest first, each with what it missed of a
// pattern, and a mark of each credential it carried (never the credential).
TEST(Journal, FindWithMissesListsEveryRequestOldestFirstWithWhatEachMissed) {
  auto mock = admin_mock();
  chat(mock);
  chat(mock, R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":2})");
  const auto found = admin(mock, "POST", "/admin/requests/find",
                           R"({"since": 0, "misses": true, "request": {"json": {"$.temperature": 2}}})");
  ASSERT_EQ(found.status, 200) << found.body;
  const json data = found.json()["data"];
  ASSERT_EQ(data.size(), 2u);
  EXPECT_LT(data[0]["seq"], data[1]["seq"]) << "arrival order";
  EXPECT_EQ(data[0]["misses"], json({"json $.temperature: expected 2, got absent"}));
  EXPECT_EQ(data[1]["misses"], json::array());
  EXPECT_EQ(data[0]["credentials"]["authorization"],
            cassette::kept_mark("Bearer sk-journal-secret-key-1234"));
  EXPECT_EQ(found.body.find("sk-journal-secret-key-1234"), std::string::npos);
  EXPECT_EQ(admin(mock, "POST", "/admin/requests/find", R"({"misses": "yes"})").status, 400);
  EXPECT_EQ(admin(mock, "POST", "/admin/requests/count", R"({"misses": true})").status, 400)
      << "count takes no misses: it counts";
}

}  // namespace
}  // namespace gatecheck::mock
