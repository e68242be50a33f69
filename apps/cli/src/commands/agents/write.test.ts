import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { openTarget, writeTarget } from "./write.js";

const temp = () => mkdtempSync(join(tmpdir(), "tta-write-"));

/** The VALIDATION_FAILED error `fn` throws. */
const refusal = (fn: () => unknown) => expectCode(fn, "VALIDATION_FAILED");

describe.skipIf(process.platform === "win32")("writing a configuration file", () => {
  it("creates the folders, and leaves no temporary file behind", () => {
    const root = temp();
    const file = join(root, ".vscode", "mcp.json");
    const target = openTarget(file, root);
    expect(target).toMatchObject({ file, symlink: false });
    expect(target.existing).toBeUndefined();
    writeTarget(target, "{}\n");
    expect(readFileSync(file, "utf8")).toBe("{}\n");
    expect(readdirSync(join(root, ".vscode"))).toEqual(["mcp.json"]);
  });

  it("replaces a file whole and keeps its permission bits", () => {
    const root = temp();
    const file = join(root, "config.toml");
    writeFileSync(file, "a = 1\n", { mode: 0o600 });
    const target = openTarget(file);
    expect(target.existing).toBe("a = 1\n");
    writeTarget(target, "a = 2\n");
    expect(readFileSync(file, "utf8")).toBe("a = 2\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("writes through a symbolic link of a user file, and the link stays a link", () => {
    const home = temp();
    mkdirSync(join(home, "dotfiles"));
    mkdirSync(join(home, ".codex"));
    writeFileSync(join(home, "dotfiles", "codex.toml"), "a = 1\n");
    const link = join(home, ".codex", "config.toml");
    symlinkSync(join(home, "dotfiles", "codex.toml"), link);
    const target = openTarget(link);
    expect(target).toMatchObject({
      symlink: true,
      real: join(home, "dotfiles", "codex.toml"),
      existing: "a = 1\n",
    });
    writeTarget(target, "a = 2\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(home, "dotfiles", "codex.toml"));
    expect(readFileSync(join(home, "dotfiles", "codex.toml"), "utf8")).toBe("a = 2\n");
  });

  it("follows a link inside the workspace, and refuses one that leads outside it", () => {
    const root = temp();
    const outside = temp();
    writeFileSync(join(root, "shared.json"), "{}");
    symlinkSync(join(root, "shared.json"), join(root, ".mcp.json"));
    expect(openTarget(join(root, ".mcp.json"), root)).toMatchObject({ symlink: true, existing: "{}" });
    writeFileSync(join(outside, "secret.json"), "{}");
    mkdirSync(join(root, "a"));
    symlinkSync(join(outside, "secret.json"), join(root, "a", "mcp.json"));
    expect(refusal(() => openTarget(join(root, "a", "mcp.json"), root)).message).toContain(
      "outside the workspace",
    );
    // A linked folder leads outside as well, even for a file that does not exist yet.
    symlinkSync(outside, join(root, ".cursor"));
    expect(refusal(() => openTarget(join(root, ".cursor", "mcp.json"), root)).details.target).toBe(
      join(outside, "mcp.json"),
    );
  });

  it("refuses a dangling link, a folder, a file in place of a folder and text that is not UTF-8", () => {
    const root = temp();
    symlinkSync(join(root, "gone.json"), join(root, "dangling.json"));
    expect(refusal(() => openTarget(join(root, "dangling.json"))).message).toContain("which does not exist");
    mkdirSync(join(root, "dir.json"));
    expect(refusal(() => openTarget(join(root, "dir.json"))).message).toContain("is not a regular file");
    writeFileSync(join(root, ".vscode"), "");
    expect(refusal(() => openTarget(join(root, ".vscode", "mcp.json"))).message).toContain("is not a folder");
    writeFileSync(join(root, "latin1.json"), Buffer.from([0x7b, 0xe9, 0x7d]));
    expect(refusal(() => openTarget(join(root, "latin1.json"))).message).toContain("is not UTF-8 text");
  });

  it("replaces nothing when another program changed the file since it was read", () => {
    const root = temp();
    const file = join(root, "c.json");
    writeFileSync(file, "{}");
    const target = openTarget(file);
    writeFileSync(file, '{"theirs": 1}');
    let code = "";
    try {
      writeTarget(target, "{}\n");
    } catch (error) {
      code = (error as { code: string }).code;
    }
    expect(code).toBe("VERSION_CONFLICT");
    expect(readFileSync(file, "utf8")).toBe('{"theirs": 1}');
    expect(readdirSync(root)).toEqual(["c.json"]);
  });
});
