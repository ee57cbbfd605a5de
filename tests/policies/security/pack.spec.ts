/** The security pack as a whole: layout, metadata on every policy, and the house rules for pack code. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { securityPack } from "../../../policies/security/pack";
import { schemaDefaults } from "../../../preview/analyze";

const ROOT = path.resolve(__dirname, "../../..");
const PACK_DIR = path.join(ROOT, "policies/security");
const OWN_LIB = ["tags.ts", "known.ts"].map((f) => path.join(ROOT, "policies/lib", f));

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

const EXPECTED = [
    "eks-endpoint-private", "eks-secrets-encrypted", "eks-control-plane-logging", "eks-auth-mode-api",
    "karpenter-imds-hardened", "karpenter-ebs-encrypted", "karpenter-no-public-ip", "karpenter-removed-api", "karpenter-v1beta1-upgrade",
    "sg-no-public-ingress",
    "s3-bucket-public-access-block", "s3-public-access-block-enabled", "s3-no-public-acl", "kms-key-rotation", "sqs-sse-enabled", "ecr-scan-on-push", "ecr-immutable-tags",
    "iam-no-wildcard-permissions", "resource-policy-no-public-access", "iam-web-identity-sub-pinned",
    "helm-release-version-pinned", "image-tag-pinned", "image-registry-allowed",
    "pod-no-privileged-containers", "pod-no-host-access",
];

describe("security pack", () => {
    it("has the fixed layout and a version matching package.json", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
        assert.deepEqual(pkg, {
            name: "moka-policy-security",
            version: securityPack.version,
            private: true,
            description: pkg.description,
            main: "../../build/packs/policies/security/index.js",
        });
        assert.equal(securityPack.name, "moka-security");
        assert.equal(securityPack.enforcementLevel, "advisory");
        const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
        assert.match(yaml, /^runtime: nodejs$/m);
        assert.match(yaml, /^description: .+/m);
        const index = fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8").replace(/\s+/g, " ").trim();
        assert.equal(
            index,
            'import { PolicyPack } from "@pulumi/policy"; import { securityPack } from "./pack"; new PolicyPack(securityPack.name, { enforcementLevel: securityPack.enforcementLevel, policies: securityPack.policies });',
        );
    });

    it("contains exactly the expected policies, uniquely named", () => {
        assert.deepEqual(securityPack.policies.map((p) => p.name), EXPECTED);
    });

    for (const p of securityPack.policies as Policy[]) {
        it(`${p.name}: complete metadata and config defaults`, () => {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.match(p.description, /^Checks that .+\.$/);
            assert.equal(p.enforcementLevel, p.name === "karpenter-v1beta1-upgrade" ? "advisory" : "mandatory");
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity!));
            assert.ok((p.remediationSteps ?? "").length > 20);
            assert.ok((p.tags ?? []).length > 0);
            assert.match(p.url ?? "", /^https:\/\//);
            if (p.framework) {
                for (const k of ["name", "version", "reference", "specification"] as const) {
                    assert.ok(p.framework[k], `framework.${k}`);
                }
            }
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok("default" in (schema as object), `${key} has a default`);
                assert.notEqual(key, "enforcementLevel");
            }
            assert.deepEqual(Object.keys(schemaDefaults(p.configSchema)), Object.keys(p.configSchema?.properties ?? {}));
        });
    }

    it("pack code never writes to stdout and imports no provider SDKs", () => {
        for (const file of [...tsFiles(PACK_DIR), ...OWN_LIB]) {
            const src = fs.readFileSync(file, "utf8");
            const rel = path.relative(ROOT, file);
            assert.doesNotMatch(src, /console\.(log|info|debug|table|dir)\s*\(|process\.stdout/, rel);
            assert.doesNotMatch(src, /from\s+["']@pulumi\/(aws|kubernetes|eks|pulumi)["']|require\(["']@pulumi\/(aws|kubernetes|eks)/, rel);
        }
    });

    it("rule files only export policy constants", () => {
        for (const file of tsFiles(path.join(PACK_DIR, "rules"))) {
            const mod = require(file) as Record<string, unknown>;
            for (const [k, v] of Object.entries(mod)) {
                assert.ok(v && typeof v === "object" && typeof (v as Policy).name === "string", `${path.basename(file)} exports non-policy ${k}`);
            }
        }
    });
});
