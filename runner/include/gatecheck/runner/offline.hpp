// Judging recorded exchanges with no network (`gatecheck check`): every catalog check that applies to a
// recording, and its body against the OpenAPI description, reported like a run.
//
//   runner::OfflineOptions options;
//   options.profile = vendor::load_profile("openai");
//   auto report = runner::check_recordings(cassette::load("fixtures/"), options);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::runner {

struct OfflineOptions {
  // The profile every recording is judged by; unset, each by the one it names (`profile`), else openai.
  std::optional<vendor::Profile> profile;
  std::string openapi_path;         // empty: the bundled schemas/openapi.yaml
  std::vector<std::string> checks;  // only these check ids (and schema.response); empty: every one
  Severity fail_on = Severity::must;
  std::string tool_version;
  std::string target;  // what the report names as its target (the path that was read)
};

// One suite per file, one scenario per recording, one step holding its checks. Throws std::invalid_argument
// for a check id the registry does not know.
RunReport check_recordings(const std::vector<cassette::Recording>& recordings, const OfflineOptions& options);

}  // namespace gatecheck::runner
