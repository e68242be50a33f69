import { describe, expect, it } from "vitest";
import { escapeHtml, href, html, raw } from "./html.js";

describe("html", () => {
  it("escapes every interpolated string, in text and in attributes", () => {
    const hostile = `<script>alert("x")</script>' onmouseover='y' &amp;`;
    expect(escapeHtml(hostile)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y&#39; &amp;amp;",
    );
    expect(String(html`<p title="${hostile}">${hostile}</p>`)).toBe(
      `<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</p>`,
    );
  });

  it("keeps nested templates, joins lists and drops empty values", () => {
    const items = ["<a>", "b"].map((x) => html`<li>${x}</li>`);
    expect(String(html`<ul>${items}</ul>${null}${undefined}${false}${0}`)).toBe(
      "<ul><li>&lt;a&gt;</li><li>b</li></ul>0",
    );
    expect(String(html`${raw("<hr>")}`)).toBe("<hr>");
  });

  it("never takes a look-alike object for markup", () => {
    const fake = { toString: () => "<img src=x onerror=alert(1)>" } as unknown as string;
    expect(String(html`${fake}`)).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("encodes path segments and query values", () => {
    expect(href(["ui", "sessions", "a/../b?c"], { namespace: "n s", cursor: undefined, q: "" })).toBe(
      "/ui/sessions/a%2F..%2Fb%3Fc?namespace=n+s",
    );
  });
});
