// The conformance checks: protocol rules with stable ids that suites name in `expect.checks`. One registry
// (runner/src/check_catalog.cpp), a row per check: id, severity, description, the specification text it
// enforces, what it reads (scope), whether it needs the request's non-streamed twin, and its judge.
// docs/checks.md shows each with a passing and a failing sample.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace gatecheck::runner {

enum class Severity { must, should };
std::string_view to_string(Severity severity);  // "MUST", "SHOULD"
// "must"/"MUST", "should"/"SHOULD"; nullopt otherwise.
std::optional<Severity> parse_severity(std::string_view text);

// Whether a failure of this severity fails the run when the run fails on `fail_on` (--fail-on): MUST
// failures always do, SHOULD failures only under --fail-on should.
bool fails_run(Severity severity, Severity fail_on);

// What a check reads: each response of a step, the step's responses together (a burst), the deliveries an
// expect_webhook step collected, or what reached the mock behind a gateway (a step's upstream:).
enum class CheckScope { exchange, step, webhook, upstream };

struct CheckContext;
struct Exchange;
struct Verdict;
using Judge = Verdict (*)(const CheckContext& context, const Exchange* exchange);

struct CheckInfo {
  std::string_view id;  // "sse.done-sentinel"
  Severity severity;
  std::string_view description;
  std::string_view reference;  // document and section
  CheckScope scope;
  bool needs_twin;  // the executor sends the request again without streaming before judging
  Judge judge;
  // The check whose failure in the same step explains this one's (a JSON body where a stream was asked for
  // explains a missing [DONE]): such a failure is reported as caused by it, not as another finding.
  std::string_view follows = {};
  // Which recordings `gatecheck check` judges with it: empty, every answer it recognises (its judge says
  // what it does not apply to); paths separated by '|', answers to requests whose path ends with one
  // ("/llms.txt"); "-", none unless named with --checks (it judges what a step meant, or a window of
  // requests, which one recording does not show).
  std::string_view offline = {};
};

std::span<const CheckInfo> check_catalog();
const CheckInfo* find_check(std::string_view id);

}  // namespace gatecheck::runner
