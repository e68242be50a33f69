import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileBackend } from "@tta-dev/memory-file";
import { createHandlers } from "@tta-dev/workflow";
import pino from "pino";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, type RunningHttpServer, startHttpServer } from "../src/index.js";
import { jsonApi } from "./helpers.js";

/**
 * The web inspector in a real headless Chromium (Debian's `chromium`, or `CHROMIUM_PATH`): the
 * pages show the stored data, hostile text stays text, the forms work from the keyboard, the
 * context preview equals `context.load`'s markdown, and axe-core finds no serious violations.
 * Screenshots go to test-artifacts/ui/.
 */

const MAIN = "auth-design-2026-01-01";
const SCRIPT = "<script>window.__pwned=1</script>";
const IMG = '<img src=x onerror="window.__pwned=1">';
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/ui/", import.meta.url));
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const TIMEOUT = 60_000;

function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env) return existsSync(env) ? env : undefined;
  try {
    const path = execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
    return path || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = findChromium();
const inCi = process.env.CI === "true";
if (!executablePath && !inCi) {
  console.warn(
    "ui-browser.test.ts skipped: no chromium found (install Debian's chromium or set CHROMIUM_PATH)",
  );
}

type Violation = { id: string; impact: string | null; help: string; nodes: string[] };

describe.skipIf(!executablePath && !inCi)(
  "web inspector in headless Chromium (file backend, real server)",
  () => {
    let server: RunningHttpServer;
    let root: string;
    let browser: Browser;
    let context: BrowserContext;

    const api = jsonApi(() => server.url);

    const open = async (path: string): Promise<Page> => {
      const page = await context.newPage();
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      return page;
    };

    const visible = async (page: Page, text: string) => {
      await page.getByText(text, { exact: false }).first().waitFor({ state: "visible", timeout: 10_000 });
    };

    /** Stored text ran nowhere, axe finds nothing serious, and the page is photographed. */
    const audit = async (page: Page, name: string) => {
      expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator("script").count(), "no <script> element from stored text").toBe(0);
      expect(await page.locator("img").count(), "no <img> element from stored text").toBe(0);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        // biome-ignore lint/suspicious/noExplicitAny: axe is the global the injected script defines
        const result = await (globalThis as any).axe.run();
        // biome-ignore lint/suspicious/noExplicitAny: axe's result shape
        return result.violations.map((v: any) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          // biome-ignore lint/suspicious/noExplicitAny: axe's node shape
          nodes: v.nodes.map((n: any) => String(n.target)),
        }));
      });
      const serious = (violations as Violation[]).filter(
        (v) => v.impact === "serious" || v.impact === "critical",
      );
      expect(serious, `axe on ${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    };

    beforeAll(async () => {
      if (!executablePath) {
        throw new Error("CI=true but no chromium found: install Debian's chromium or set CHROMIUM_PATH");
      }
      await mkdir(ARTIFACTS, { recursive: true });
      root = await mkdtemp(join(tmpdir(), "tta-ui-browser-"));
      await writeFile(join(root, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
      const backend = createFileBackend({ root: join(root, ".tta") });
      const handlers = createHandlers({ backend, root, dataDir: join(root, ".tta"), version: "0.0.0-test" });
      const app = createHttpApp({ handlers, ready: () => backend.ping(), logger: pino({ level: "silent" }) });
      server = await startHttpServer({ app, port: 0, hasTokens: false });

      await api("POST", "/v1/sessions", { id: MAIN, title: "Auth design", tags: ["auth", "ui"] });
      for (let i = 2; i <= 5; i++)
        await api("POST", "/v1/sessions", { id: `auth-review-2026-01-0${i}`, tags: ["auth"] });
      await api("POST", "/v1/sessions", {
        id: "billing-fix-2026-02-01",
        title: "Billing fix",
        tags: ["billing"],
      });
      await api("POST", "/v1/sessions/auth-review-2026-01-05/complete", {
        lessons: ["Rotate the signing keys"],
      });
      for (const content of ["first message", SCRIPT, IMG]) {
        await api("POST", `/v1/sessions/${MAIN}/messages`, { content });
      }
      await api("PUT", `/v1/sessions/${MAIN}/cache/draft-plan`, { value: { step: 1 }, ttlMs: 3_600_000 });
      await api("POST", "/v1/memories", {
        content: "Tokens expire after one hour",
        kind: "lesson",
        tags: ["auth"],
        sessionId: MAIN,
      });
      await api("POST", "/v1/memories", {
        content: "Billing uses cents",
        kind: "decision",
        tags: ["billing"],
      });
      await api("POST", "/v1/groups", { name: "feature-auth", description: "Auth work" });
      await api("POST", "/v1/groups/feature-auth/sessions", { sessionId: MAIN });

      browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
      // The pages forbid inline scripts; bypassing the CSP lets axe in, and leaves escaping as the
      // only thing between stored text and the DOM.
      context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    }, TIMEOUT);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it(
      "lists the sessions; the status and tag filters submit from the keyboard; the next page link pages",
      async () => {
        const page = await open("/ui");
        for (const id of [MAIN, "billing-fix-2026-02-01", "auth-review-2026-01-05"]) await visible(page, id);
        await visible(page, "Auth design");
        await audit(page, "sessions");

        await page.getByLabel("Tag").fill("billing");
        await page.getByLabel("Tag").focus();
        await Promise.all([page.waitForURL(/tag=billing/), page.keyboard.press("Enter")]);
        await visible(page, "billing-fix-2026-02-01");
        expect(await page.getByRole("link", { name: MAIN }).count()).toBe(0);

        await page.getByLabel("Tag").fill("");
        await page.getByLabel("Status").selectOption("completed");
        await page.getByLabel("Tag").focus();
        await Promise.all([page.waitForURL(/status=completed/), page.keyboard.press("Enter")]);
        await visible(page, "auth-review-2026-01-05");
        expect(await page.getByRole("link", { name: MAIN }).count()).toBe(0);
        expect(await page.getByRole("link", { name: "billing-fix-2026-02-01" }).count()).toBe(0);

        await page.goto(`${server.url}/ui?limit=3`);
        const rows = page.locator("tbody tr td:first-child a");
        expect(await rows.count()).toBe(3);
        const first = await rows.allTextContents();
        await Promise.all([
          page.waitForURL(/cursor=/),
          page.getByRole("link", { name: "Next page" }).click(),
        ]);
        const second = await rows.allTextContents();
        expect(second.length).toBeGreaterThan(0);
        expect(second.filter((id) => first.includes(id))).toEqual([]);
        await page.close();
      },
      TIMEOUT,
    );

    it(
      "shows a session with hostile messages as text, its cache, groups and lessons",
      async () => {
        const page = await open(`/ui/sessions/${MAIN}`);
        for (const text of [
          "first message",
          SCRIPT,
          IMG,
          "draft-plan",
          "feature-auth",
          "Tokens expire after one hour",
        ]) {
          await visible(page, text);
        }
        expect(await page.locator("pre.message").allTextContents()).toEqual(["first message", SCRIPT, IMG]);
        await audit(page, "session");
        await page.close();
      },
      TIMEOUT,
    );

    it(
      "keeps hostile text inert with the pages' own Content-Security-Policy too",
      async () => {
        const strict = await browser.newContext();
        try {
          const page = await strict.newPage();
          await page.goto(`${server.url}/ui/sessions/${MAIN}`);
          await visible(page, SCRIPT);
          expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
          expect(await page.locator("script").count()).toBe(0);
        } finally {
          await strict.close();
        }
      },
      TIMEOUT,
    );

    it(
      "previews the context: the <pre> holds exactly the markdown context.load renders",
      async () => {
        const out = await api("POST", `/v1/sessions/${MAIN}/context`, {
          stage: "implement",
          mode: "standard",
          format: "markdown",
        });
        expect(typeof out.rendered).toBe("string");
        const page = await open(`/ui/sessions/${MAIN}/context?stage=implement&mode=standard`);
        await visible(page, "Rendered context");
        expect(await page.locator("pre#context").textContent()).toBe(out.rendered);
        expect(await page.locator("meter").count()).toBeGreaterThan(0);
        await audit(page, "context");
        await page.close();
      },
      TIMEOUT,
    );

    it(
      "shows the groups board",
      async () => {
        const page = await open("/ui/groups");
        const active = page.locator("section", { has: page.locator("#col-active") });
        await active.getByText("feature-auth").waitFor({ state: "visible", timeout: 10_000 });
        await active.getByRole("link", { name: MAIN }).waitFor({ state: "visible", timeout: 10_000 });
        await visible(page, "Auth work");
        await audit(page, "groups");
        await page.close();
      },
      TIMEOUT,
    );

    it(
      "searches memory from the keyboard and shows the hits with their scores",
      async () => {
        const page = await open("/ui/memory");
        await page.getByLabel("Search", { exact: true }).fill("tokens");
        await page.getByLabel("Search", { exact: true }).focus();
        await Promise.all([page.waitForURL(/q=tokens/), page.keyboard.press("Enter")]);
        await visible(page, "Tokens expire after one hour");
        expect(await page.getByText("Billing uses cents").count()).toBe(0);
        expect(await page.locator("tbody td").first().textContent()).toMatch(/^[\d.]+$/);
        await audit(page, "memory");
        await page.close();
      },
      TIMEOUT,
    );

    it(
      "shows the PAFs and their validation",
      async () => {
        const page = await open("/ui/pafs");
        await visible(page, "QUAL-001");
        await visible(page, "Minimum 70% test coverage");
        await visible(page, "checks passed");
        await audit(page, "pafs");
        await page.close();
      },
      TIMEOUT,
    );
  },
);
