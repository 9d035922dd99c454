// What gating Portkey 1.15.2 (Node.js 20) finds, held as the test's expectation: each known defect fails for
// its reason, every other scenario passes. A change in Portkey, or in a suite, shows up here as a diff.
//   node portkey_findings.mjs GATE REPORT.json EXIT_CODE
import { readFileSync } from 'node:fs';

const [gate, file, exitCode] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));

// Portkey answers every stream with 500 {"status":"failure","message":"Something went wrong"} under Node.js
// 20 (its node adapter appends headers to the fetch Response, whose headers are immutable: TypeError).
const streamBroken = { check: 'expect.status', says: '', actual: '500' };
const known = {
  portkey: {
    'an out-of-range parameter is refused or forwarded as given, never changed silently':
      { check: 'upstream.request', says: 'json $.temperature: expected 5, got 2' },
    'a body that is not JSON is refused with a 400 in the error envelope':
      { check: 'error.envelope', says: 'no error object', actual: '{"message":"Something went wrong","status":"failure"}' },
    'a stream goes through chunk by chunk, as the upstream produces it': streamBroken,
    'a streamed tool call arrives whole': streamBroken,
    'twenty streams at once go through whole and unbuffered': streamBroken,
    'an error in the middle of a stream ends the client\'s stream with an error':
      { check: 'upstream.error-preserved', says: 'without an error envelope' },
    // SHOULD: reported, not failing the run
    'the client\'s request id reaches the upstream': { check: 'upstream.request-id-propagated', says: 'did not carry', warn: true },
  },
  'portkey-anthropic': {
    'a stream of message events becomes a stream of chat chunks, as it is produced': streamBroken,
  },
}[gate];

const problems = [];
const seen = new Set();
for (const suite of report.suites) {
  for (const scenario of suite.scenarios) {
    const want = known[scenario.name];
    const checks = scenario.steps.flatMap((step) => step.checks);
    const failed = checks.filter((c) => c.outcome === 'failed' && !c.caused_by);
    if (!want) {
      if (scenario.outcome !== 'passed') problems.push(`${scenario.name}: ${scenario.outcome} ` + JSON.stringify(failed));
      continue;
    }
    seen.add(scenario.name);
    const hit = failed.find((c) => c.id === want.check && (c.message ?? '').includes(want.says) &&
                                   (!want.actual || c.actual === want.actual));
    if (!hit) problems.push(`${scenario.name}: expected ${want.check} to fail (${want.says}); failed: ` + JSON.stringify(failed));
  }
}
for (const name of Object.keys(known)) if (!seen.has(name)) problems.push(`${name}: not run`);
const wantExit = Object.values(known).some((w) => !w.warn) ? '1' : '0';
if (exitCode !== wantExit) problems.push(`exit code ${exitCode}, expected ${wantExit}`);
if (report.embedded_mock !== false) problems.push('the report says the target is the embedded mock');
if (problems.length) {
  console.log(`${gate}: ${problems.length} unexpected:\n  ` + problems.join('\n  '));
  process.exit(1);
}
console.log(`${gate}: ${report.totals.scenarios} scenarios, the known findings and nothing else`);
