/**
 * What a package README promises a new user: the packages its Install section installs and the
 * first code block of its Quick start. The packaging test installs exactly the one and runs the
 * other, so neither can drift from what the tarballs do.
 */

export interface CodeBlock {
  /** The fence's language: `ts`, `sh`, … */
  lang: string;
  code: string;
}

/** The text of the `## <title>…` section (up to the next `## ` heading), or undefined. */
export function section(readme: string, title: string): string | undefined {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  if (start === -1) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

/** The fenced code blocks of a piece of markdown, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    blocks.push({ lang: m[1] ?? "", code: m[2] ?? "" });
  }
  return blocks;
}

/** The first code block under "## Quick start…". */
export function quickStart(readme: string): CodeBlock {
  const text = section(readme, "Quick start");
  if (text === undefined) throw new Error('the README has no "## Quick start" section');
  const [first] = codeBlocks(text);
  if (!first) throw new Error('the "## Quick start" section has no code block');
  return first;
}

export interface InstallLine {
  /** Package specs, as written (`@tta-dev/core`, `keyv`, `vitest`). */
  packages: string[];
  global: boolean;
  dev: boolean;
}

const INSTALL = /^(?:npm (?:i|install|add)|pnpm (?:add|install|i)|yarn add)\s+(.*)$/;

/** Every install command of the first code block under "## Install", comments dropped. */
export function installLines(readme: string): InstallLine[] {
  const text = section(readme, "Install");
  if (text === undefined) throw new Error('the README has no "## Install" section');
  const [block] = codeBlocks(text);
  if (!block) throw new Error('the "## Install" section has no code block');
  const lines: InstallLine[] = [];
  for (const raw of block.code.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    const m = INSTALL.exec(line);
    if (!m) continue;
    const words = (m[1] ?? "").split(/\s+/).filter(Boolean);
    lines.push({
      packages: words.filter((w) => !w.startsWith("-")),
      global: words.includes("-g") || words.includes("--global"),
      dev: words.includes("-D") || words.includes("--save-dev"),
    });
  }
  if (lines.length === 0) throw new Error('the "## Install" block has no npm/pnpm install command');
  return lines;
}

/** The bare package names a TypeScript block imports (`node:` built-ins and relative paths left out). */
export function importedPackages(code: string): string[] {
  const names = new Set<string>();
  const spec = /(?:^|\n)\s*import\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;
  for (let m = spec.exec(code); m !== null; m = spec.exec(code)) {
    const s = m[1] ?? "";
    if (s.startsWith(".") || s.startsWith("node:")) continue;
    const parts = s.split("/");
    names.add(s.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? s));
  }
  return [...names].sort();
}

/** The package name of an install spec (`keyv@5` → `keyv`, `@keyv/redis@5.1.6` → `@keyv/redis`). */
export function specName(spec: string): string {
  const at = spec.indexOf("@", 1);
  return at === -1 ? spec : spec.slice(0, at);
}
