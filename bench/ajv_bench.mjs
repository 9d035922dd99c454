// ajv (draft 2020-12) on the same schema and data as schema_bench, in the same run.
//   node ajv_bench.mjs OUT_DIR   (after schema_bench wrote OUT_DIR/{openapi,response,chunks}.json)
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const dir = process.argv[2];
const doc = JSON.parse(readFileSync(`${dir}/openapi.json`, 'utf8'));
const response = JSON.parse(readFileSync(`${dir}/response.json`, 'utf8'));
const chunks = JSON.parse(readFileSync(`${dir}/chunks.json`, 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
const started = performance.now();
ajv.addSchema(doc, 'https://bench.invalid/openapi.json');
const path = "https://bench.invalid/openapi.json#/paths/~1chat~1completions/post/responses/200/content";
const responseValidator = ajv.compile({ $ref: `${path}/application~1json/schema` });
const chunkValidator = ajv.compile({ $ref: `${path}/text~1event-stream/schema` });
const compileMs = performance.now() - started;

function rate(work, seconds) {
  let calls = 0;
  const begin = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let i = 0; i < 100; i++) {
      if (!work()) throw new Error('unexpected validation failure');
      calls++;
    }
    elapsed = performance.now() - begin;
  }
  return calls / (elapsed / 1000);
}

const fast = rate(() => responseValidator(response), 2);
const streams = rate(() => chunks.every((c) => chunkValidator(c)), 2);
console.log(`ajv: compile ${compileMs.toFixed(0)} ms`);
console.log(`ajv: chat completion response  ${fast.toFixed(0).padStart(10)} validations/s`);
console.log(`ajv: 1,000-chunk stream        ${streams.toFixed(1).padStart(10)} streams/s (${(streams * 1000).toFixed(0)} chunks/s)`);
