/**
 * `import()` of an ES module from CommonJS test code. TypeScript compiles a literal `import()` to
 * `require()` under `module: commonjs`, which cannot load the ESM-only kubernetes-models packages, so
 * the call is built at run time.
 */
export const esmImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;
