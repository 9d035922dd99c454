// schemas/openapi.yaml describes exactly what the mock serves: every route of the API's table and of the
// admin table has its operation, and every operation has its route.
#include "routes.hpp"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include <gatecheck/schema/openapi.hpp>

#include "admin_api.hpp"
#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

// "/models/{model}" -> "models/*", as the route table writes a path parameter.
std::string route_path(std::string path) {
  const auto open = path.find('{');
  if (open != std::string::npos) path = path.substr(0, open) + "*";
  return path.substr(1);
}

TEST(Routes, TheOpenApiDescriptionListsExactlyTheRoutesTheMockServes) {
  const auto api = schema::openapi::Document::load(std::filesystem::path(GATECHECK_SOURCE_DIR) / "schemas" /
                                                   "openapi.yaml");
  std::set<std::pair<std::string, std::string>> described;
  for (const auto& [path, item] : api.root()["paths"].items()) {
    if (path.starts_with("/admin")) continue;  // the admin API, outside the base path
    for (const char* method : {"get", "post", "put", "patch", "delete"})
      if (item.contains(method)) described.emplace(method, route_path(path));
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& route : api_routes()) {
    std::string method(route.method);
    for (auto& c : method)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.emplace(method, std::string(route.path));
  }
  EXPECT_EQ(described, served);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(Routes, TheOpenApiDescriptionListsExactlyTheAdminRoutes) {
  const auto api = schema::openapi::Document::load(std::filesystem::path(GATECHECK_SOURCE_DIR) / "schemas" /
                                                   "openapi.yaml");
  std::set<std::pair<std::string, std::string>> described;
  for (const auto& [path, item] : api.root()["paths"].items()) {
    if (!path.starts_with("/admin")) continue;
    // "/admin/stubs/{stub_id}" -> "/admin/stubs/", as the admin table writes a trailing parameter.
    const std::string route = path.substr(0, path.find('{'));
    for (const char* method : {"get", "post", "put", "patch", "delete"})
      if (item.contains(method)) described.emplace(method, route);
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, path] : admin_routes())
    served.emplace(lower(method), std::string(path));
  EXPECT_EQ(described, served);
}

TEST(Routes, TheAdminApiServesItsOwnDescription) {
  auto options = testing::MockApp::default_options();
  options.admin_token = "admin-token-description";
  testing::MockApp mock(options);
  const auto answer =
      mock.send("GET", "/admin/openapi.json", "",
                {{"Authorization", "Bearer admin-token-description"}, {"Host", "127.0.0.1:9999"}}, false);
  ASSERT_EQ(answer.status, 200);
  const auto document = answer.json();
  EXPECT_EQ(document["servers"][0]["url"], "http://127.0.0.1:9999");
  EXPECT_TRUE(document["paths"].contains("/admin/stubs"));
  EXPECT_FALSE(document["paths"].contains("/chat/completions")) << "the admin API only";
  EXPECT_NO_THROW(schema::openapi::Document::from_json(document, "admin.json"))
      << "a description gatecheck reads";
}

}  // namespace
}  // namespace gatecheck::mock
