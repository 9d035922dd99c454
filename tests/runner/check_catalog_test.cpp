// The check registry: every row complete. (Suites name checks by id; the loader holds them to the registry,
// tests/runner/suite_loader_test.cpp.)
#include <set>

#include <gtest/gtest.h>

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

TEST(CheckCatalog, EveryCheckHasAJudgeAndAScope) {
  for (const auto& check : check_catalog()) {
    EXPECT_NE(check.judge, nullptr) << check.id;
    EXPECT_EQ(check.needs_twin, check.id == "stream.matches-non-stream") << check.id;
  }
}

}  // namespace
}  // namespace gatecheck::runner
