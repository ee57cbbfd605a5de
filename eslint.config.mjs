// `npm run lint`: ESLint over every .ts/.js/.mjs file of the repository (README "Lint").
//
// - Defects: @eslint/js and typescript-eslint recommended, plus the type-aware rules that catch
//   real bugs in this code base (a floating or misused promise, awaiting a non-promise) and
//   @pulumi/eslint-plugin (an Output interpolated in a plain template literal renders as an error
//   string at deploy time; `pulumi.interpolate` is the fix).
// - Architecture: `moka/layering` (imports run one way) and `max-lines`, both read from
//   tests/architecture.rules.mjs, which tests/architecture.spec.ts also checks over the whole graph.
// - Formatting: @stylistic rules written to the house style the code already has (4-space indent,
//   double quotes, semicolons, trailing commas in multi-line literals). No Prettier: it would reflow
//   every file (the code keeps long single-line object literals on purpose) and push files past
//   the line limit.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import stylistic from "@stylistic/eslint-plugin";
import globals from "globals";
import * as path from "node:path";
import tseslint from "typescript-eslint";
import { KNOWN_OVERSIZE, layerViolation, MAX_LINES, resolveImport, SIZE_EXEMPT } from "./tests/architecture.rules.mjs";

const ROOT = import.meta.dirname;

/** `moka/layering`: a relative import whose target's layer the importing file's layer may not import. */
const layering = {
    meta: { type: "problem", schema: [], docs: { description: "Imports run one way (tests/architecture.rules.mjs)." } },
    create(context) {
        const from = path.relative(ROOT, context.filename).split(path.sep).join("/");
        const check = (node) => {
            if (node?.type !== "Literal" || typeof node.value !== "string") {
                return;
            }
            const to = resolveImport(ROOT, from, node.value);
            const message = to && layerViolation(from, to);
            if (message) {
                context.report({ node, message });
            }
        };
        return {
            ImportDeclaration: (n) => check(n.source),
            ExportNamedDeclaration: (n) => check(n.source),
            ExportAllDeclaration: (n) => check(n.source),
            ImportExpression: (n) => check(n.source),
            TSImportEqualsDeclaration: (n) => check(n.moduleReference?.expression),
            CallExpression: (n) => n.callee.type === "Identifier" && n.callee.name === "require" && check(n.arguments[0]),
        };
    },
};

export default tseslint.config(
    { ignores: ["node_modules/", "build/", "reports/", ".stryker-tmp/", "policies/*/bin/", "examples/*/node_modules/", "**/*.d.ts"] },
    { linterOptions: { reportUnusedDisableDirectives: "error" } },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
            "@typescript-eslint/await-thenable": "error",
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        files: ["**/*.js", "**/*.mjs"],
        languageOptions: { globals: { ...globals.node } },
    },
    {
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs" },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        plugins: { "@stylistic": stylistic, moka: { rules: { layering } } },
        rules: {
            // A leading underscore marks a deliberately unused binding (an omitted key, a positional parameter).
            "@typescript-eslint/no-unused-vars": ["error", {
                argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true,
            }],
            "moka/layering": "error",
            "max-lines": ["error", { max: MAX_LINES, skipBlankLines: false, skipComments: false }],
            "@stylistic/indent": ["error", 4, {
                SwitchCase: 1,
                ignoredNodes: [
                    // Nested ternaries continue 2 columns in (`: b\n  ? c\n  : d`).
                    "ConditionalExpression > ConditionalExpression",
                    // Helm values built in an apply inside a call's arguments sit one level deeper:
                    // `platformRelease(name, d, ns, pulumi.all([...]).apply(([a]) => values({\n        key,`.
                    "CallExpression > CallExpression > ArrowFunctionExpression > CallExpression > ObjectExpression",
                ],
            }],
            "@stylistic/quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: "always" }],
            "@stylistic/semi": ["error", "always"],
            "@stylistic/comma-dangle": ["error", "always-multiline"],
            "@stylistic/eol-last": "error",
            "@stylistic/no-trailing-spaces": "error",
            "@stylistic/brace-style": ["error", "1tbs", { allowSingleLine: true }],
            "@stylistic/keyword-spacing": "error",
            "@stylistic/space-before-blocks": "error",
            "@stylistic/arrow-parens": ["error", "always"],
            "@stylistic/no-multiple-empty-lines": ["error", { max: 1 }],
        },
    },
    // Size: tests, generated data and the temporary KNOWN_OVERSIZE list (see tests/architecture.rules.mjs).
    { files: ["tests/**", ...SIZE_EXEMPT.map((prefix) => `${prefix}**`), ...KNOWN_OVERSIZE], rules: { "max-lines": "off" } },
    // Tests walk recorded wire data and load modules fresh on purpose; the mock harness types what it records as `any` for them.
    {
        files: ["tests/**", "examples/*/tests/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
    },
    { files: ["preview/mocks.ts", "preview/mock-cloud.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
