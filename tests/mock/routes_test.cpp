// schemas/openapi.yaml describes exactly what the mock serves under the API's base path: every route of the
// table has its operation, and every operation outside /admin has its route.
#include "routes.hpp"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include <gatecheck/schema/openapi.hpp>

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

}  // namespace
}  // namespace gatecheck::mock
