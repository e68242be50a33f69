import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";
import { tempWorkspace } from "./harness.js";

describe("tta ui", () => {
  it("starts the server, prints the inspector's URL, serves the pages with the workspace's data, and exits 0 on SIGTERM", async () => {
    const cwd = tempWorkspace();
    const created = await spawnTta(["session", "create", "inspect-me-2026-12-07", "--title", "<b>bold</b>"], {
      cwd,
    }).done;
    expect(created.code, created.stderr).toBe(0);
    const { child, done, waitFor } = spawnTta(["ui", "--port", "0", "--host", "127.0.0.1"], { cwd });
    try {
      const [, url] = await waitFor(/^tta web inspector: (http:\/\/127\.0\.0\.1:\d+\/ui)$/m);
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const body = await page.text();
      expect(body).toContain("inspect-me-2026-12-07");
      expect(body).toContain("&lt;b&gt;bold&lt;/b&gt;");
      expect(body).not.toContain("<b>bold</b>");
      // The API's guard covers the pages: a foreign Origin is refused.
      expect((await fetch(url!, { headers: { origin: "https://evil.example" } })).status).toBe(403);
    } finally {
      child.kill("SIGTERM");
    }
    const result = await done;
    expect(result.code).toBe(0);
  }, 60_000);

  it("exits 2 with a JSON error on a bad --port", async () => {
    const r = await spawnTta(["ui", "--port", "-1"], { cwd: tempWorkspace() }).done;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe("VALIDATION_FAILED");
    expect(r.stdout).not.toContain("tta web inspector");
  }, 60_000);
});
