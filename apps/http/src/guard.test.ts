import { describe, expect, it } from "vitest";
import { checkCommands, checkRequest, type GuardPolicy } from "./guard.js";

function req(method: string, headers: Record<string, string>, url = "http://127.0.0.1:7411/v1/sessions") {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, url, header: (name: string) => lower[name.toLowerCase()] };
}

const open: GuardPolicy = { hasTokens: false };
const status = (r: ReturnType<typeof checkRequest>) => r?.status ?? 200;

describe("checkRequest", () => {
  it("reads the host as a browser would: case, short IPv4 forms, brackets, ports", () => {
    for (const host of ["LOCALHOST:7411", "127.1", "2130706433", "[::1]", "[0:0:0:0:0:0:0:1]:80"]) {
      expect(status(checkRequest(req("GET", { host }), open)), host).toBe(200);
    }
    for (const host of [
      "evil@localhost",
      "localhost/x",
      "local host",
      "[::2]",
      "0.0.0.0",
      "",
      "localhost:",
    ]) {
      expect(status(checkRequest(req("GET", { host }), open)), host).toBe(403);
    }
  });

  it("checks the URL of an absolute-form request as well as its Host header", () => {
    const absolute = req("GET", { host: "localhost" }, "http://evil.example/v1/sessions");
    expect(status(checkRequest(absolute, open))).toBe(403);
  });

  it("serves the bound address unless it is a wildcard, and the allowed names", () => {
    const policy = { hasTokens: true, boundHost: "192.168.1.20", allowedHosts: ["tta.lan"] };
    expect(status(checkRequest(req("GET", { host: "192.168.1.20:7411" }), policy))).toBe(200);
    expect(status(checkRequest(req("GET", { host: "tta.lan" }), policy))).toBe(200);
    expect(status(checkRequest(req("GET", { host: "192.168.1.21" }), policy))).toBe(403);
    const wildcard = { hasTokens: true, boundHost: "0.0.0.0" };
    expect(status(checkRequest(req("GET", { host: "0.0.0.0:7411" }), wildcard))).toBe(403);
    const v6 = { hasTokens: true, boundHost: "fd00::5" };
    expect(status(checkRequest(req("GET", { host: "[fd00::5]:7411" }), v6))).toBe(200);
  });

  it("wants application/json on POST, PUT and PATCH only", () => {
    const json = { "content-type": "Application/JSON ; charset=utf-8" };
    for (const method of ["POST", "PUT", "PATCH"]) {
      expect(status(checkRequest(req(method, json), open)), method).toBe(200);
      expect(status(checkRequest(req(method, {}), open)), method).toBe(415);
      expect(status(checkRequest(req(method, { "content-type": "application/jsonp" }), open)), method).toBe(
        415,
      );
    }
    for (const method of ["GET", "DELETE", "HEAD"])
      expect(status(checkRequest(req(method, {}), open))).toBe(200);
  });

  it("checks origins only without tokens", () => {
    const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    expect(status(checkRequest(req("GET", evil), open))).toBe(403);
    expect(status(checkRequest(req("GET", evil), { hasTokens: true }))).toBe(200);
    expect(status(checkRequest(req("GET", { "sec-fetch-site": "same-origin" }), open))).toBe(200);
    expect(status(checkRequest(req("GET", { origin: "http://user@localhost" }), open))).toBe(403);
  });
});

describe("checkCommands", () => {
  const admin = { name: "root", scopes: ["admin" as const], namespaces: ["*"] };
  const writer = { name: "ci", scopes: ["write" as const], namespaces: ["*"] };

  it("lets commands run only with the setting and an admin token", () => {
    const run = { allowCommands: true };
    expect(() => checkCommands("paf.validate", run, admin, { allowCommands: true })).not.toThrow();
    expect(() => checkCommands("paf.validate", run, admin, { allowCommands: false })).toThrow(
      /http\.allowCommands/,
    );
    expect(() => checkCommands("paf.validate", run, writer, { allowCommands: true })).toThrow(
      /admin scope on token "ci"/,
    );
    expect(() => checkCommands("paf.validate", run, null, { allowCommands: false })).toThrow(
      /http\.allowCommands: true .* and an admin-scoped bearer token/,
    );
  });

  it("has nothing to say about other operations or a validation without commands", () => {
    expect(() =>
      checkCommands("paf.validate", { allowCommands: false }, null, { allowCommands: false }),
    ).not.toThrow();
    expect(() => checkCommands("paf.validate", {}, null, { allowCommands: false })).not.toThrow();
    expect(() =>
      checkCommands("session.create", { allowCommands: true }, null, { allowCommands: false }),
    ).not.toThrow();
  });
});
