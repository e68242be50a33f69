/**
 * Values nested deeper than this are neither written nor served. Inputs of the layers above are
 * refused at 64 levels (`MAX_JSON_DEPTH` of core); this bound is far above that and far below the
 * depth at which `JSON.stringify` overflows the stack (about 3 000 levels on Node 20), so every value
 * this backend hands out can be serialised again by whoever receives it.
 */
export const MAX_STORED_DEPTH = 1000;

/** Count `{` and `[` in `json`, strings included, stopping once more than `max` are seen. */
function openersOver(json: string, max: number): boolean {
  let n = 0;
  for (let i = json.indexOf("{"); i !== -1; i = json.indexOf("{", i + 1)) if (++n > max) return true;
  for (let i = json.indexOf("["); i !== -1; i = json.indexOf("[", i + 1)) if (++n > max) return true;
  return false;
}

/**
 * True when the JSON text `json` nests objects and arrays more than `max` levels deep. Runs without
 * recursion and costs nothing for the usual value: a text shorter than `2 × (max + 1)` characters, or
 * one with at most `max` brackets, cannot be that deep, and only then are strings told apart.
 */
export function nestedTooDeep(json: string, max = MAX_STORED_DEPTH): boolean {
  if (json.length < 2 * (max + 1) || !openersOver(json, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The reason given for a value that {@link nestedTooDeep} refuses. */
export const TOO_DEEP = `value nested more than ${MAX_STORED_DEPTH} levels deep`;
