// Drives `cozegen mcp` with the official MCP TypeScript SDK, as an agent's client would: spawns
// the server over stdio, lists its tools, makes the calls given, and prints one JSON object:
// {tools, results, messages, stderr, exit}. Every JSON-RPC message the server sent is in
// `messages`, so the caller can check that none of them holds the token; `exit` is how the
// server process ended after the client closed the session ({code, signal}: the SDK closes its
// stdin, then sends SIGTERM after 2 s, SIGKILL after 4).
//
// Usage: node mcp-client.mjs '<command and args as a JSON array>' '<calls as a JSON array of
// {name, arguments}>' ['<options>']; the server's environment is this process's
// COZE_API_TOKEN, COZE_API_BASE and PATH.
//
// A call may also say `progress: true` (an `onprogress` handler: the notifications it gets are
// the result's `progress`) and `abort: true` (an AbortSignal, fired once this process reads a
// line on its stdin, at the call's next progress notification when it has `progress`; the
// result's `abortedAt` is then how many messages had arrived). The options are
// `{"concurrent": true}`: every call at once instead of one after the other, the report's
// `elapsedMs` how long they took together. `sent` is every message the client sent.
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = JSON.parse(process.argv[2]);
const calls = JSON.parse(process.argv[3] ?? "[]");
const options = JSON.parse(process.argv[4] ?? "{}");
const env = { PATH: process.env.PATH ?? "" };
for (const name of ["COZE_API_TOKEN", "COZE_API_BASE"]) {
  if (process.env[name] !== undefined) env[name] = process.env[name];
}

const transport = new StdioClientTransport({ command, args, env, stderr: "pipe" });
let stderr = "";
transport.stderr?.on("data", (chunk) => {
  stderr += chunk.toString();
});
const client = new Client({ name: "cozegen-test", version: "0.0.0" });
await client.connect(transport);
// The SDK keeps the spawned process to itself; watch it end.
const child = transport._process;
if (!child) throw new Error("the SDK's stdio transport no longer exposes its process");
const exited = new Promise((resolve) =>
  child.once("exit", (code, signal) => resolve({ code, signal })),
);
const messages = [];
const deliver = transport.onmessage;
transport.onmessage = (message) => {
  messages.push(message);
  deliver?.(message);
};
const sent = [];
const send = transport.send.bind(transport);
transport.send = (message, sendOptions) => {
  sent.push(message);
  return send(message, sendOptions);
};

// The first line on stdin, when a call waits for one.
const stdinLine = calls.some((call) => call.abort)
  ? new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve))
  : null;

async function callOne({ name, arguments: callArguments, progress, abort }) {
  const entry = {};
  const controller = new AbortController();
  const fire = () => {
    entry.abortedAt = messages.length;
    controller.abort();
  };
  let armed = false;
  const callOptions = { signal: controller.signal };
  if (progress) {
    entry.progress = [];
    callOptions.onprogress = (update) => {
      entry.progress.push(update);
      if (armed && entry.abortedAt === undefined) fire();
    };
  }
  if (abort) {
    stdinLine.then(() => {
      armed = true;
      if (!progress) fire();
    });
  }
  try {
    entry.result = await client.callTool(
      { name, arguments: callArguments },
      undefined,
      callOptions,
    );
  } catch (e) {
    entry.error = String(e?.message ?? e);
  }
  return entry;
}

const { tools } = await client.listTools();
const results = [];
const began = performance.now();
if (options.concurrent) {
  results.push(...(await Promise.all(calls.map(callOne))));
} else {
  for (const call of calls) results.push(await callOne(call));
}
const elapsedMs = performance.now() - began;
await client.close();
const exit = await exited;
// Whatever the server wrote last reaches the pipe before its exit is seen; let it arrive.
await new Promise((resolve) => setTimeout(resolve, 50));
// A stdin still read for an abort that never came would keep this process alive.
process.stdout.write(
  JSON.stringify({ tools, results, messages, sent, stderr, exit, elapsedMs }) + "\n",
  () => process.exit(0),
);
