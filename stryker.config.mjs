// Mutation testing of the policy packs: `npm run mutation` (Stryker + mocha runner).
// Mutates the pack code and the repo-level pure helpers the packs import (lib/cidr.ts, lib/instance-families.ts).
// Not mutated: policies/*/index.ts (only constructs the PolicyPack and starts the gRPC server) and the
// generated data in policies/cost/data/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    mutate: [
        "policies/**/*.ts",
        "!policies/*/index.ts",
        "!policies/cost/data/**",
        "lib/cidr.ts",
        "lib/instance-families.ts",
    ],
    testRunner: "mocha",
    mochaOptions: {
    // .mocharc.json supplies `require: ts-node/register/transpile-only` and `extension: ts`; both are repeated
    // here so the sandbox resolves them even if the rc file changes. ts-node resolves from the symlinked node_modules.
        config: ".mocharc.json",
        spec: [
            "tests/policies/security/**/*.spec.ts",
            "tests/policies/cost/**/*.spec.ts",
            "tests/policies/isolation/**/*.spec.ts",
            "tests/policies/packs.spec.ts",
        ],
        // Integration specs are left out: protocol.spec.ts drives the prebuilt JS in build/packs (never sees a mutant);
        // platform-stacks.spec.ts and program.spec.ts run the whole Pulumi program under mocks in a `before` hook
        // (seconds per mutant, and their rules are unit-tested per rule); the fuzz specs are property-based and slow.
        ignore: [
            "tests/policies/protocol.spec.ts",
            "tests/policies/program.spec.ts",
            "tests/policies/isolation/platform-stacks.spec.ts",
            "tests/policies/fuzz.spec.ts",
            "tests/policies/fuzz/**",
        ],
        extension: ["ts"],
        require: ["ts-node/register/transpile-only"],
    },
    // No type checker: tests run through ts-node's transpile-only mode, and `npm test` type-checks separately.
    checkers: [],
    // ts-node runs transpile-only, so instrumented files need no `// @ts-nocheck` (which would also alter index.ts,
    // whose exact text a pack test asserts).
    disableTypeChecks: false,
    coverageAnalysis: "perTest",
    // Static mutants (module-level constants: price-table labels, rule metadata, schema defaults) run the whole
    // suite each: ~1,000 of them would take ~2 h on a 2-core box. They are reported as "Ignored", not scored.
    ignoreStatic: true,
    concurrency: 2,
    timeoutMS: 10000,
    timeoutFactor: 2,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/index.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    thresholds: { high: 90, low: 85, break: 85 },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
    ignorePatterns: ["build", "reports", "bench", "examples/*/node_modules", ".pulumi", "*.log"],
};
