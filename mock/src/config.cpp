// --config FILE.yaml for gatecheck mock (schemas/mock-config.schema.json).
#include <gatecheck/mock/server.hpp>
#include <gatecheck/schema/format_check.hpp>

#include "stub_store.hpp"

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

// Each stub is checked now, as the server will compile it, so a mistake names its file:line:column.
// `pointer`: where the stub is in the file.
void read_stub_at(const ConfigFile& file, const json& stub, const std::string& pointer,
                  const schema::CompiledSchema& format, ServerOptions& options) {
  try {
    read_stub(stub, format, pointer);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    const auto colon = what.find(": ");
    throw core::LoadError(file.path, file.where(what.substr(0, colon)), what.substr(colon + 2));
  }
  // Ids name stubs at run time (GET, PUT, DELETE /admin/stubs/{id}): one stub each.
  if (stub.is_object() && stub.contains("id"))
    for (const auto& earlier : options.stubs)
      if (earlier.is_object() && earlier.value("id", "") == stub["id"])
        throw core::LoadError(file.path, file.where(pointer + "/id"),
                              "stub id '" + stub["id"].get<std::string>() + "' is taken by an earlier stub");
  options.stubs.push_back(stub);
}

void read_stubs(const ConfigFile& file, const json& stubs, const std::string& pointer,
                ServerOptions& options) {
  const auto format = schema::compile_format("schemas/stub.schema.json");
  for (std::size_t i = 0; i < stubs.size(); ++i)
    read_stub_at(file, stubs[i], pointer + "/" + std::to_string(i), format, options);
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
  if (const auto stubs = v.find("stubs"); stubs != v.end()) read_stubs(file, *stubs, "/stubs", options);
  if (v.contains("strict_stubs")) options.strict_stubs = v["strict_stubs"].get<bool>();
  if (v.contains("journal_size")) options.journal_size = v["journal_size"].get<std::size_t>();
  if (v.contains("journal_body_bytes"))
    options.journal_body_bytes = v["journal_body_bytes"].get<std::size_t>();
}

void apply_stub_file(const std::string& path, ServerOptions& options) {
  const core::Document document = core::load_document(path);
  const json& v = document.value;
  const ConfigFile file{path, document};
  if (v.is_array()) {
    read_stubs(file, v, "", options);
  } else if (v.is_object() && v.contains("stubs") && v["stubs"].is_array()) {
    read_stubs(file, v["stubs"], "/stubs", options);
  } else {
    read_stub_at(file, v, "", schema::compile_format("schemas/stub.schema.json"), options);
  }
}

}  // namespace gatecheck::mock
