export { type CountingProxy, startCountingProxy } from "./counting-proxy.js";
