"""An MCP client made with the official Python SDK, speaking over this process's own stdin and
stdout, so that the test can wire it to a `cozegen mcp` it started itself and watch how the
server ends. (The SDK's stdio streams carry JSON-RPC messages either way; ClientSession makes
this the client side.)

Usage: python mcp_peer.py '<plan as JSON>', the plan as for tests/js/mcp-peer.mjs:
{"call": {"name", "arguments"} | null, "then": "close" | "wait"}. Progress goes to stderr:
`listed <n>`, `calling`, `called <result>`.

With "cancel": {"name", "arguments"} in the plan, that call is made first, with a progress
callback, and cancelled (its task's scope) at its first progress notification: the SDK then
tells the server `notifications/cancelled`. It says `cancelling` then, and `cancelled` once the
call has given up, before the plan's "call".
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
            cancel = plan.get("cancel")
            if cancel:
                with anyio.CancelScope() as scope:

                    async def on_progress(progress, total, message):
                        say(f"cancelling at {progress}: {message}")
                        scope.cancel()

                    await session.call_tool(
                        cancel["name"], cancel.get("arguments") or {}, progress_callback=on_progress
                    )
                    say("answered a cancelled call")
                say("cancelled")
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
