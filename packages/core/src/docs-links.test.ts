import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The contributor documentation in `docs/` is what code comments and package READMEs point to for the
 * reasoning behind a rule. These tests keep those pointers true: every `docs/<page>.md#<heading>`
 * reference in the tree names a page that exists and a heading on it, links between the pages
 * resolve, and nothing cites a document that is not in the repository.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const DOCS = join(ROOT, "docs");

const SKIP_DIRS = new Set(["node_modules", "dist", ".git", ".turbo", ".reports", "coverage", ".tta"]);
const SCANNED = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|md|lua|json|ya?ml|sh)$/;
const SKIP_FILES = new Set(["pnpm-lock.yaml"]);

/** Every scanned file under the repository root, relative to it, with `/` separators. */
function sourceFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) sourceFiles(join(dir, entry.name), out);
    } else if (entry.isFile() && SCANNED.test(entry.name) && !SKIP_FILES.has(entry.name)) {
      out.push(relative(ROOT, join(dir, entry.name)).split("\\").join("/"));
    }
  }
  return out;
}

/** The text a heading renders to: links keep their text, code and emphasis marks go. */
function headingText(raw: string): string {
  return raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim();
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen. */
function slugOf(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors of a markdown file's headings (outside fenced code), with GitHub's `-1`, `-2` for repeats. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1]!.startsWith(fence)) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!h) continue;
    const slug = slugOf(h[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** What is wrong with a reference to `target` (absolute path) and `anchor`, or null. */
function problemOf(target: string, anchor: string | undefined): string | null {
  if (!existsSync(target)) return "no such file";
  if (anchor === undefined || anchor === "") return null;
  if (!target.endsWith(".md") || statSync(target).isDirectory()) return null;
  return anchorsOf(target).has(anchor) ? null : `no heading with anchor #${anchor}`;
}

// `docs/<path>.md#<anchor>`, wherever it stands: in a comment, in text, at the end of a relative link
// (`../../docs/contract.md#limits`). A word ending in "docs" (`mydocs/`) is not a reference.
const DOCS_REFERENCE =
  /(?<![A-Za-z0-9_-])docs\/((?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_.-]+\.md)#([A-Za-z0-9_-]+)/g;

describe("references to docs/", () => {
  const files = sourceFiles();

  it("finds the contributor documentation", () => {
    for (const page of ["README.md", "architecture.md", "storage-port.md", "contract.md", "domain.md"]) {
      expect(existsSync(join(DOCS, page)), `docs/${page}`).toBe(true);
    }
    expect(files.length).toBeGreaterThan(100);
  });

  it("names an existing page and heading wherever a file points to docs/<page>.md#<heading>", () => {
    const broken: string[] = [];
    let found = 0;
    for (const file of files) {
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const m of line.matchAll(DOCS_REFERENCE)) {
          found++;
          const problem = problemOf(join(DOCS, m[1]!), m[2]);
          if (problem) broken.push(`${file}:${i + 1}: docs/${m[1]}#${m[2]}: ${problem}`);
        }
      });
    }
    expect(broken).toEqual([]);
    expect(found).toBeGreaterThan(0);
  });

  it("resolves every relative link between the pages of docs/", () => {
    const broken: string[] = [];
    for (const file of files.filter((f) => f.startsWith("docs/") && f.endsWith(".md"))) {
      const abs = join(ROOT, file);
      let fence = false;
      readFileSync(abs, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/^\s{0,3}(`{3,}|~{3,})/.test(line)) fence = !fence;
          if (fence) return;
          for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
            const link = m[1]!;
            if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
            const [path, anchor] = link.split("#") as [string, string | undefined];
            const target = path === "" ? abs : resolve(dirname(abs), path);
            const problem = problemOf(target, anchor);
            if (problem) broken.push(`${file}:${i + 1}: ${link}: ${problem}`);
          }
        });
    }
    expect(broken).toEqual([]);
  });

  it("cites no specification that lives outside the repository", () => {
    // Built from parts so that this file does not cite it either.
    const banned = [["SPEC", " §"].join(""), ["SPEC", ".md"].join("")];
    const hits: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const word of banned) if (line.includes(word)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});

describe("slugOf", () => {
  it("makes the anchors GitHub makes", () => {
    expect(slugOf("Idempotent append")).toBe("idempotent-append");
    expect(slugOf("Exit codes and HTTP statuses")).toBe("exit-codes-and-http-statuses");
    expect(slugOf("Namespaces, versions and time")).toBe("namespaces-versions-and-time");
    expect(slugOf("`session_groups.json`")).toBe("session_groupsjson");
    expect(slugOf("Search and [ranking](x.md)")).toBe("search-and-ranking");
  });
});
