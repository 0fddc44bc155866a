"""An MCP client made with the official Python SDK, speaking over this process's own stdin and
stdout, so that the test can wire it to a `cozegen mcp` it started itself and watch how the
server ends. (The SDK's stdio streams carry JSON-RPC messages either way; ClientSession makes
this the client side.)

Usage: python mcp_peer.py '<plan as JSON>', the plan as for tests/js/mcp-peer.mjs:
{"call": {"name", "arguments"} | null, "then": "close" | "wait"}. Progress goes to stderr:
`listed <n>`, `calling`, `called <result>`.
"""

import json
import sys

import anyio
from mcp import ClientSession
from mcp.server.stdio import stdio_server


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def main(plan: dict) -> None:
    # The streams are given, so that closing the session can close this end of the server's
    # stdin, as a client that spawned the server would: the server ends on that EOF, and its
    # stdout, this process's stdin, then ends too.
    wire_in = anyio.wrap_file(open(0, "r", encoding="utf-8", closefd=False))
    wire_out = anyio.wrap_file(open(1, "w", encoding="utf-8"))
    async with stdio_server(stdin=wire_in, stdout=wire_out) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            say(f"listed {len(tools.tools)}")
            call = plan.get("call")
            if call:
                say("calling")
                result = await session.call_tool(call["name"], call.get("arguments") or {})
                say("called " + result.model_dump_json())
            if plan.get("then") == "wait":
                await anyio.sleep_forever()
        await write.aclose()
        await wire_out.aclose()


anyio.run(main, json.loads(sys.argv[1]))
