import { sharedConfig } from "../../vitest.shared.ts";

// Packing and npm installs take minutes, not seconds.
export default sharedConfig({ testTimeout: 240_000 });
