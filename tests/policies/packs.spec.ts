/**
 * The policy packs as a whole, one loop over the three: each pack's layout, metadata on every policy, the
 * house rules for pack code, its per-stack config files; then the layering of policies/ (imports run one
 * way, no cycles, small files) and the one door into the cost model for the preview.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, Policy, PolicyComplianceFramework } from "@pulumi/policy";
import { costPack } from "../../policies/cost/pack";
import { deployabilityPack } from "../../policies/deployability/pack";
import { isolationPack } from "../../policies/isolation/pack";
import type { PackDefinition } from "../../policies/lib/pack";
import { securityPack } from "../../policies/security/pack";
import { schemaDefaults } from "../../preview/analyze";

const ROOT = path.resolve(__dirname, "../..");
const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join("/");

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? (e.name === "node_modules" ? [] : tsFiles(full)) : e.name.endsWith(".ts") ? [full] : [];
    });
}

type StackConfig = Record<string, unknown>;

interface PackSpec {
    readonly dir: string;
    readonly pack: PackDefinition;
    /** package.json `name`. */
    readonly packageName: string;
    readonly name: string;
    /** index.ts, whitespace collapsed: it only constructs the PolicyPack. */
    readonly index: string;
    /** Every policy in order, with its level. */
    readonly expected: readonly (readonly [string, EnforcementLevel])[];
    /** A tag every policy of the pack carries. */
    readonly tag?: string;
    /** Checks on a policy's compliance framework beyond the four fields every framework has. */
    readonly framework?: (f: PolicyComplianceFramework) => void;
    /** Non-policy values a rule file may export (shared defaults). */
    readonly ruleExports: readonly ("array" | "string")[];
    /** What the per-stack policy config files (policies/config/<stack>/<dir>.json) say. */
    readonly stackConfig: (prod: StackConfig, dev: StackConfig) => void;
}

const mandatory = (...names: string[]): [string, EnforcementLevel][] => names.map((n) => [n, "mandatory"]);

const PACKS: readonly PackSpec[] = [
    {
        dir: "security",
        pack: securityPack,
        packageName: "moka-policy-security",
        name: "moka-security",
        index: 'import { PolicyPack } from "@pulumi/policy"; import { securityPack } from "./pack"; new PolicyPack(securityPack.name, { enforcementLevel: securityPack.enforcementLevel, policies: securityPack.policies });',
        expected: [
            ...mandatory("eks-endpoint-private", "eks-secrets-encrypted", "eks-control-plane-logging", "eks-auth-mode-api"),
            ["eks-version-supported", "advisory"],
            ...mandatory("ec2-launch-template-imds-hardened", "ec2-launch-template-no-public-ip", "ec2-launch-template-ebs-encrypted", "eks-node-group-ssh-restricted"),
            ...mandatory("karpenter-imds-hardened", "karpenter-ebs-encrypted", "karpenter-no-public-ip", "karpenter-removed-api"),
            ["karpenter-v1beta1-upgrade", "advisory"],
            ...mandatory("sg-no-public-ingress", "service-no-public-exposure"),
            ...mandatory("s3-bucket-public-access-block", "s3-public-access-block-enabled", "s3-no-public-acl"),
            ["s3-bucket-data-protection", "advisory"],
            ...mandatory("kms-key-rotation", "kms-no-lockout-bypass", "sqs-sse-enabled", "ecr-scan-on-push", "ecr-immutable-tags"),
            ["cloudwatch-log-group-kms-encrypted", "advisory"],
            ...mandatory("iam-no-wildcard-permissions", "resource-policy-no-public-access", "iam-web-identity-sub-pinned", "iam-sensitive-actions-scoped", "iam-cross-account-trust-pinned"),
            ["iam-no-user-access-keys", "advisory"],
            ...mandatory("helm-release-version-pinned", "image-tag-pinned", "image-registry-allowed"),
            ...mandatory("pod-no-privileged-containers", "pod-no-host-access", "pod-no-root-user", "pod-no-added-capabilities", "pod-seccomp-not-unconfined", "pod-no-host-ports"),
        ],
        ruleExports: [],
        stackConfig: (prod, dev) => {
            assert.deepEqual(prod, { "eks-endpoint-private": { allowPublicWithCidrs: false } });
            assert.deepEqual(dev, {});
        },
    },
    {
        dir: "cost",
        pack: costPack,
        packageName: "moka-policy-cost",
        name: "moka-cost",
        index: 'import { PolicyPack } from "@pulumi/policy"; import { costPack } from "./pack"; new PolicyPack(costPack.name, { enforcementLevel: costPack.enforcementLevel, policies: costPack.policies });',
        expected: [
            ["nodepool-limits-required", "mandatory"],
            ["nodepool-worst-case-hourly-cost", "mandatory"],
            ["nodepool-no-accelerated-instances", "mandatory"],
            ["cloudwatch-log-group-retention-set", "mandatory"],
            ["cost-allocation-tags-required", "advisory"],
            ["executor-pools-allow-spot", "advisory"],
            ["graviton-pools-preferred", "advisory"],
        ],
        tag: "cost",
        ruleExports: ["array"], // e.g. DEFAULT_REQUIRED_TAGS
        stackConfig: (prod, dev) => {
            assert.deepEqual(prod["cost-allocation-tags-required"], { enforcementLevel: "mandatory", requiredTags: ["cost-center", "owner", "environment"] });
            assert.equal((dev["nodepool-worst-case-hourly-cost"] as { maxHourlyCostUsd: number }).maxHourlyCostUsd, 150);
        },
    },
    {
        dir: "isolation",
        pack: isolationPack,
        packageName: "moka-policy-isolation",
        name: "moka-isolation",
        index: 'import { PolicyPack } from "@pulumi/policy"; import { isolationPack } from "./pack"; new PolicyPack(isolationPack.name, { enforcementLevel: isolationPack.enforcementLevel, policies: isolationPack.policies });',
        expected: mandatory(
            "tenant-rbac-namespace-scoped",
            "namespace-pod-security-enforced",
            "tenant-namespace-guardrails",
            "network-policy-no-allow-all",
            "spark-apps-use-team-queue",
            "tenant-service-accounts-own-namespace",
            "workload-namespace-not-default",
            "workload-service-account-not-default",
            "nonprod-no-prod-references",
            "prod-stateful-resources-protected",
        ),
        tag: "isolation",
        framework: (f) => {
            assert.equal(f.name, "CIS Amazon EKS Benchmark");
            assert.equal(f.version, "1.5.0");
            assert.match(f.reference, /^4\.\d\.\d$/);
            assert.ok(f.specification.length > 10);
        },
        ruleExports: ["array", "string"],
        stackConfig: (prod, dev) => {
            for (const name of ["nonprod-no-prod-references", "prod-stateful-resources-protected"]) {
                assert.equal((prod[name] as StackConfig).environment, "prod");
                assert.equal((dev[name] as StackConfig).environment, "dev");
            }
            // The dev stack treats the prod stack's account (Pulumi.prod.yaml moka:accountId) as a prod account.
            const prodAccount = /moka:accountId:\s*"?(\d{12})"?/.exec(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"))![1];
            assert.deepEqual((dev["nonprod-no-prod-references"] as StackConfig).prodAccountIds, [prodAccount]);
        },
    },
    {
        dir: "deployability",
        pack: deployabilityPack,
        packageName: "moka-policy-deployability",
        name: "moka-deployability",
        index: 'import { PolicyPack } from "@pulumi/policy"; import { deployabilityPack } from "./pack"; new PolicyPack(deployabilityPack.name, { enforcementLevel: deployabilityPack.enforcementLevel, policies: deployabilityPack.policies });',
        expected: mandatory("eks-api-reachable", "ecr-images-have-producer", "system-nodes-capacity-fits", "nodepool-excludes-metal"),
        tag: "deployability",
        ruleExports: [],
        stackConfig: (prod, dev) => {
            // The defaults hold for both stacks: no headroom floor, so each node group is checked with the headroom its
            // moka.dev/headroom-percent tag states (moka:cluster.systemNodes.headroomPercent, the one home).
            assert.deepEqual(prod, {});
            assert.deepEqual(dev, {});
        },
    },
];

/** Checks one `--policy-pack-config` file against the pack: known policy names, known keys, schema types. */
function assertConfigFileFits(file: string, policies: readonly Policy[]): StackConfig {
    const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as StackConfig;
    assert.ok(cfg !== null && typeof cfg === "object" && !Array.isArray(cfg), `${rel(file)}: an object of policy names`);
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, entry] of Object.entries(cfg)) {
        const policy = byName.get(name);
        assert.ok(policy, `${rel(file)}: unknown policy ${name}`);
        if (typeof entry === "string") {
            assert.ok(["advisory", "mandatory", "disabled"].includes(entry), `${name}: level ${entry}`);
            continue;
        }
        assert.ok(entry && typeof entry === "object" && !Array.isArray(entry), `${name}: object`);
        const props = policy!.configSchema?.properties ?? {};
        for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
            if (k === "enforcementLevel") {
                assert.ok(["advisory", "mandatory", "disabled"].includes(v as string), `${name}.${k}`);
                continue;
            }
            const schema = props[k] as { type?: string; items?: { type?: string } } | undefined;
            assert.ok(schema, `${rel(file)}: ${name}.${k} is not in the policy's configSchema`);
            const t = schema!.type;
            if (t === "array") {
                assert.ok(Array.isArray(v) && v.every((x) => typeof x === schema!.items?.type), `${name}.${k} must be ${schema!.items?.type}[]`);
            } else if (t === "integer") {
                assert.ok(Number.isInteger(v), `${name}.${k} must be an integer`);
            } else {
                assert.equal(typeof v, t, `${name}.${k} must be ${t}`);
            }
        }
    }
    return cfg;
}

/** What pack code must never contain: stdout writes (stdout carries the gRPC port), provider SDKs, components. */
function assertHouseRules(file: string): void {
    const src = fs.readFileSync(file, "utf8");
    assert.doesNotMatch(src, /console\.(log|info|debug|table|dir)\s*\(|process\.stdout/, rel(file));
    assert.doesNotMatch(src, /from\s+["']@pulumi\/(aws|kubernetes|eks|pulumi)["']|require\(["']@pulumi\/(aws|kubernetes|eks)/, rel(file));
    assert.doesNotMatch(src, /from\s+["'][./]*components\//, rel(file));
}

for (const spec of PACKS) {
    const PACK_DIR = path.join(ROOT, "policies", spec.dir);

    describe(`${spec.dir} pack`, () => {
        it("has the fixed layout and a version matching package.json", () => {
            const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
            assert.deepEqual(pkg, {
                name: spec.packageName,
                version: spec.pack.version,
                private: true,
                description: pkg.description,
                main: `../../build/packs/policies/${spec.dir}/index.js`,
            });
            assert.equal(spec.pack.name, spec.name);
            assert.equal(spec.pack.enforcementLevel, "advisory");
            const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
            assert.match(yaml, /^runtime: nodejs$/m);
            assert.match(yaml, /^description: .+/m);
            assert.equal(fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8").replace(/\s+/g, " ").trim(), spec.index);
        });

        it("contains exactly the expected policies, uniquely named, at the expected levels", () => {
            assert.deepEqual(spec.pack.policies.map((p) => [p.name, p.enforcementLevel]), spec.expected.map(([n, l]) => [n, l]));
            assert.equal(new Set(spec.pack.policies.map((p) => p.name)).size, spec.pack.policies.length);
        });

        for (const p of spec.pack.policies as Policy[]) {
            it(`${p.name}: complete metadata and config defaults`, () => {
                assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
                assert.match(p.description, /^Checks that .+\.$/);
                assert.ok(["low", "medium", "high", "critical"].includes(p.severity!));
                assert.ok((p.remediationSteps ?? "").length > 20);
                assert.ok((p.tags ?? []).length > 0);
                if (spec.tag) {
                    assert.ok((p.tags ?? []).includes(spec.tag), `tagged ${spec.tag}`);
                }
                assert.match(p.url ?? "", /^https:\/\//);
                if (p.framework) {
                    for (const k of ["name", "version", "reference", "specification"] as const) {
                        assert.ok(p.framework[k], `framework.${k}`);
                    }
                    spec.framework?.(p.framework);
                }
                for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                    assert.ok("default" in (schema as object), `${key} has a default`);
                    assert.notEqual(key, "enforcementLevel");
                }
                assert.deepEqual(Object.keys(schemaDefaults(p.configSchema)), Object.keys(p.configSchema?.properties ?? {}));
            });
        }

        it("pack code never writes to stdout and imports no provider SDKs or components", () => {
            for (const file of tsFiles(PACK_DIR)) {
                assertHouseRules(file);
            }
        });

        it(`rule files only export policy constants${spec.ruleExports.length > 0 ? ` (and shared defaults: ${spec.ruleExports.join(", ")})` : ""}`, () => {
            for (const file of tsFiles(path.join(PACK_DIR, "rules"))) {
                const mod = require(file) as Record<string, unknown>;
                for (const [k, v] of Object.entries(mod)) {
                    if ((Array.isArray(v) && spec.ruleExports.includes("array")) || (typeof v === "string" && spec.ruleExports.includes("string"))) {
                        continue;
                    }
                    assert.ok(v && typeof v === "object" && typeof (v as Policy).name === "string", `${path.basename(file)} exports non-policy ${k}`);
                }
            }
        });

        it(`per-stack config files fit the pack (policies/config/<stack>/${spec.dir}.json)`, () => {
            const prod = assertConfigFileFits(path.join(ROOT, "policies/config/prod", `${spec.dir}.json`), spec.pack.policies as Policy[]);
            const dev = assertConfigFileFits(path.join(ROOT, "policies/config/dev", `${spec.dir}.json`), spec.pack.policies as Policy[]);
            spec.stackConfig(prod, dev);
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Layering of policies/
// ---------------------------------------------------------------------------------------------

/** Relative import/require specifiers of a source file, resolved to repo-relative .ts paths (unresolved ones as written). */
function relativeImports(file: string): string[] {
    const src = fs.readFileSync(file, "utf8");
    const specs = [...src.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.[^"']*)["']/gm)].map((m) => m[1]);
    return specs.map((s) => {
        const base = path.resolve(path.dirname(file), s);
        const hit = [`${base}.ts`, path.join(base, "index.ts"), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
        return hit ? rel(hit) : `${rel(base)} (unresolved)`;
    });
}

const POLICY_FILES = tsFiles(path.join(ROOT, "policies"));
const LIB_FILES = tsFiles(path.join(ROOT, "lib"));
const packOf = (f: string): string | undefined => /^policies\/([^/]+)\//.exec(f)?.[1];

describe("policies/ layering", () => {
    it("has the four packs and no unknown top-level folder", () => {
        const dirs = fs.readdirSync(path.join(ROOT, "policies"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
        assert.deepEqual(dirs, ["config", ...PACKS.map((p) => p.dir), "lib"].sort());
    });

    it("imports run one way: packs → their own lib/ → policies/lib → lib/; never preview, components, config, bench or scripts", () => {
        const problems: string[] = [];
        for (const abs of POLICY_FILES) {
            const file = rel(abs);
            const own = packOf(file);
            for (const target of relativeImports(abs)) {
                const to = packOf(target);
                if (target.endsWith("(unresolved)")) {
                    problems.push(`${file} imports ${target}`);
                } else if (!target.startsWith("policies/") && !target.startsWith("lib/")) {
                    problems.push(`${file} imports ${target} (outside policies/ and lib/)`);
                } else if (own === "lib" && to !== undefined && to !== "lib") {
                    problems.push(`${file} (shared) imports the ${to} pack's ${target}`);
                } else if (own !== "lib" && to !== undefined && to !== "lib" && to !== own) {
                    problems.push(`${file} (${own} pack) imports the ${to} pack's ${target}`);
                } else if (file.startsWith(`policies/${own}/lib/`) && target.startsWith(`policies/${own}/`) && !target.startsWith(`policies/${own}/lib/`)) {
                    problems.push(`${file} (pack-private lib) imports ${target}, which is above it`);
                }
            }
        }
        for (const abs of LIB_FILES) {
            for (const target of relativeImports(abs)) {
                if (!target.startsWith("lib/")) {
                    problems.push(`${rel(abs)} imports ${target}: lib/ depends on nothing of the project`);
                }
            }
        }
        assert.deepEqual(problems, []);
    });

    it("no policy code writes to stdout or imports provider SDKs (shared libs included)", () => {
        for (const file of POLICY_FILES) {
            assertHouseRules(file);
        }
    });

    it("the preview reaches the cost model only through its public API (policies/lib/pricing/index.ts) and no pack's internals", () => {
        const problems: string[] = [];
        for (const abs of tsFiles(path.join(ROOT, "preview"))) {
            for (const target of relativeImports(abs).filter((t) => t.startsWith("policies/"))) {
                const pricingInternal = target.startsWith("policies/lib/pricing/") && target !== "policies/lib/pricing/index.ts";
                const packInternal = packOf(target) !== "lib";
                if (pricingInternal || packInternal) {
                    problems.push(`${rel(abs)} imports ${target}`);
                }
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(relativeImports(path.join(ROOT, "preview/cost.ts")).includes("policies/lib/pricing/index.ts"), "preview/cost.ts prices through policies/lib/pricing");
    });

    it("every pack config file and stack exist for prod and dev", () => {
        for (const stack of ["prod", "dev"]) {
            assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)));
            for (const pack of PACKS) {
                assert.ok(fs.existsSync(path.join(ROOT, "policies/config", stack, `${pack.dir}.json`)), `${stack}/${pack.dir}.json`);
            }
        }
    });
});
