type Yaml = typeof import("yaml");

/**
 * The `yaml` package, imported on first use. A bundler may hand its CommonJS build to a dynamic
 * import as the default export only; this accepts either shape.
 *
 * @example
 * const { parseDocument } = await importYaml();
 */
export async function importYaml(): Promise<Yaml> {
  const mod = (await import("yaml")) as Yaml & { default?: Yaml };
  return typeof mod.parseDocument === "function" ? mod : (mod.default as Yaml);
}
