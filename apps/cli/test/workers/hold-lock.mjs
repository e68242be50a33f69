// Holds one file-backend lock for `ms` milliseconds, as a writer in another process would: takes it
// through the backend's own lock manager, prints "holding", and blocks (synchronously) while holding.
// Arguments: <.tta folder> <lock path> <ms>.
import { join } from "node:path";
// The built module (tests run after `pnpm build`): the lock manager is not part of the package API.
import { createLockManager } from "../../../../packages/memory-file/dist/lock/lock.js";

const [root, lockPath, ms] = process.argv.slice(2);
const locks = createLockManager({ ownersDir: join(root, "locks"), staleMs: 60_000, timeoutMs: 5_000 });
locks.withLockSync(lockPath, () => {
  process.stdout.write("holding\n");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
});
locks.close();
