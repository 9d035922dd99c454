// A profile that sets every default the chat readers consult, with unusual ranges: the second profile of the
// readers' differential test and of their fuzz target.
#pragma once

#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::testing {

inline vendor::Profile unusual_profile() {
  vendor::Profile profile = vendor::load_profile("simosphere");  // strict_parameters: false
  profile.always_stream = true;
  profile.default_model = "mistral-small-latest";
  profile.default_max_tokens = 50;
  profile.temperature_min = -1;
  profile.temperature_max = 1.5;
  profile.top_p_min = 0.1;
  profile.top_p_max = 0.9;
  profile.penalty_min = 0;
  profile.penalty_max = 0;
  profile.n_min = 2;
  profile.n_max = 3;
  return profile;
}

}  // namespace gatecheck::testing
