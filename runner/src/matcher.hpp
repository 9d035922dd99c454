// The runner reads the shared matcher language (gatecheck/schema/matcher.hpp: suites and mock stubs use one
// implementation) unqualified.
#pragma once

#include <gatecheck/schema/matcher.hpp>

namespace gatecheck::runner {

using schema::describe_value;
using schema::excerpt;
using schema::is_matcher;
using schema::match_status;
using schema::match_text;
using schema::match_value;
using schema::matcher_problem;
using schema::MatchOutcome;

}  // namespace gatecheck::runner
