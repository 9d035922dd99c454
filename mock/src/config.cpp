// --config FILE.yaml for gatecheck mock (schemas/mock-config.schema.json).
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/schema/format_check.hpp>

namespace gatecheck::mock {

namespace {

using nlohmann::json;

// The document being applied, and where each of its values was written.
struct ConfigFile {
  const std::string& path;
  const core::Document& document;
  core::Position where(const std::string& pointer) const { return document.source.value_at(pointer); }
};

void read_keys(const ConfigFile& file, const json& v, ServerOptions& options) {
  const std::string& path = file.path;
  const auto where = [&](const std::string& pointer) { return file.where(pointer); };
  if (const auto keys = v.find("keys"); keys != v.end()) {
    for (std::size_t i = 0; i < keys->size(); ++i) {
      const auto& entry = (*keys)[i];
      KeyConfig key;
      key.key = entry.is_string() ? entry.get<std::string>() : entry["key"].get<std::string>();
      if (entry.is_object() && entry.contains("plan")) key.plan = entry["plan"].get<std::string>();
      if (!key.plan.empty() && options.profile.rate_limits.plans.count(key.plan) == 0) {
        throw core::LoadError(
            path, where("/keys/" + std::to_string(i) + "/plan"),
            "plan '" + key.plan + "' is not one of profile " + options.profile.id + "'s plans");
      }
      options.keys.push_back(std::move(key));
    }
  }
}

void read_faults(const ConfigFile& file, const json& v, ServerOptions& options) {
  const std::string& path = file.path;
  const auto where = [&](const std::string& pointer) { return file.where(pointer); };
  if (const auto faults = v.find("faults"); faults != v.end()) {
    for (std::size_t i = 0; i < faults->size(); ++i) {
      try {
        for (const auto& spec : parse_fault_list((*faults)[i].get<std::string>()))
          options.faults.push_back(spec);
      } catch (const std::invalid_argument& e) {
        throw core::LoadError(path, where("/faults/" + std::to_string(i)), e.what());
      }
    }
  }
}

Stub::Response read_response(const json& response) {
  Stub::Response scripted;
  scripted.status = response.value("status", 200);
  const json response_headers = response.value("headers", json::object());
  for (const auto& [name, value] : response_headers.items())
    scripted.headers.emplace_back(name, value.get<std::string>());
  if (response.contains("json")) scripted.body = response["json"].dump();
  if (response.contains("body")) scripted.body = response["body"].get<std::string>();
  return scripted;
}

Stub read_stub(const ConfigFile& file, const json& entry, std::size_t i) {
  const auto& request = entry["request"];
  Stub stub;
  stub.method = request.value("method", "");
  stub.path = request.value("path", "");
  const json headers = request.value("headers", json::object());
  for (const auto& [name, value] : headers.items())
    stub.headers.emplace_back(name, value.get<std::string>());
  const json body = request.value("json", json::object());
  for (const auto& [json_path, value] : body.items()) {
    try {
      core::JsonPath::parse(json_path);
    } catch (const core::JsonPathError& e) {
      throw core::LoadError(file.path, file.where("/stubs/" + std::to_string(i) + "/request/json"), e.what());
    }
    stub.body.emplace_back(json_path, value);
  }
  for (const auto& response : entry["responses"])
    stub.responses.push_back(read_response(response));
  return stub;
}

void read_timing(const json& v, ServerOptions& options) {
  const auto timing = v.find("timing");
  if (timing == v.end()) return;
  if (timing->contains("time_to_first_token_ms"))
    options.time_to_first_token_ms = (*timing)["time_to_first_token_ms"].get<std::uint32_t>();
  if (timing->contains("inter_token_ms"))
    options.inter_token_ms = (*timing)["inter_token_ms"].get<std::uint32_t>();
}

}  // namespace

void apply_config_file(const std::string& path, ServerOptions& options) {
  const core::Document document = core::load_document(path);
  schema::check_against_format(document, "schemas/mock-config.schema.json");
  const json& v = document.value;
  const ConfigFile file{path, document};
  if (const auto profile = v.find("profile"); profile != v.end()) {
    std::string name = profile->get<std::string>();
    const auto relative = std::filesystem::path(path).parent_path() / name;
    if (name.find('/') != std::string::npos || name.ends_with(".yaml")) name = relative.string();
    options.profile = vendor::load_profile(name);
  }
  if (v.contains("host")) options.host = v["host"].get<std::string>();
  if (v.contains("port")) options.port = v["port"].get<std::uint16_t>();
  if (v.contains("threads")) options.threads = v["threads"].get<unsigned>();
  if (v.contains("seed")) options.seed = v["seed"].get<std::uint64_t>();
  if (v.contains("fixed_clock")) options.fixed_clock = v["fixed_clock"].get<std::int64_t>();
  if (v.contains("admin_token")) options.admin_token = v["admin_token"].get<std::string>();
  if (v.contains("log")) {
    const std::string log = v["log"].get<std::string>();
    options.log_format = log == "json" ? LogFormat::json : log == "none" ? LogFormat::none : LogFormat::text;
  }
  read_timing(v, options);
  read_keys(file, v, options);
  read_faults(file, v, options);
  if (const auto stubs = v.find("stubs"); stubs != v.end())
    for (std::size_t i = 0; i < stubs->size(); ++i)
      options.stubs.push_back(read_stub(file, (*stubs)[i], i));
}

}  // namespace gatecheck::mock
