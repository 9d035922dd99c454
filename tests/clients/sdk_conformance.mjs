// The official openai SDK and the AI SDK against gatecheck's mock: what an SDK user does, on every surface,
// checked with node:assert.
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

await check('responses: plain, with instructions; retrieved and deleted', async () => {
  const r = await client.responses.create({ model: MODEL, input: 'Say hi', instructions: 'Be brief.' });
  assert.equal(r.object, 'response');
  assert.equal(r.status, 'completed');
  assert.ok(r.output_text.length > 0, 'the SDK assembles output_text');
  assert.equal(r.usage.total_tokens, r.usage.input_tokens + r.usage.output_tokens);
  const again = await client.responses.retrieve(r.id);
  assert.equal(again.output_text, r.output_text);
  await client.responses.delete(r.id);
  await assert.rejects(client.responses.retrieve(r.id), (e) => e instanceof OpenAI.NotFoundError);
});

await check('responses: streamed, every event typed and numbered, the final response whole', async () => {
  const stream = await client.responses.create({ model: MODEL, input: 'Count to three', stream: true });
  let text = '', last = -1, final = null;
  for await (const event of stream) {
    assert.ok(event.sequence_number > last, 'sequence_number increases');
    last = event.sequence_number;
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') final = event.response;
  }
  assert.ok(text.length > 0);
  assert.equal(final.output[0].content[0].text, text);
});

await check('responses: the SDK stream helper assembles the final response', async () => {
  const runner = client.responses.stream({ model: MODEL, input: 'hi' });
  const final = await runner.finalResponse();
  assert.equal(final.status, 'completed');
  assert.ok(final.output_text.length > 0);
});

await check('responses: a function tool round trip through previous_response_id', async () => {
  const fn = { type: 'function', name: 'get_weather', description: 'Weather for a city', strict: true,
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } };
  const first = await client.responses.create({ model: MODEL, input: 'Weather in Paris?', tools: [fn], tool_choice: 'required' });
  const call = first.output.find((item) => item.type === 'function_call');
  assert.equal(call.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.arguments).city, 'string');
  const second = await client.responses.create({ model: MODEL, previous_response_id: first.id, tools: [fn],
    input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temp_c": 21}' }] });
  assert.match(second.output_text, /get_weather/);
});

await check('responses: text.format json_schema and max_output_tokens', async () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  const r = await client.responses.create({ model: MODEL, input: 'JSON please',
    text: { format: { type: 'json_schema', name: 'reply', schema, strict: true } } });
  assert.equal(typeof JSON.parse(r.output_text).answer, 'string');
  const cut = await client.responses.create({ model: MODEL, input: 'Tell a long story', max_output_tokens: 16 },
    { headers: { 'x-gatecheck-length': '40' } });
  assert.equal(cut.status, 'incomplete');
  assert.equal(cut.incomplete_details.reason, 'max_output_tokens');
});

await check('completions: a prompt, echo with logprobs, and a stream', async () => {
  const r = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test', max_tokens: 7,
    echo: true, logprobs: 2 });
  assert.equal(r.object, 'text_completion');
  assert.ok(r.choices[0].text.startsWith('Say this is a test'));
  assert.equal(r.choices[0].logprobs.tokens.join(''), r.choices[0].text);
  const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Count', stream: true });
  let text = '', finish = null;
  for await (const chunk of stream) { text += chunk.choices[0]?.text ?? ''; finish = chunk.choices[0]?.finish_reason ?? finish; }
  assert.ok(text.length > 0);
  assert.ok(['stop', 'length'].includes(finish));
});

await check('audio: speech as WAV, heard back by a transcription in each format, and a translation', async () => {
  const speech = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy',
    input: 'The quick brown fox jumps over the lazy dog.', response_format: 'wav' });
  const wav = Buffer.from(await speech.arrayBuffer());
  assert.equal(wav.subarray(0, 4).toString(), 'RIFF');
  assert.equal(wav.subarray(8, 12).toString(), 'WAVE');
  const file = await OpenAI.toFile(wav, 'speech.wav', { type: 'audio/wav' });
  const json = await client.audio.transcriptions.create({ model: 'whisper-1', file });
  assert.equal(json.text, 'The quick brown fox jumps over the lazy dog.');
  const srt = await client.audio.transcriptions.create({ model: 'whisper-1', file: await OpenAI.toFile(wav, 'speech.wav'),
    response_format: 'srt' });
  assert.match(srt, /^1\n00:00:00,000 --> \d\d:\d\d:\d\d,\d{3}\n/);
  const verbose = await client.audio.transcriptions.create({ model: 'whisper-1', file: await OpenAI.toFile(wav, 'speech.wav'),
    response_format: 'verbose_json', timestamp_granularities: ['word'] });
  assert.equal(verbose.words.length, 9);
  const translation = await client.audio.translations.create({ model: 'whisper-1', file: await OpenAI.toFile(wav, 'speech.wav') });
  assert.equal(translation.text, json.text);
});

await check('audio: the SDK default (mp3) is an MP3 the mock hears back', async () => {
  const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello there.' });
  assert.equal(speech.headers.get('content-type'), 'audio/mpeg');
  const mp3 = Buffer.from(await speech.arrayBuffer());
  assert.equal(mp3.subarray(0, 3).toString(), 'ID3');
  const heard = await client.audio.transcriptions.create({ model: 'whisper-1', file: await OpenAI.toFile(mp3, 'a.mp3') });
  assert.equal(heard.text, 'Hello there.');
});

await check('images: generated as b64_json and as a url the mock serves', async () => {
  const b64 = await client.images.generate({ model: 'dall-e-2', prompt: 'A lighthouse', size: '256x256', response_format: 'b64_json' });
  const png = Buffer.from(b64.data[0].b64_json, 'base64');
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.equal(png.readUInt32BE(16), 256);
  const url = await client.images.generate({ model: 'dall-e-2', prompt: 'A lighthouse', size: '256x256' });
  const served = await fetch(url.data[0].url);
  assert.equal(served.headers.get('content-type'), 'image/png');
  const edited = await client.images.edit({ model: 'dall-e-2', prompt: 'Add a boat', size: '256x256', response_format: 'b64_json',
    image: await OpenAI.toFile(png, 'in.png', { type: 'image/png' }) });
  assert.equal(Buffer.from(edited.data[0].b64_json, 'base64').readUInt32BE(20), 256);
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

// The AI SDK's default provider call, openai(model), speaks the Responses API.
const { createOpenAI } = await import('@ai-sdk/openai');
const { generateText, streamText, tool, stepCountIs } = await import('ai');
const { z } = await import('zod');
const provider = createOpenAI({ apiKey: 'sk-gatecheck-sdk-test-000000000000', baseURL });

await check('AI SDK openai(model): generateText', async () => {
  const { text, usage, finishReason } = await generateText({ model: provider(MODEL), prompt: 'Say hi' });
  assert.ok(text.length > 0);
  assert.equal(finishReason, 'stop');
  assert.equal(usage.totalTokens, usage.inputTokens + usage.outputTokens);
});

await check('AI SDK openai(model): streamText', async () => {
  const result = streamText({ model: provider(MODEL), prompt: 'Count to three' });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  assert.ok(text.length > 0);
  assert.equal(await result.text, text);
  assert.equal(await result.finishReason, 'stop');
});

await check('AI SDK openai(model): a tool call, executed, then answered', async () => {
  const { steps, text } = await generateText({
    model: provider(MODEL), prompt: 'Weather in Paris?', stopWhen: stepCountIs(2),
    tools: { get_weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temp_c: 21 }) }) },
  });
  assert.equal(steps[0].toolCalls[0].toolName, 'get_weather');
  assert.equal(typeof steps[0].toolCalls[0].input.city, 'string');
  assert.match(text, /get_weather/);
});

if (failures.length > 0) {
  console.error(`${failures.length} client check(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('all client checks passed');
