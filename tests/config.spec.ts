import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { NODE_POOL_FIELDS } from "../components/karpenter/node-pools";
import { parseConfig, parseConfigMap, MokaConfigError, decodeConfigValue } from "../config";
import { readStackConfig, runUnderMocks, loadPlatformProgram } from "../preview/mocks";

/** The prod stack file as raw config, mutated per case. */
function prodMap(): Record<string, string> {
    return readStackConfig("prod");
}

function withKey(map: Record<string, string>, key: string, mutate: (v: any) => any): Record<string, string> {
    const current = map[key] === undefined ? undefined : decodeConfigValue(map[key]);
    const next = mutate(current === undefined ? undefined : JSON.parse(JSON.stringify(current)));
    const out = { ...map };
    if (next === undefined) {
        delete out[key];
    } else {
        out[key] = typeof next === "string" ? next : JSON.stringify(next);
    }
    return out;
}

interface BadCase {
    readonly title: string;
    readonly config: Record<string, string>;
    /** Every one of these `path: fragment` pairs must appear in the error. */
    readonly expect: readonly [string, string][];
}

export const BAD_CONFIGS: BadCase[] = [
    { title: "invalid VPC CIDR", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, vpcCidr: "10.40.0.0/33" })), expect: [["moka:network.vpcCidr", "prefix length above 32"]] },
    { title: "CIDR with host bits", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, vpcCidr: "10.40.1.0/16" })), expect: [["moka:network.vpcCidr", "host bits"]] },
    { title: "pod CIDR overlapping the VPC", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, podCidr: "10.40.128.0/17" })), expect: [["moka:network.podCidr", "overlaps the VPC CIDR"]] },
    { title: "AZ count 1", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, azCount: 1 })), expect: [["moka:network.azCount", "between 2 and 6"]] },
    { title: "AZ count 7", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, azCount: 7 })), expect: [["moka:network.azCount", "between 2 and 6"]] },
    { title: "unknown environment", config: withKey(prodMap(), "moka:environment", () => "qa"), expect: [["moka:environment", "one of test, dev, staging, prod"]] },
    { title: "duplicate team names", config: withKey(prodMap(), "moka:teams", (t) => [...t, { ...t[0] }]), expect: [["moka:teams[3].name", "duplicate team name \"ads-ranking\""]] },
    { title: "team name not a DNS-1123 label", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], name: "Ads_Ranking" }, ...t.slice(1)]), expect: [["moka:teams[0].name", "DNS-1123 label"]] },
    { title: "zero quota", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], quota: { ...t[0].quota, cpu: 0 } }, ...t.slice(1)]), expect: [["moka:teams[0].quota.cpu", "greater than zero"]] },
    { title: "negative quota", config: withKey(prodMap(), "moka:teams", (t) => [t[0], { ...t[1], quota: { ...t[1].quota, memoryGi: -5 } }, ...t.slice(2)]), expect: [["moka:teams[1].quota.memoryGi", "greater than zero"]] },
    { title: "x86 family in the Graviton pool", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, graviton: { ...p.graviton, instanceFamilies: ["m7g", "m7i"] } })), expect: [["moka:nodePools.graviton.instanceFamilies[1]", "m7i is an x86"]] },
    { title: "Graviton family in the x86 pool", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, x86: { ...p.x86, instanceFamilies: ["r7g"] } })), expect: [["moka:nodePools.x86.instanceFamilies[0]", "r7g is a Graviton"]] },
    { title: "malformed Kubernetes version", config: withKey(prodMap(), "moka:cluster", (c) => ({ ...c, kubernetesVersion: "v1.33.2" })), expect: [["moka:cluster.kubernetesVersion", "Kubernetes minor version"]] },
    { title: "Kubernetes version EKS no longer runs", config: withKey(prodMap(), "moka:cluster", (c) => ({ ...c, kubernetesVersion: "1.29" })), expect: [["moka:cluster.kubernetesVersion", "left EKS extended support on 2026-03-23"]] },
    { title: "Kubernetes version not in the EKS calendar", config: withKey(prodMap(), "moka:cluster", (c) => ({ ...c, kubernetesVersion: "1.40" })), expect: [["moka:cluster.kubernetesVersion", "not in the EKS version calendar"]] },
    { title: "0.0.0.0/0 as a public-endpoint CIDR", config: withKey(prodMap(), "moka:cluster", (c) => ({ ...c, publicAccessCidrs: ["0.0.0.0/0"] })), expect: [["moka:cluster.publicAccessCidrs[0]", "expose the Kubernetes API"]] },
    { title: "spot in the driver pool", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, driver: { ...p.driver, capacityTypes: ["spot", "on-demand"] } })), expect: [["moka:nodePools.driver.capacityTypes[0]", "on-demand only"]] },
    { title: "x86 weighted above Graviton", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, x86: { ...p.x86, weight: 90 } })), expect: [["moka:nodePools.x86.weight", "must be below"]] },
    { title: "unknown pool arch", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, x86: { ...p.x86, arch: "x86_64" } })), expect: [["moka:nodePools.x86.arch", "must be arm64 or amd64"]] },
    { title: "pool without an arch", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, memory: { instanceFamilies: ["r8g"] } })), expect: [["moka:nodePools.memory.arch", "is required"]] },
    { title: "family not matching a new pool's arch", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, memory: { arch: "arm64", instanceFamilies: ["r8g", "r7i"], weight: 40 } })), expect: [["moka:nodePools.memory.instanceFamilies[1]", "r7i is an x86 (amd64) family but the pool's arch is arm64"]] },
    { title: "spot in a second driver pool", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, "driver-x86": { arch: "amd64", role: "driver", instanceFamilies: ["m7i"], capacityTypes: ["on-demand", "spot"] } })), expect: [["moka:nodePools.driver-x86.capacityTypes[1]", "on-demand only"]] },
    { title: "no driver pool", config: withKey(prodMap(), "moka:nodePools", (p) => ({ graviton: p.graviton, x86: p.x86 })), expect: [["moka:nodePools", "needs at least one pool with role driver"]] },
    { title: "amd64 executor weighted like the heaviest arm64 executor", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, batch: { arch: "amd64", instanceFamilies: ["c7a"], weight: 60 } })), expect: [["moka:nodePools.batch.weight", "must be below the weight of arm64 executor pool \"graviton\" (60)"]] },
    { title: "pool problems and pool-set problems at once", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, graviton: { ...p.graviton, instanceFamilies: ["m7g", "m7i"] }, x86: { ...p.x86, weight: 90 } })), expect: [["moka:nodePools.graviton.instanceFamilies[1]", "m7i is an x86"], ["moka:nodePools.x86.weight", "must be below"]] },
    { title: "bad pool key", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, Memory_Pool: { arch: "arm64", instanceFamilies: ["r8g"] } })), expect: [["moka:nodePools.Memory_Pool", "pool keys must be DNS-1123 labels"]] },
    { title: "non-integer node pool limit", config: withKey(prodMap(), "moka:nodePools", (p) => ({ ...p, x86: { ...p.x86, cpuLimit: 10.5 } })), expect: [["moka:nodePools.x86.cpuLimit", "whole number"]] },
    { title: "guaranteed CPU beyond pool capacity", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], quota: { ...t[0].quota, cpu: 100000, guaranteedCpu: 90000 } }, ...t.slice(1)]), expect: [["moka:teams", "exceeds the executor pools' combined cpuLimit"]] },
    { title: "unknown moka key (typo)", config: { ...prodMap(), "moka:nodepools": "{}" }, expect: [["moka:nodepools", "unknown config key"]] },
    { title: "unknown nested key", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, natmode: "single" })), expect: [["moka:network", "unknown key \"natmode\""]] },
    { title: "bad NAT mode", config: withKey(prodMap(), "moka:network", (n) => ({ ...n, natMode: "none" })), expect: [["moka:network.natMode", ""]] },
    { title: "admin role is not a role ARN", config: withKey(prodMap(), "moka:cluster", (c) => ({ ...c, adminRoleArns: ["arn:aws:iam::111111111111:user/alice"] })), expect: [["moka:cluster.adminRoleArns[0]", "IAM role ARN"]] },
    { title: "missing cost-center tag", config: withKey(prodMap(), "moka:tags", (t) => ({ owner: t.owner })), expect: [["moka:tags.cost-center", "missing required cost-allocation tag"]] },
    { title: "invalid account id", config: withKey(prodMap(), "moka:accountId", () => "1234"), expect: [["moka:accountId", "12-digit"]] },
    { title: "team prefix overlapping another team", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], dataPrefix: "teams/growth/sub" }, ...t.slice(1)]), expect: [["moka:teams[1].dataPrefix", "overlaps"]] },
    { title: "baseline without a reason", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], podSecurity: "baseline" }, ...t.slice(1)]), expect: [["moka:teams[0].podSecurityReason", "is required when podSecurity is baseline"]] },
    { title: "reserved team name", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], name: "kube-system" }, ...t.slice(1)]), expect: [["moka:teams[0].name", "reserved"]] },
    { title: "malformed teams JSON", config: { ...prodMap(), "moka:teams": "{not json" }, expect: [["moka:teams", ""]] },
    { title: "team without access", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: undefined }, ...t.slice(1)]), expect: [["moka:teams[0].access", "is required"]] },
    { title: "team CI role that is not a role ARN", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, ci: "arn:aws:iam::111111111111:user/bob" } }, ...t.slice(1)]), expect: [["moka:teams[0].access.ci", "must be an IAM role ARN"]] },
    { title: "developer level that is neither view nor edit", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, developers: [{ roleArn: "arn:aws:iam::111111111111:role/x", level: "admin" }] } }, ...t.slice(1)]), expect: [["moka:teams[0].access.developers[0].level", "must be view or edit"]] },
    { title: "one principal in two teams", config: withKey(prodMap(), "moka:teams", (t) => [t[0], { ...t[1], access: { ...t[1].access, ci: t[0].access.ci } }, ...t.slice(2)]), expect: [["moka:teams[1].access.ci", "is already a principal at moka:teams[0].access.ci"]] },
    { title: "a developer who is also the CI role", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, developers: [{ roleArn: t[0].access.ci.toUpperCase().replace("ARN:AWS:IAM", "arn:aws:iam").replace(":ROLE/", ":role/"), level: "view" }] } }, ...t.slice(1)]), expect: [["moka:teams[0].access.developers[0].roleArn", "belongs to one team, once"]] },
    { title: "a cluster admin role as a team principal", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, ci: "arn:aws:iam::111111111111:role/moka-prod-platform-admin" } }, ...t.slice(1)]), expect: [["moka:teams[0].access.ci", "is also a cluster admin (moka:cluster.adminRoleArns[0])"]] },
    { title: "admin overlap allowed without a reason", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, ci: "arn:aws:iam::111111111111:role/moka-prod-platform-admin", allowAdminOverlap: true } }, ...t.slice(1)]), expect: [["moka:teams[0].access.adminOverlapReason", "is required when allowAdminOverlap is true"]] },
    { title: "a shared prefix no team owns", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], sharedPrefixes: ["reference/geo"] }, ...t.slice(1)]), expect: [["moka:teams[0].sharedPrefixes[0]", "is under no team's dataPrefix"]] },
    { title: "a team name too long for its bucket", config: withKey(prodMap(), "moka:teams", (t) => [...t, { ...t[2], name: "a-team-name-of-thirty-nine-characters-x", dataPrefix: "teams/long", access: { ci: "arn:aws:iam::111111111111:role/long-ci" } }]), expect: [["moka:teams[3].name", "is 67 characters; S3 bucket names are 3-63"]] },
    { title: "a data prefix over the container-log prefix", config: withKey(prodMap(), "moka:teams", (t) => [{ ...t[0], dataPrefix: "container-logs/ads" }, ...t.slice(1)]), expect: [["moka:teams[0].dataPrefix", "must not overlap moka:storage.containerLogPrefix \"container-logs\""]] },
    { title: "Grafana plugin mirror over plain HTTP", config: withKey(prodMap(), "moka:observability", (o) => ({ ...o, grafana: { pluginUrl: "http://mirror.internal/amp.zip" } })), expect: [["moka:observability.grafana.pluginUrl", "must be an https:// URL"]] },
    { title: "unknown Grafana key", config: withKey(prodMap(), "moka:observability", (o) => ({ ...o, grafana: { enabled: true, adminPassword: "x" } })), expect: [["moka:observability.grafana", "adminPassword"]] },
    { title: "missing aws:region", config: (() => { const m = prodMap(); delete m["aws:region"]; return m; })(), expect: [["aws:region", "is required"]] },
    { title: "several problems at once", config: withKey(withKey(prodMap(), "moka:environment", () => "qa"), "moka:network", (n) => ({ ...n, azCount: 9 })), expect: [["moka:environment", "one of"], ["moka:network.azCount", "between 2 and 6"]] },
];

describe("stack config", () => {
    it("parses the prod and dev stack files", () => {
        const prod = parseConfigMap(readStackConfig("prod"));
        const dev = parseConfigMap(readStackConfig("dev"));
        assert.equal(prod.environment, "prod");
        assert.equal(prod.baseName, "moka-prod");
        assert.equal(prod.network.azCount, 3);
        assert.equal(prod.network.natMode, "perAz");
        assert.equal(prod.protectData, true);
        assert.equal(dev.environment, "dev");
        assert.equal(dev.network.natMode, "single");
        assert.equal(dev.protectData, false);
        assert.ok(dev.nodePools.graviton.cpuLimit! < prod.nodePools.graviton.cpuLimit!, "dev has smaller limits");
        assert.ok(dev.storage.eventLogRetentionDays < prod.storage.eventLogRetentionDays, "dev has shorter retention");
        assert.deepEqual(prod.tags, { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" });
    });

    it("fills defaults and derives team fields", () => {
        const cfg = parseConfigMap(readStackConfig("prod"));
        const growth = cfg.teams.find((t) => t.name === "growth")!;
        assert.equal(growth.namespace, "growth");
        assert.equal(growth.dataPrefix, "teams/growth");
        assert.equal(growth.podSecurity, "restricted");
        assert.equal(growth.quota.guaranteedCpu, 200);
        assert.equal(growth.quota.guaranteedMemoryGi, 800);
        assert.equal(cfg.nodePools.x86.consolidateAfter, "5m");
        assert.equal(cfg.nodePools.graviton.expireAfter, "720h");
        assert.deepEqual(Object.keys(cfg.nodePools), ["graviton", "x86", "driver"]);
        assert.deepEqual(Object.values(cfg.nodePools).map((p) => [p.arch, p.role]), [["arm64", "executor"], ["amd64", "executor"], ["arm64", "driver"]]);
        assert.equal(cfg.nodePools.driver.rootVolumeGi, 100, "driver volume default by role");
        assert.equal(cfg.nodePools.graviton.rootVolumeGi, 400, "set in the stack file");
    });

    it("Grafana is on by default, installing the AMP plugin from grafana.com", () => {
        const cfg = parseConfigMap(readStackConfig("prod"));
        assert.deepEqual(cfg.observability.grafana, { enabled: true });
        const mirrored = parseConfigMap(withKey(prodMap(), "moka:observability", (o) => ({ ...o, grafana: { enabled: false, pluginUrl: "https://mirror.internal/amp-3.2.0.zip" } })));
        assert.deepEqual(mirrored.observability.grafana, { enabled: false, pluginUrl: "https://mirror.internal/amp-3.2.0.zip" });
    });

    it("returns a frozen object", () => {
        const cfg = parseConfigMap(readStackConfig("dev"));
        assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.teams[0]) && Object.isFrozen(cfg.nodePools.graviton.instanceFamilies));
    });

    it("rejects an account id that lost its leading zero instead of guessing", () => {
        assert.throws(() => parseConfigMap({ ...readStackConfig("dev"), "moka:accountId": "12345678901" }), /moka:accountId: must be a 12-digit AWS account id/);
    });

    describe(`rejects ${BAD_CONFIGS.length} bad configs with one error naming every key, before any resource exists`, () => {
        const program = loadPlatformProgram();
        for (const c of BAD_CONFIGS) {
            it(c.title, async () => {
                let error: unknown;
                const run = await runUnderMocks({ stack: "prod", config: c.config, program: async () => {
                    try {
                        return await (program() as Promise<unknown>);
                    } catch (e) {
                        error = e;
                        return {};
                    }
                } });
                assert.ok(error instanceof MokaConfigError, `expected MokaConfigError, got ${String(error)}`);
                for (const [path, fragment] of c.expect) {
                    const issue = error.issues.find((i) => i.path === path);
                    assert.ok(issue, `no issue for ${path}; got:\n${error.message}`);
                    assert.ok(issue.message.includes(fragment), `${path}: "${issue.message}" lacks "${fragment}"`);
                    assert.ok(error.message.includes(path), "the thrown message names the key");
                }
                assert.equal(run.resources.length, 0, `resources were registered: ${run.resources.map((r) => r.type).join(", ")}`);
            });
        }
    });

    it("the README's configuration reference documents every pool field", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        assert.deepEqual([...NODE_POOL_FIELDS].sort(), ["arch", "capacityTypes", "consolidateAfter", "cpuLimit", "expireAfter", "instanceFamilies", "memoryLimitGi", "role", "rootVolumeGi", "weight"]);
        for (const field of NODE_POOL_FIELDS) {
            assert.ok(readme.includes(`| \`moka:nodePools.<key>.${field}\` |`), `README lacks moka:nodePools.<key>.${field}`);
        }
    });

    it("parseConfig is pure and reports all problems in one error", () => {
        assert.throws(() => parseConfig({}), (e: unknown) => e instanceof MokaConfigError && e.issues.length >= 6);
    });
});
