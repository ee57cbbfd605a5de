/** The cost pack as a whole: layout, metadata on every policy, house rules for pack code, and the per-stack config files. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { costPack } from "../../../policies/cost/pack";
import { schemaDefaults } from "../../../preview/analyze";

const ROOT = path.resolve(__dirname, "../../..");
const PACK_DIR = path.join(ROOT, "policies/cost");
const OWN_LIB = ["pricing/index.ts", "pricing/price-table.ts", "pricing/quantity.ts", "pricing/requirements.ts", "pricing/cost-model.ts"].map((f) => path.join(ROOT, "policies/lib", f));

const EXPECTED: [string, string][] = [
    ["nodepool-limits-required", "mandatory"],
    ["nodepool-worst-case-hourly-cost", "mandatory"],
    ["nodepool-no-accelerated-instances", "mandatory"],
    ["cloudwatch-log-group-retention-set", "mandatory"],
    ["cost-allocation-tags-required", "advisory"],
    ["executor-pools-allow-spot", "advisory"],
    ["graviton-pools-preferred", "advisory"],
];

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

/** Checks one `--policy-pack-config` file against the pack: known policy names, known keys, schema types. */
function assertConfigFileFits(file: string, policies: readonly Policy[]): Record<string, unknown> {
    const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, entry] of Object.entries(cfg)) {
        const policy = byName.get(name);
        assert.ok(policy, `${path.relative(ROOT, file)}: unknown policy ${name}`);
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
            assert.ok(schema, `${path.relative(ROOT, file)}: ${name}.${k} is not in the policy's configSchema`);
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

describe("cost pack", () => {
    it("has the fixed layout and a version matching package.json", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
        assert.deepEqual(pkg, {
            name: "moka-policy-cost",
            version: costPack.version,
            private: true,
            description: pkg.description,
            main: "../../build/packs/policies/cost/index.js",
        });
        assert.equal(costPack.name, "moka-cost");
        assert.equal(costPack.enforcementLevel, "advisory");
        const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
        assert.match(yaml, /^runtime: nodejs$/m);
        assert.match(yaml, /^description: .+/m);
        const index = fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8").replace(/\s+/g, " ").trim();
        assert.equal(index, 'import { PolicyPack } from "@pulumi/policy"; import { costPack } from "./pack"; new PolicyPack(costPack.name, { enforcementLevel: costPack.enforcementLevel, policies: costPack.policies });');
    });

    it("contains exactly the expected policies at the expected levels", () => {
        assert.deepEqual(costPack.policies.map((p) => [p.name, p.enforcementLevel]), EXPECTED);
    });

    for (const p of costPack.policies as Policy[]) {
        it(`${p.name}: complete metadata and config defaults`, () => {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.match(p.description, /^Checks that .+\.$/);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity!));
            assert.ok((p.remediationSteps ?? "").length > 20);
            assert.ok((p.tags ?? []).includes("cost"));
            assert.match(p.url ?? "", /^https:\/\//);
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok("default" in (schema as object), `${key} has a default`);
            }
            assert.deepEqual(Object.keys(schemaDefaults(p.configSchema)), Object.keys(p.configSchema?.properties ?? {}));
        });
    }

    it("pack code never writes to stdout and imports no provider SDKs or components", () => {
        for (const file of [...tsFiles(PACK_DIR), ...OWN_LIB]) {
            const src = fs.readFileSync(file, "utf8");
            const rel = path.relative(ROOT, file);
            assert.doesNotMatch(src, /console\.(log|info|debug|table|dir)\s*\(|process\.stdout/, rel);
            assert.doesNotMatch(src, /from\s+["']@pulumi\/(aws|kubernetes|eks|pulumi)["']|require\(["']@pulumi\/(aws|kubernetes|eks)/, rel);
            assert.doesNotMatch(src, /from\s+["'][./]*components\//, rel);
        }
    });

    it("rule files only export policy constants", () => {
        for (const file of tsFiles(path.join(PACK_DIR, "rules"))) {
            const mod = require(file) as Record<string, unknown>;
            for (const [k, v] of Object.entries(mod)) {
                if (Array.isArray(v)) {
                    continue; // shared defaults, e.g. DEFAULT_REQUIRED_TAGS
                }
                assert.ok(v && typeof v === "object" && typeof (v as Policy).name === "string", `${path.basename(file)} exports non-policy ${k}`);
            }
        }
    });

    it("per-stack config files fit the pack (policies/config/<stack>/cost.json)", () => {
        const prod = assertConfigFileFits(path.join(ROOT, "policies/config/prod/cost.json"), costPack.policies as Policy[]);
        assert.deepEqual(prod["cost-allocation-tags-required"], { enforcementLevel: "mandatory", requiredTags: ["cost-center", "owner", "environment"] });
        const dev = assertConfigFileFits(path.join(ROOT, "policies/config/dev/cost.json"), costPack.policies as Policy[]);
        assert.equal((dev["nodepool-worst-case-hourly-cost"] as { maxHourlyCostUsd: number }).maxHourlyCostUsd, 150);
        for (const stack of ["prod", "dev"]) {
            assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)));
            for (const pack of ["security", "cost", "isolation"]) {
                assert.ok(fs.existsSync(path.join(ROOT, "policies/config", stack, `${pack}.json`)), `${stack}/${pack}.json`);
            }
        }
    });
});
