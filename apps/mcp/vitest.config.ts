import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

// eventsource-parser (a dependency of the MCP SDK's client) exports its TypeScript sources under the
// `source` condition the workspace resolves with: let vite transform it instead of Node loading .ts.
export default mergeConfig(sharedConfig(), {
  test: { server: { deps: { inline: [/@modelcontextprotocol\/sdk/, "eventsource-parser", "eventsource"] } } },
});
