// The check catalog and the suite schema name the same checks, so a suite can name every check and no other.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {
namespace {

TEST(CheckCatalog, EveryCheckHasADescriptionAndAReference) {
  std::set<std::string_view> ids;
  for (const auto& check : check_catalog()) {
    EXPECT_TRUE(ids.insert(check.id).second) << "duplicate id " << check.id;
    EXPECT_FALSE(check.description.empty()) << check.id;
    EXPECT_FALSE(check.reference.empty()) << check.id;
  }
  EXPECT_GE(ids.size(), 26u);
}

TEST(CheckCatalog, TheSuiteSchemaEnumeratesExactlyTheCatalog) {
  const auto schema = nlohmann::json::parse(*core::bundled_file("schemas/suite.schema.json"));
  std::set<std::string> in_schema;
  for (const auto& id : schema["$defs"]["checks"]["items"]["enum"])
    in_schema.insert(id.get<std::string>());
  std::set<std::string> in_catalog;
  for (const auto& check : check_catalog())
    in_catalog.insert(std::string(check.id));
  EXPECT_EQ(in_schema, in_catalog);
}

}  // namespace
}  // namespace gatecheck::runner
