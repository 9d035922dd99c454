// The official openai SDK against gatecheck's mock: what an SDK user does, checked with node:assert.
// Usage: PORT=<mock port> node sdk_conformance.mjs   (run-sdk-test.sh starts the mock)
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `http://127.0.0.1:${process.env.PORT}/v1`;
const client = new OpenAI({ apiKey: 'sk-gatecheck-sdk-test-000000000000', baseURL, maxRetries: 2, timeout: 10_000 });
const MODEL = 'gpt-4o-mini';
const failures = [];

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures.push(name);
    console.error(`FAIL ${name}:`, error?.stack ?? error);
  }
}

await check('chat, not streamed', async () => {
  const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Say hi' }] });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.id, /^chatcmpl-/);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.ok(r._request_id?.startsWith('req_'), 'x-request-id reaches the SDK');
});

await check('chat, streamed with usage', async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Count to three' }], stream: true,
    stream_options: { include_usage: true },
  });
  let text = '', finish = null, usage = null, id = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    id ??= chunk.id;
    assert.equal(chunk.id, id);
    if (chunk.usage) { usage = chunk.usage; assert.deepEqual(chunk.choices, []); continue; }
    text += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  assert.ok(text.length > 0);
  assert.equal(finish, 'stop');
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
});

await check('chat, streamed through the stricter ChatCompletionStream helper', async () => {
  const runner = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'stop');
  assert.ok(final.choices[0].message.content.length > 0);
});

const tools = [{ type: 'function', function: {
  name: 'get_weather', description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

await check('tool round trip', async () => {
  const messages = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await client.chat.completions.create({ model: MODEL, messages, tools, tool_choice: 'required' });
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  const call = first.choices[0].message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21}' });
  const second = await client.chat.completions.create({ model: MODEL, messages, tools });
  assert.equal(second.choices[0].finish_reason, 'stop');
  assert.ok(second.choices[0].message.content.includes('get_weather'));
});

await check('tool calls streamed and assembled by the SDK helper', async () => {
  const runner = client.chat.completions.stream({
    model: MODEL, messages: [{ role: 'user', content: 'Weather?' }], tools, tool_choice: 'required' });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
});

await check('models: list and retrieve, 404 for unknown ids', async () => {
  const page = await client.models.list();
  assert.ok(page.data.some((m) => m.id === MODEL));
  for (const m of page.data) assert.equal(m.object, 'model');
  const model = await client.models.retrieve(MODEL);
  assert.equal(model.id, MODEL);
  await assert.rejects(client.models.retrieve('no-such-model'), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError);
    assert.equal(e.code, 'model_not_found');
    return true;
  });
});

await check('embeddings: the SDK default (base64) decodes to the float vector', async () => {
  const packed = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'world'] });
  assert.equal(packed.data.length, 2);
  assert.equal(packed.data[0].embedding.length, 1536, 'base64 decoded by the SDK; an empty array would mean floats were sent');
  const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
  for (let i = 0; i < 1536; i += 101) {
    assert.ok(Math.abs(floats.data[0].embedding[i] - packed.data[0].embedding[i]) < 1e-6);
  }
  const norm = Math.sqrt(floats.data[0].embedding.reduce((s, v) => s + v * v, 0));
  assert.ok(Math.abs(norm - 1) < 1e-4);
});

await check('moderations: a string, a list, and a flagged text', async () => {
  const one = await client.moderations.create({ input: 'I would like a cup of tea.' });
  assert.equal(one.results.length, 1);
  assert.equal(one.results[0].flagged, false);
  assert.equal(typeof one.results[0].category_scores.violence, 'number');
  const many = await client.moderations.create({
    model: 'omni-moderation-latest',
    input: ['calm', 'gatecheck:flag:violence'],
  });
  assert.equal(many.results.length, 2);
  assert.equal(many.results[1].flagged, true);
  assert.equal(many.results[1].categories.violence, true);
});

await check('errors carry type, code and param', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], temperature: 5 }),
    (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.param, 'temperature');
      assert.equal(e.code, 'decimal_above_max_value');
      return true;
    });
  const stranger = new OpenAI({ apiKey: 'sk-not-a-key-of-this-mock-0000', baseURL, maxRetries: 0 });
  await assert.rejects(stranger.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.code === 'invalid_api_key');
});

await check('a 429 is retried after retry-after-ms and then succeeds', async () => {
  const slow = new OpenAI({ apiKey: 'sk-gatecheck-sdk-slow-000000000000', baseURL, maxRetries: 2 });
  await slow.models.list();                       // uses the one request this second allows
  const started = Date.now();
  const { data, response } = await slow.models.list().withResponse();   // 429 first, then retried
  const waited = Date.now() - started;
  assert.equal(response.status, 200);
  assert.ok(data.data.length > 0);
  assert.ok(waited >= 500 && waited < 5000, `waited ${waited} ms`);
  const impatient = new OpenAI({ apiKey: 'sk-gatecheck-sdk-slow-000000000000', baseURL, maxRetries: 0 });
  await assert.rejects(impatient.models.list(), (e) => e instanceof OpenAI.RateLimitError && e.code === 'rate_limit_exceeded');
});

if (failures.length > 0) {
  console.error(`${failures.length} client check(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('all client checks passed');
