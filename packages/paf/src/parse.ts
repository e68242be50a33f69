import { type Paf, PafParseError } from "@tta-dev/core";
import { parseCheckSpec } from "./check-spec.js";
import { readFactHead, readSubItem } from "./fact-head.js";
import { findExcessiveNesting, findMarkupBomb } from "./guards.js";
import { hashFact } from "./hash.js";
import { categoryOf, PAF_ID_IN_TEXT } from "./ids.js";
import {
  containsType,
  loadMarkdownParser,
  type MarkdownParser,
  type MdNode,
  plainText,
  squash,
} from "./markdown.js";
import {
  type PafDocument,
  type PafProblem,
  PafProblemCode,
  type ParsePafOptions,
  type StatedTotal,
} from "./types.js";

/** Default size limit of a PAF document: 4 Mi characters (a 5 000-fact registry is about 400 KiB). */
export const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;
/** Default nesting of lists and quotes beyond which a document is refused (see {@link findExcessiveNesting}). */
export const DEFAULT_MAX_NESTING = 100;
/** Default limit of emphasis/link delimiters in one paragraph (see {@link findMarkupBomb}). */
export const DEFAULT_MAX_INLINE_MARKUP = 5_000;
/** Default depth to which nested lists and quotes are followed. */
export const DEFAULT_MAX_DEPTH = 32;

/**
 * Parse a PAF document (the text of a `PAFCORE.md`) into facts and the problems seen on the way.
 * Fenced code never yields facts; CRLF and LF are alike; every fact carries its file, line and a
 * content hash. Fails `PAF_PARSE_ERROR` only for input that is not a markdown document at all
 * (binary, or over `maxChars`).
 *
 * @example
 * const { facts, problems } = await parsePafDocument(text, { file: "PAFCORE.md" });
 */
export async function parsePafDocument(text: string, options: ParsePafOptions = {}): Promise<PafDocument> {
  return parsePafDocumentWith(await loadMarkdownParser(), text, options);
}

/** {@link parsePafDocument} with a parser already loaded (synchronous). */
export function parsePafDocumentWith(parse: MarkdownParser, text: string, options: ParsePafOptions = {}) {
  const file = options.file ?? "PAFCORE.md";
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (text.length > maxChars) {
    throw new PafParseError(
      `${file} is ${text.length} characters long; the limit is ${maxChars}. Split the registry or raise maxChars.`,
      { file, length: text.length, limit: maxChars },
    );
  }
  if (text.includes("\u0000")) {
    throw new PafParseError(
      `${file} looks binary (it contains NUL bytes); a PAF document is markdown text.`,
      {
        file,
      },
    );
  }
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const deep = findExcessiveNesting(text, maxNesting);
  if (deep) {
    throw new PafParseError(
      `${file}:${deep.line} nests lists or quotes about ${deep.depth} levels deep; the limit is ${maxNesting}.`,
      { file, line: deep.line, depth: deep.depth, limit: maxNesting },
    );
  }
  const maxMarkup = options.maxInlineMarkup ?? DEFAULT_MAX_INLINE_MARKUP;
  const bomb = findMarkupBomb(text, maxMarkup);
  if (bomb) {
    throw new PafParseError(
      `${file}:${bomb.line} starts a paragraph with ${bomb.count}+ emphasis or link delimiters; the limit is ${maxMarkup}.`,
      { file, line: bomb.line, limit: maxMarkup },
    );
  }
  const walker = new Walker(text, file, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  walker.blocks(parse(text).children ?? [], 0);
  return walker.finish();
}

const TOTAL = /total\s+active\s+pafs?\s*:\s*(\d+)/gi;
const BY_CATEGORY = /^\s*by\s+(?:category|section)\s*:?\s*$/i;
const DEPRECATED_HEADING = /^\s*(?:\d+[.)]\s*)?deprecated\b/i;

class Walker {
  readonly facts: Paf[] = [];
  readonly problems: PafProblem[] = [];
  readonly totals: StatedTotal[] = [];
  private readonly headings: string[] = [];
  private tooDeepReported = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly maxDepth: number,
  ) {}

  blocks(nodes: MdNode[], depth: number): void {
    for (const [index, node] of nodes.entries()) {
      switch (node.type) {
        case "heading": {
          const level = node.depth ?? 1;
          const title = squash(plainText(node));
          this.headings.length = Math.max(0, level - 1);
          this.headings[level - 1] = title;
          this.totalsIn(title, node);
          break;
        }
        case "paragraph": {
          const plain = plainText(node);
          this.totalsIn(plain, node);
          const next = nodes[index + 1];
          if (BY_CATEGORY.test(plain) && next?.type === "list") this.categoryTotals(next);
          break;
        }
        case "list":
        case "blockquote":
          if (this.enter(node, depth)) {
            if (node.type === "list") this.listItems(node.children ?? [], depth + 1);
            else this.blocks(node.children ?? [], depth + 1);
          }
          break;
        default:
          // code, html, tables, thematic breaks… never hold facts
          break;
      }
    }
  }

  finish(): PafDocument {
    const active = new Set(this.facts.filter((f) => f.status === "active").map((f) => f.id));
    for (const fact of this.facts) {
      const by = fact.deprecation?.replacedBy;
      if (fact.status === "deprecated" && by !== undefined && active.has(by)) fact.status = "replaced";
    }
    return { file: this.file, facts: this.facts, problems: this.problems, statedTotals: this.totals };
  }

  private enter(node: MdNode, depth: number): boolean {
    if (depth < this.maxDepth) return true;
    if (!this.tooDeepReported) {
      this.tooDeepReported = true;
      this.problem(
        PafProblemCode.TOO_DEEP,
        "warning",
        node,
        `Nesting deeper than ${this.maxDepth} levels is not read.`,
      );
    }
    return false;
  }

  private listItems(items: MdNode[], depth: number): void {
    for (const item of items) {
      const [first, ...rest] = item.children ?? [];
      if (first?.type !== "paragraph") {
        this.blocks(item.children ?? [], depth);
        continue;
      }
      const head = readFactHead(first, this.text);
      if (head?.kind === "fact") {
        this.fact(item, first, head.id, head.textStart, rest, depth);
        continue;
      }
      if (head?.kind === "unparsed") {
        this.problem(
          PafProblemCode.UNPARSED_FACT,
          "warning",
          item,
          `"${head.label}" looks like a fact but does not parse: ${head.reason}.`,
        );
      } else {
        this.totalsIn(plainText(first), first);
      }
      this.blocks(rest, depth);
    }
  }

  private fact(item: MdNode, para: MdNode, id: string, textStart: number, rest: MdNode[], depth: number) {
    const raw = this.text.slice(textStart, para.position?.end.offset ?? textStart);
    const plain = plainText(para);
    const section = this.headings.filter((h) => h !== undefined);
    const deprecated =
      containsType(para, "delete") ||
      /\bDEPRECATED\b/.test(plain) ||
      section.some((h) => DEPRECATED_HEADING.test(h));
    const text = deprecated ? cleanDeprecated(raw) : squash(raw);
    const line = item.position?.start.line ?? 1;
    if (!text) {
      this.problem(PafProblemCode.EMPTY_FACT, "warning", item, `${id} has no text after its id.`, id);
      return;
    }
    const deprecation: { reason?: string; replacedBy?: string; date?: string } = {};
    let check: Paf["check"];
    const others: MdNode[] = [];
    const nested: [MdNode, MdNode[]][] = [];
    for (const block of rest) {
      if (block.type !== "list") {
        others.push(block);
        continue;
      }
      const subs: MdNode[] = [];
      for (const sub of block.children ?? []) {
        const p = sub.children?.[0];
        const found = p?.type === "paragraph" ? readSubItem(p, this.text) : undefined;
        if (!found) subs.push(sub);
        else if (found.key === "check") {
          const spec = parseCheckSpec(found.value);
          if (spec) check = { ...spec, inferred: false };
        } else if (found.key === "replacedBy") deprecation.replacedBy = firstId(found.value) ?? found.value;
        else deprecation[found.key] = found.value;
      }
      if (subs.length) nested.push([block, subs]);
    }
    if (deprecated && deprecation.replacedBy === undefined) {
      const inline = /replaced\s+by:?\s*[`*[]*([A-Z]+-\d+(?:-v\d+)?)/i.exec(plain);
      if (inline) deprecation.replacedBy = inline[1]!;
    }
    const fact: Paf = {
      id,
      category: categoryOf(id),
      text,
      status: deprecated ? "deprecated" : "active",
      section,
      source: { file: this.file, line },
      hash: "",
      ...(check ? { check } : {}),
      ...(deprecated ? { deprecation } : {}),
    };
    fact.hash = hashFact(fact);
    this.facts.push(fact);
    for (const [block, subs] of nested) if (this.enter(block, depth)) this.listItems(subs, depth + 1);
    this.blocks(others, depth);
  }

  /** "By Category:" followed by `- Name: N` items: per-section stated counts. */
  private categoryTotals(list: MdNode): void {
    for (const item of list.children ?? []) {
      const m = /^\s*([^:]+?)\s*:\s*(\d+)\s*$/.exec(plainText(item.children?.[0] ?? item));
      if (m)
        this.totals.push({
          value: Number(m[2]),
          line: item.position?.start.line ?? 1,
          section: m[1]!.trim(),
        });
    }
  }

  private totalsIn(plain: string, node: MdNode): void {
    if (!/total/i.test(plain)) return;
    for (const m of plain.matchAll(TOTAL)) {
      this.totals.push({ value: Number(m[1]), line: node.position?.start.line ?? 1 });
    }
  }

  private problem(
    code: PafProblemCode,
    severity: PafProblem["severity"],
    node: MdNode,
    message: string,
    pafId?: string,
  ) {
    this.problems.push({
      code,
      severity,
      message,
      source: { file: this.file, line: node.position?.start.line ?? 1 },
      ...(pafId ? { pafId } : {}),
    });
  }
}

function firstId(value: string): string | undefined {
  PAF_ID_IN_TEXT.lastIndex = 0;
  const m = PAF_ID_IN_TEXT.exec(value);
  return m?.[0];
}

const MARK = String.raw`(?:\*\*|__)?\bDEPRECATED\b(?:\*\*|__)?`;
/** The DEPRECATED marker, bare or in brackets, with a separator before or after it. */
const DEPRECATED_MARK = new RegExp(
  String.raw`(?:\s+[-–—:])?\s*(?:\(\s*${MARK}\s*\)|\[\s*${MARK}\s*\]|${MARK})(?:\s*[-–—:](?=\s|$))?`,
  "g",
);

/** The text of a deprecated fact without its strike-through and DEPRECATED markers. */
function cleanDeprecated(raw: string): string {
  return squash(
    raw
      .replace(/~~/g, "")
      .replace(DEPRECATED_MARK, " ")
      .replace(/\(\s*replaced\s+by:?[^)]*\)/gi, " "),
  );
}
