/** Something that holds a file descriptor and can let it go. */
export interface Closable {
  close(): void;
}

/**
 * A bounded map of open journals and logs, least recently used first out, so that a store with
 * thousands of sessions never runs out of file descriptors. An evicted handle is simply reopened.
 */
export interface HandleCache<T extends Closable> {
  get(path: string, open: () => T): T;
  values(): IterableIterator<T>;
  closeAll(): void;
}

/**
 * Create a handle cache holding at most `max` handles.
 *
 * @example
 * const logs = createHandleCache<LogFile>(256);
 * const log = logs.get(path, () => openLogFile(path, ctx));
 */
export function createHandleCache<T extends Closable>(max: number): HandleCache<T> {
  const map = new Map<string, T>();
  return {
    get(path, open) {
      let h = map.get(path);
      if (h) {
        map.delete(path);
        map.set(path, h);
        return h;
      }
      h = open();
      map.set(path, h);
      if (map.size > max) {
        const [oldest, handle] = map.entries().next().value as [string, T];
        map.delete(oldest);
        handle.close();
      }
      return h;
    },
    values: () => map.values(),
    closeAll() {
      for (const h of map.values()) h.close();
      map.clear();
    },
  };
}
