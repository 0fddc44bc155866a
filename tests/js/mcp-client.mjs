// Drives `cozegen mcp` with the official MCP TypeScript SDK, as an agent's client would: spawns
// the server over stdio, lists its tools, makes the calls given, and prints one JSON object:
// {tools, results, messages, stderr, exit}. Every JSON-RPC message the server sent is in
// `messages`, so the caller can check that none of them holds the token; `exit` is how the
// server process ended after the client closed the session ({code, signal}: the SDK closes its
// stdin, then sends SIGTERM after 2 s, SIGKILL after 4).
//
// Usage: node mcp-client.mjs '<command and args as a JSON array>' '<calls as a JSON array of
// {name, arguments}>'; the server's environment is this process's COZE_API_TOKEN,
// COZE_API_BASE and PATH.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = JSON.parse(process.argv[2]);
const calls = JSON.parse(process.argv[3] ?? "[]");
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

const { tools } = await client.listTools();
const results = [];
for (const call of calls) {
  try {
    results.push({ result: await client.callTool(call) });
  } catch (e) {
    results.push({ error: String(e?.message ?? e) });
  }
}
await client.close();
const exit = await exited;
// Whatever the server wrote last reaches the pipe before its exit is seen; let it arrive.
await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(JSON.stringify({ tools, results, messages, stderr, exit }) + "\n");
