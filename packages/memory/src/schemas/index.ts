export * from "./cache.js";
export * from "./common.js";
export * from "./memory.js";
export * from "./message.js";
export * from "./session.js";
