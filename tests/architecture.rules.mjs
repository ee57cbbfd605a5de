/**
 * The architecture rules of this repository, in one place (issue 13):
 * which layer a source file belongs to, which layers it may import, how long a hand-written source
 * file may be, and the temporary allowances for what the code does not follow yet.
 *
 * Two checks read this file:
 *   - tests/architecture.spec.ts: the whole import graph (every .ts/.js/.mjs file), no cycles among
 *     production modules, file sizes, and that every allowance below is still needed;
 *   - eslint.config.mjs: the `moka/layering` rule and `max-lines` on each file as it is edited.
 *
 * Imports run one way:
 *
 *     scripts/, bench/  →  preview/  →  index.ts (program), components/, policies/, config.ts  →  lib/, contract/
 *
 * tests/ may import anything; nothing else imports tests/ (bench/ may read the fuzz fixture table,
 * the one shared set of policy fixtures).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The longest a hand-written, non-test source file may be (lines). */
export const MAX_LINES = 400;

/** Layers by path: the first matching prefix (or exact file) wins. A file matching none is an error. */
export const LAYER_PATHS = [
    ["tests/policies/fuzz/fixtures.ts", "fuzz-fixtures"],
    ["tests/", "tests"],
    ["scripts/", "scripts"],
    ["bench/", "bench"],
    ["preview/", "preview"],
    ["index.ts", "program"],
    ["components/", "components"],
    ["policies/", "policies"],
    ["config/", "config"],
    ["lib/", "lib"],
    ["contract/", "contract"],
    ["examples/", "examples"],
    ["eslint.config.mjs", "tooling"],
    ["stryker.config.mjs", "tooling"],
];

/** Layers whose files may import anything (tests, and the tool configs). */
export const EXEMPT_LAYERS = ["tests", "fuzz-fixtures", "tooling"];

const BELOW_PREVIEW = ["program", "components", "policies", "config", "lib", "contract"];

/** What each layer may import (its own layer included where listed). */
export const MAY_IMPORT = {
    scripts: ["scripts", "preview", ...BELOW_PREVIEW],
    bench: ["bench", "preview", ...BELOW_PREVIEW, "fuzz-fixtures"],
    preview: ["preview", ...BELOW_PREVIEW],
    program: ["config", "components", "contract", "lib"],
    components: ["components", "config", "lib", "contract"],
    // Packs never import the program, the preview or the tooling: a fact both sides need lives in lib/.
    policies: ["policies", "lib", "contract"],
    // The config composes the NodePool schema that lives next to the Karpenter code (one home for pool rules).
    config: ["config", "components", "lib", "contract"],
    lib: ["lib"],
    // The app-team contract imports only @pulumi/pulumi.
    contract: ["contract"],
    // An app-team program sees the platform only through the contract.
    examples: ["examples", "contract"],
};

/**
 * TEMPORARY: imports that break the layering today, each still present (the architecture test
 * fails once one is fixed, so the entry must then be deleted; an empty list is fine).
 */
export const KNOWN_LAYER_VIOLATIONS = [];

/** Generated code and data tables: exempt from MAX_LINES (path prefixes). */
export const SIZE_EXEMPT = [
    "policies/cost/data/", // the taggable-type list generated from @pulumi/aws, and its generator
];

/**
 * TEMPORARY: hand-written files over MAX_LINES today, each still over (the architecture test fails
 * once one is split, so the entry must then be deleted; an empty list is fine).
 */
export const KNOWN_OVERSIZE = [];

/** The layer of a repository-relative path (forward slashes), or undefined. */
export function layerOf(file) {
    return LAYER_PATHS.find(([prefix]) => (prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix))?.[1];
}

/** Why `from` must not import `to` (both repository-relative), or undefined when it may. */
export function layerViolation(from, to) {
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a === undefined || EXEMPT_LAYERS.includes(a) || b === undefined) {
        return undefined;
    }
    if (MAY_IMPORT[a].includes(b) || KNOWN_LAYER_VIOLATIONS.some((v) => v.from === from && v.to === to)) {
        return undefined;
    }
    return `${from} (${a}) must not import ${to} (${b}): ${a} may import only ${MAY_IMPORT[a].join(", ")}`;
}

const EXTENSIONS = ["", ".ts", ".js", ".mjs", ".json", "/index.ts", "/index.js"];

/** The repository-relative file a relative specifier in `fromFile` resolves to, or undefined (not relative, or missing). */
export function resolveImport(root, fromFile, specifier) {
    if (!specifier.startsWith(".")) {
        return undefined;
    }
    const base = path.resolve(root, path.dirname(fromFile), specifier);
    const hit = EXTENSIONS.map((e) => base + e).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
    return hit === undefined ? undefined : path.relative(root, hit).split(path.sep).join("/");
}

/** Hand-written source files over MAX_LINES must be split; generated files and data tables are exempt. */
export function sizeLimited(file) {
    return !file.startsWith("tests/") && !SIZE_EXEMPT.some((p) => file.startsWith(p));
}
