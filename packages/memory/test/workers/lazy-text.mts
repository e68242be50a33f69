import { createRequire } from "node:module";
import { createMemoryStore } from "@tta-dev/memory";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";

// A store that appends and creates, then searches: the text modules load only for the search.
const store = createMemoryStore({ backend: createInMemoryBackend() });
await store.sessions.create({ id: "lazy-check-2026-12-07" });
await store.messages.append({ sessionId: "lazy-check-2026-12-07", content: "Pooling connections" });
await store.memories.create({ content: "Pooling connections" });
const loaded = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((k) => /stopword|snowball/.test(k)).length;
const before = loaded();
await store.memories.search({ query: "pools" });
console.log(JSON.stringify({ before, after: loaded() }));
