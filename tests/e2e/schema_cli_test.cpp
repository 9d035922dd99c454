// The real `gatecheck schema validate|lint`: results per instance, JSON lines, positions, exit codes.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"

namespace gatecheck {
namespace {

using namespace std::chrono_literals;
using testing::gatecheck_binary;
using testing::run_program;

class SchemaCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gatecheck-schema-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path) << content;
    return path.string();
  }

  std::filesystem::path dir_;
};

constexpr const char* kOpenApi = GATECHECK_SOURCE_DIR "/schemas/openapi.yaml";

TEST_F(SchemaCommand, ValidInstanceExitsZeroInvalidExitsOneWithItsLocation) {
  const auto good = write("good.json", R"({"error":{"message":"m","type":"t","param":null,"code":null}})");
  const auto bad = write(
      "bad.json",
      "{\n  \"error\": {\n    \"message\": 5, \"type\": \"t\", \"param\": null, \"code\": null\n  }\n}\n");
  const std::string schema = std::string(kOpenApi) + "#ErrorResponse";
  const auto ok = run_program({gatecheck_binary(), "schema", "validate", "--schema", schema, good}, 30s);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("valid"), std::string::npos);
  const auto failed = run_program({gatecheck_binary(), "schema", "validate", "--schema", schema, bad}, 30s);
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("invalid"), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find("bad.json:3:"), std::string::npos)
      << "points at the line of error.message: " << failed.out;
  EXPECT_NE(failed.out.find("$.error.message"), std::string::npos) << failed.out;
}

TEST_F(SchemaCommand, InstancesFileGivesOneJsonResultPerLine) {
  const auto schema =
      write("schema.json", R"({"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}})");
  const auto lines = write("values.jsonl", "{\"id\": 1}\n{\"id\": \"x\"}\n{}\n");
  const auto result =
      run_program({gatecheck_binary(), "schema", "validate", "--schema", schema, "--instances", lines}, 30s);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::vector<nlohmann::json> rows;
  std::istringstream out(result.out);
  for (std::string line; std::getline(out, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 3u) << result.out;
  EXPECT_EQ(rows[0]["index"], 0);
  EXPECT_EQ(rows[0]["valid"], true);
  EXPECT_EQ(rows[1]["valid"], false);
  EXPECT_EQ(rows[1]["errors"][0]["instanceLocation"], "/id");
  EXPECT_EQ(rows[2]["valid"], false);
}

TEST_F(SchemaCommand, RemoteRefsResolveFromAFolderNeverTheNetwork) {
  std::filesystem::create_directories(dir_ / "remote");
  write("remote/name.json", R"({"type":"string","minLength":2})");
  const auto schema =
      write("schema.json", R"({"properties":{"name":{"$ref":"https://schemas.example.com/name.json"}}})");
  const auto instance = write("instance.json", R"({"name":"x"})");
  const auto result = run_program({gatecheck_binary(), "schema", "validate", "--schema", schema, "--remote",
                                   "https://schemas.example.com/=" + (dir_ / "remote").string(), instance},
                                  30s);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  const auto unresolved =
      run_program({gatecheck_binary(), "schema", "validate", "--schema", schema, instance}, 30s);
  EXPECT_EQ(unresolved.exit_code, 2) << unresolved.out;
  EXPECT_NE(unresolved.err.find("schemas.example.com"), std::string::npos) << unresolved.err;
}

TEST_F(SchemaCommand, LintPassesTheBundledDescriptionAndReportsABrokenRefWithItsLine) {
  const auto clean = run_program({gatecheck_binary(), "schema", "lint", "--quiet", kOpenApi}, 60s);
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  const auto broken =
      write("api.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n"
            "        '200':\n          description: ok\n          content:\n            application/json:\n"
            "              schema: {$ref: '#/components/schemas/Missing'}\n");
  const auto result = run_program({gatecheck_binary(), "schema", "lint", broken}, 30s);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("api.yaml:11:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Missing"), std::string::npos) << result.out;
}

TEST_F(SchemaCommand, AnUnreadableSchemaIsAUsageError) {
  const auto result = run_program({gatecheck_binary(), "schema", "validate", "--schema",
                                   (dir_ / "nope.json").string(), write("i.json", "{}")},
                                  30s);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nope.json"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace gatecheck
