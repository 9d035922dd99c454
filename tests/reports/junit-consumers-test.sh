#!/usr/bin/env bash
# The JUnit file as its consumers read it: valid against the schema Jenkins reads (junit-10.xsd, with
# xmllint) and parsed by a real JUnit consumer (Python's junitparser, Debian's python3-junitparser) with the
# same counts as the JSON report, for a passing run and for one with failures, SHOULD warnings and skips.
# Usage: junit-consumers-test.sh GATECHECK_BINARY. Exit 77 (skipped) unless both are installed.
set -euo pipefail
gatecheck=$1
here=$(cd "$(dirname "$0")" && pwd)
have_xmllint=0 have_parser=0
command -v xmllint >/dev/null && have_xmllint=1
/usr/bin/python3 -c 'import junitparser' 2>/dev/null && have_parser=1
if ((!have_xmllint || !have_parser)); then
  echo "skipped: xmllint (libxml2-utils) and python3-junitparser are both needed (scripts/setup --tools)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A failing run with warnings and skips: the simosphere profile skips what it does not claim, two faults break a
# MUST check and a SHOULD one.
set +e
"$gatecheck" run --quiet --profile simosphere --mock-fault no-done --mock-fault ratelimit-other-convention \
  --report junit="$work/failing.xml" --report json="$work/failing.json" >"$work/failing.out" 2>&1
failing_exit=$?
"$gatecheck" run --quiet --report junit="$work/passing.xml" --report json="$work/passing.json" \
  >"$work/passing.out" 2>&1
passing_exit=$?
set -e
[[ $failing_exit == 1 ]] || { echo "the failing run exited $failing_exit"; cat "$work/failing.out"; exit 1; }
[[ $passing_exit == 0 ]] || { echo "the passing run exited $passing_exit"; cat "$work/passing.out"; exit 1; }

for run in failing passing; do
  xmllint --noout --schema "$here/junit-10.xsd" "$work/$run.xml"
  /usr/bin/python3 - "$work/$run.xml" "$work/$run.json" <<'PY'
import json, sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
totals = json.load(open(sys.argv[2]))["totals"]
cases = [case for suite in xml for case in suite]
failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
skipped = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
assert len(cases) == totals["scenarios"], (len(cases), totals)
assert len(failed) == totals["failed"], (len(failed), totals)
assert len(skipped) == totals["skipped"], (len(skipped), totals)
assert sum(suite.tests for suite in xml) == totals["scenarios"]
assert sum(suite.failures for suite in xml) == totals["failed"]
assert sum(suite.skipped for suite in xml) == totals["skipped"]
for case in skipped:
    assert case.result[0].message, f"{case.name}: a skip says why"
for case in failed:
    assert case.result[0].message, f"{case.name}: a failure names its check"
outs = "".join(case.system_out or "" for case in cases)
if "failing" in sys.argv[1]:
    assert totals["warnings"] > 0 and totals["skipped"] > 0 and totals["failed"] > 0, totals
    assert "warning: " in outs, "SHOULD warnings are in system-out"
print(f"{sys.argv[1]}: {len(cases)} testcases, {len(failed)} failed, {len(skipped)} skipped, as the JSON says")
PY
done
grep -q 'ratelimit.profile-names \[SHOULD\]' "$work/failing.xml" || { echo "the SHOULD warning is not visible"; exit 1; }
grep -q '<failure message="sse.done-sentinel' "$work/failing.xml" || { echo "the MUST failure is missing"; exit 1; }
echo "junit: valid and read alike by its consumers"
