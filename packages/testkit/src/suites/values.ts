import { expect, it } from "vitest";
import { listAll, recordsScope } from "../util.js";
import type { Harness } from "./harness.js";

const TRICKY_KEYS = [
  "a:b",
  "a/b",
  "../etc/passwd",
  "{tag}",
  "%41",
  "..",
  ".",
  " spaced ",
  "日本語",
  "emoji-🦊",
  "new\nline",
  "tab\tx",
  "nul\u0000x",
  "__proto__",
  "constructor",
];

/** Unicode, separators and large values round-trip byte for byte. */
export function valueSuite(h: Harness): void {
  it("round-trips unicode, control characters and nested JSON byte for byte", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const value = {
      text: "héllo 🦊 \u202Eevil\u202C \u0000 \u0007 \r\n \\ \" ' `",
      nested: { arr: [1, 2.5, -3, 1e21, 0.1, true, false, null, "x"], empty: {}, emptyArr: [] },
      big: 9007199254740991,
    };
    await backend.put(s, "v", value);
    const got = await backend.get(s, "v");
    expect(JSON.stringify(got?.value)).toBe(JSON.stringify(value));
    await backend.append({ namespace, collection: "events", partition: "u" }, [{ value }]);
    const [entry] = await backend.readLog({ namespace, collection: "events", partition: "u" });
    expect(JSON.stringify(entry?.value)).toBe(JSON.stringify(value));
  });

  it("keeps keys with separators, dots, braces and unicode distinct and intact", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    for (const k of TRICKY_KEYS) await backend.put(s, k, { k });
    for (const k of TRICKY_KEYS) expect((await backend.get(s, k))?.value).toEqual({ k });
    expect((await listAll(backend, s)).sort()).toEqual([...TRICKY_KEYS].sort());
  });

  it("round-trips a 1 MiB value", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const big = "ab€".repeat(350_000);
    await backend.put(s, "big", { big });
    expect((await backend.get(s, "big"))?.value).toEqual({ big });
    const log = { namespace, collection: "events", partition: "big" };
    await backend.append(log, [{ value: big }]);
    expect((await backend.readLog(log))[0]?.value).toBe(big);
  });
}
