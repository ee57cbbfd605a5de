/** The isolation pack as a whole: layout, metadata on every policy, house rules for pack code, and the per-stack config files. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { isolationPack } from "../../../policies/isolation/pack";
import { schemaDefaults } from "../../../preview/analyze";

const ROOT = path.resolve(__dirname, "../../..");
const PACK_DIR = path.join(ROOT, "policies/isolation");

const EXPECTED = [
    "tenant-rbac-namespace-scoped",
    "namespace-pod-security-enforced",
    "tenant-namespace-guardrails",
    "spark-apps-use-team-queue",
    "tenant-service-accounts-own-namespace",
    "nonprod-no-prod-references",
    "prod-stateful-resources-protected",
];

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

/** Checks one `--policy-pack-config` file against the pack: known policy names, known keys, schema types. */
function assertConfigFileFits(file: string, policies: readonly Policy[]): Record<string, Record<string, unknown>> {
    const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, entry] of Object.entries(cfg)) {
        const policy = byName.get(name);
        assert.ok(policy, `${path.relative(ROOT, file)}: unknown policy ${name}`);
        if (typeof entry === "string") {
            assert.ok(["advisory", "mandatory", "disabled"].includes(entry));
            continue;
        }
        const props = policy!.configSchema?.properties ?? {};
        for (const [k, v] of Object.entries(entry)) {
            if (k === "enforcementLevel") {
                assert.ok(["advisory", "mandatory", "disabled"].includes(v as string));
                continue;
            }
            const schema = props[k] as { type?: string; items?: { type?: string } } | undefined;
            assert.ok(schema, `${path.relative(ROOT, file)}: ${name}.${k} is not in the policy's configSchema`);
            if (schema!.type === "array") {
                assert.ok(Array.isArray(v) && v.every((x) => typeof x === schema!.items?.type), `${name}.${k}`);
            } else if (schema!.type === "integer") {
                assert.ok(Number.isInteger(v), `${name}.${k}`);
            } else {
                assert.equal(typeof v, schema!.type, `${name}.${k}`);
            }
        }
    }
    return cfg;
}

describe("isolation pack", () => {
    it("has the fixed layout and a version matching package.json", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
        assert.deepEqual(pkg, {
            name: "moka-policy-isolation",
            version: isolationPack.version,
            private: true,
            description: pkg.description,
            main: "../../build/packs/policies/isolation/index.js",
        });
        assert.equal(isolationPack.name, "moka-isolation");
        assert.equal(isolationPack.enforcementLevel, "advisory");
        const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
        assert.match(yaml, /^runtime: nodejs$/m);
        assert.match(yaml, /^description: .+/m);
        const index = fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8").replace(/\s+/g, " ").trim();
        assert.equal(index, 'import { PolicyPack } from "@pulumi/policy"; import { isolationPack } from "./pack"; new PolicyPack(isolationPack.name, { enforcementLevel: isolationPack.enforcementLevel, policies: isolationPack.policies });');
    });

    it("contains exactly the expected policies, all mandatory", () => {
        assert.deepEqual(isolationPack.policies.map((p) => p.name), EXPECTED);
        assert.ok(isolationPack.policies.every((p) => p.enforcementLevel === "mandatory"));
    });

    for (const p of isolationPack.policies as Policy[]) {
        it(`${p.name}: complete metadata and config defaults`, () => {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.match(p.description, /^Checks that .+\.$/);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity!));
            assert.ok((p.remediationSteps ?? "").length > 20);
            assert.ok((p.tags ?? []).includes("isolation"));
            assert.match(p.url ?? "", /^https:\/\//);
            if (p.framework) {
                assert.equal(p.framework.name, "CIS Amazon EKS Benchmark");
                assert.equal(p.framework.version, "1.5.0");
                assert.match(p.framework.reference, /^4\.\d\.\d$/);
                assert.ok(p.framework.specification.length > 10);
            }
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok("default" in (schema as object), `${key} has a default`);
            }
            assert.deepEqual(Object.keys(schemaDefaults(p.configSchema)), Object.keys(p.configSchema?.properties ?? {}));
        });
    }

    it("pack code never writes to stdout and imports no provider SDKs or components", () => {
        for (const file of tsFiles(PACK_DIR)) {
            const src = fs.readFileSync(file, "utf8");
            const rel = path.relative(ROOT, file);
            assert.doesNotMatch(src, /console\.(log|info|debug|table|dir)\s*\(|process\.stdout/, rel);
            assert.doesNotMatch(src, /from\s+["']@pulumi\/(aws|kubernetes|eks|pulumi)["']|require\(["']@pulumi\/(aws|kubernetes|eks)/, rel);
            assert.doesNotMatch(src, /from\s+["'][./]*components\//, rel);
        }
    });

    it("rule files only export policy constants (and shared defaults)", () => {
        for (const file of tsFiles(path.join(PACK_DIR, "rules"))) {
            const mod = require(file) as Record<string, unknown>;
            for (const [k, v] of Object.entries(mod)) {
                if (Array.isArray(v) || typeof v === "string") {
                    continue;
                }
                assert.ok(v && typeof v === "object" && typeof (v as Policy).name === "string", `${path.basename(file)} exports non-policy ${k}`);
            }
        }
    });

    it("per-stack config files fit the pack and name each stack's environment", () => {
        const prod = assertConfigFileFits(path.join(ROOT, "policies/config/prod/isolation.json"), isolationPack.policies as Policy[]);
        const dev = assertConfigFileFits(path.join(ROOT, "policies/config/dev/isolation.json"), isolationPack.policies as Policy[]);
        for (const name of ["nonprod-no-prod-references", "prod-stateful-resources-protected"]) {
            assert.equal(prod[name].environment, "prod");
            assert.equal(dev[name].environment, "dev");
        }
        // The dev stack treats the prod stack's account (Pulumi.prod.yaml moka:accountId) as a prod account.
        const prodAccount = /moka:accountId:\s*"?(\d{12})"?/.exec(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"))![1];
        assert.deepEqual(dev["nonprod-no-prod-references"].prodAccountIds, [prodAccount]);
        for (const stack of ["prod", "dev"]) {
            assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "policies/config", stack, "security.json"), "utf8")) !== null, true);
        }
    });
});
