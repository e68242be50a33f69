/**
 * The markdown layer: a lazily loaded unified + remark-parse + remark-gfm parser and the few mdast
 * shapes this package reads. Loading is lazy because the remark stack costs about 80 ms to import,
 * and most processes that import this package (the CLI, the workflow) never parse markdown when a
 * cached result is valid.
 */

/** A position in the source: 1-based line and column, 0-based offset. */
export interface MdPoint {
  line: number;
  column: number;
  offset?: number;
}

/** The subset of an mdast node this package reads. */
export interface MdNode {
  type: string;
  children?: MdNode[];
  value?: string;
  depth?: number;
  position?: { start: MdPoint; end: MdPoint };
}

/** Parses markdown text into an mdast root. */
export type MarkdownParser = (text: string) => MdNode;

let loading: Promise<MarkdownParser> | undefined;

/**
 * Load (once) and return the markdown parser. Later calls return the same parser.
 *
 * @example
 * const parse = await loadMarkdownParser();
 * const root = parse("- **QUAL-001**: Minimum 70% test coverage");
 */
export function loadMarkdownParser(): Promise<MarkdownParser> {
  loading ??= (async () => {
    const [{ unified }, { default: remarkParse }, { default: remarkGfm }] = await Promise.all([
      import("unified"),
      import("remark-parse"),
      import("remark-gfm"),
    ]);
    const processor = unified().use(remarkParse).use(remarkGfm).freeze();
    return (text: string) => processor.parse(text) as unknown as MdNode;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** The plain text of a node: what a reader sees, without markup (inline code keeps its content). */
export function plainText(node: MdNode): string {
  if (typeof node.value === "string" && node.type !== "html") return node.value;
  if (node.type === "break") return " ";
  if (!node.children) return "";
  let out = "";
  for (const child of node.children) out += plainText(child);
  return out;
}

/** True when the subtree contains a node of the given type. */
export function containsType(node: MdNode, type: string): boolean {
  if (node.type === type) return true;
  if (!node.children) return false;
  for (const child of node.children) if (containsType(child, type)) return true;
  return false;
}

/** The source text of a node, from its offsets; empty when positions are missing. */
export function sourceOf(text: string, node: MdNode, from?: number): string {
  const start = from ?? node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return "";
  return text.slice(start, end);
}

/** Collapse every run of whitespace (line breaks included) into one space and trim. */
export function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
