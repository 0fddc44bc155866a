// An MCP client made with the official TypeScript SDK, speaking over this process's own stdin
// and stdout, so that the test can wire it to a `cozegen mcp` it started itself and watch how
// the server ends. (The SDK's stdio transport reads stdin and writes stdout; which side of the
// protocol it serves is up to the Client or Server given it.)
//
// Usage: node mcp-peer.mjs '<plan as JSON>'. The plan is {"call": {name, arguments} | null,
// "then": "close" | "wait"}: initialize, list the tools, say `listed <n>` on stderr, make the call
// if any (saying `calling` first and `called` after), then either close the session and exit
// (`close`), or wait to be killed or cut off (`wait`).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const plan = JSON.parse(process.argv[2]);
const client = new Client({ name: "cozegen-peer-ts", version: "0.0.0" });
await client.connect(new StdioServerTransport());
const { tools } = await client.listTools();
process.stderr.write(`listed ${tools.length}\n`);
if (plan.call) {
  process.stderr.write("calling\n");
  const result = await client.callTool(plan.call);
  process.stderr.write(`called ${JSON.stringify(result)}\n`);
}
if (plan.then === "wait") {
  // Until killed, or until the server goes away.
  await new Promise((resolve) => process.stdin.on("end", resolve));
}
await client.close();
process.stdin.destroy();
process.stdout.end();
