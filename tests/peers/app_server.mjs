// An MCP server offering one MCP App (a ui:// HTML resource with a window size in _meta) and
// one ordinary resource, built on the official TypeScript SDK that server-everything pins, for
// the /agent/list_apps tests. Speaks stdio.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "app-server", version: "1.0.0" });

server.registerResource(
  "Counter",
  "ui://counter/app.html",
  {
    description: "counts clicks",
    mimeType: "text/html;profile=mcp-app",
    _meta: { window: { width: 400, height: 300, resizable: false } },
  },
  async (uri) => ({
    contents: [
      {
        uri: uri.href,
        mimeType: "text/html;profile=mcp-app",
        text: "<html><head><title>Counter</title></head><body>0</body></html>",
      },
    ],
  }),
);

server.registerResource("Notes", "file:///notes.txt", { mimeType: "text/plain" }, async (uri) => ({
  contents: [{ uri: uri.href, mimeType: "text/plain", text: "not an app" }],
}));

await server.connect(new StdioServerTransport());
