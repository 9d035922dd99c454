// An exchange as a cassette keeps it, and back: the one mapping between what the runner gathers and what is
// recorded, so a recording judged offline reads exactly as the live answer did.
#pragma once

#include <string>

#include <gatecheck/cassette/cassette.hpp>

#include "exchange.hpp"

namespace gatecheck::runner {

// A stream's pieces are its events, each with the time it arrived (and any bytes after the last event).
cassette::Recording recording_of(const Exchange& exchange, std::string label, std::string profile);
// The exchange a recording describes, with its events re-read from the recorded bytes at their recorded
// times (timed is false when the recording kept no times).
Exchange exchange_of(const cassette::Recording& recording);

}  // namespace gatecheck::runner
