import { strict as assert } from "assert";
import { TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { eksAuthModeApi, eksControlPlaneLogging, eksEndpointPrivate, eksSecretsEncrypted, eksVersionSupported } from "../../../policies/security/rules/eks";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

const KEY = "arn:aws:kms:us-west-2:111111111111:key/0b6e3c1e-1111-2222-3333-444455556666";

/** aws.eks.Cluster as a real preview shows it (also the child of eks.Cluster). */
function awsCluster(): TestResource {
    return {
        type: "aws:eks/cluster:Cluster",
        name: "moka-eksCluster",
        props: {
            name: "moka-prod",
            roleArn: "arn:aws:iam::111111111111:role/moka-cluster",
            version: "1.33",
            vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: false },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY } },
            enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        },
    };
}

/** @pulumi/eks v4 eks:index:Cluster inputs as mocks show them. */
function componentCluster(): TestResource {
    return {
        type: "eks:index:Cluster",
        name: "moka",
        props: {
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
            encryptionConfigKeyArn: KEY,
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            authenticationMode: "API",
            skipDefaultNodeGroup: true,
        },
    };
}

const SHAPES = [
    { shape: "aws:eks/cluster:Cluster", make: awsCluster, vpc: (d: any) => d.props.vpcConfig },
    { shape: "eks:index:Cluster", make: componentCluster, vpc: (d: any) => d.props },
];

describe("security: EKS rules", () => {
    for (const { shape, make, vpc } of SHAPES) {
        describe(shape, () => {
            it("passes the hardened happy path on every EKS rule", async () => {
                for (const p of [eksEndpointPrivate, eksSecretsEncrypted, eksControlPlaneLogging, eksAuthModeApi]) {
                    await expectClean(p, make());
                }
            });

            describe("eks-endpoint-private", () => {
                it("flags an endpoint that is public by default (endpointPublicAccess absent)", async () => {
                    await expectViolation(eksEndpointPrivate, mutate(make(), (d) => delete vpc(d).endpointPublicAccess), /public by default/);
                });
                it("flags endpointPublicAccess: true without publicAccessCidrs", async () => {
                    await expectViolation(eksEndpointPrivate, mutate(make(), (d) => (vpc(d).endpointPublicAccess = true)), /without .*publicAccessCidrs/);
                });
                it("flags 0.0.0.0/0 and ::/0 in publicAccessCidrs", async () => {
                    for (const world of ["0.0.0.0/0", "::/0"]) {
                        const r = mutate(make(), (d) => Object.assign(vpc(d), { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", world] }));
                        await expectViolation(eksEndpointPrivate, r, new RegExp(`whole internet.*${world.replace(/[.*/]/g, "\\$&")}`));
                    }
                });
                it("flags 0.0.0.0/0 when the endpoint is public by default", async () => {
                    const r = mutate(make(), (d) => { delete vpc(d).endpointPublicAccess; vpc(d).publicAccessCidrs = ["0.0.0.0/0"]; });
                    await expectViolation(eksEndpointPrivate, r, /whole internet/);
                });
                it("passes an absent endpointPublicAccess with specific CIDRs: public, limited to them (issue 12 false alarm)", async () => {
                    // Regression: default public access + an explicit CIDR list was reported as open to 0.0.0.0/0.
                    const r = mutate(make(), (d) => { delete vpc(d).endpointPublicAccess; vpc(d).publicAccessCidrs = ["203.0.113.0/24"]; });
                    await expectClean(eksEndpointPrivate, r);
                    await expectViolation(eksEndpointPrivate, r, /endpointPublicAccess is not set, so EKS keeps the endpoint public\) and this pack is configured to forbid/, { config: { allowPublicWithCidrs: false } });
                });
                it("allows an explicit public endpoint restricted to specific CIDRs (default config)", async () => {
                    const r = mutate(make(), (d) => Object.assign(vpc(d), { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] }));
                    await expectClean(eksEndpointPrivate, r);
                });
                it("flags any public endpoint when allowPublicWithCidrs is false", async () => {
                    const r = mutate(make(), (d) => Object.assign(vpc(d), { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }));
                    await expectViolation(eksEndpointPrivate, r, /allowPublicWithCidrs: false/, { config: { allowPublicWithCidrs: false } });
                });
                it("ignores publicAccessCidrs of a private endpoint (AWS reports 0.0.0.0/0 there)", async () => {
                    await expectClean(eksEndpointPrivate, mutate(make(), (d) => (vpc(d).publicAccessCidrs = ["0.0.0.0/0"])));
                });
                it("accepts the string booleans providers accept", async () => {
                    await expectClean(eksEndpointPrivate, mutate(make(), (d) => (vpc(d).endpointPublicAccess = "false")));
                });
                it("turns an unknown endpointPublicAccess into an advisory, not a violation", async () => {
                    await expectUnknownAdvisory(eksEndpointPrivate, mutate(make(), (d) => (vpc(d).endpointPublicAccess = UNKNOWN)));
                });
            });

            describe("eks-secrets-encrypted", () => {
                it("flags a cluster without secrets encryption", async () => {
                    const r = mutate(make(), (d) => { delete d.props.encryptionConfig; delete d.props.encryptionConfigKeyArn; });
                    await expectViolation(eksSecretsEncrypted, r, /does not encrypt Kubernetes secrets/);
                });
                it("flags an empty key ARN", async () => {
                    const r = mutate(make(), (d) => (shape === "eks:index:Cluster" ? (d.props.encryptionConfigKeyArn = " ") : (d.props.encryptionConfig.provider.keyArn = "")));
                    await expectViolation(eksSecretsEncrypted, r, /does not encrypt/);
                });
                it("turns an unknown key ARN into an advisory", async () => {
                    const r = mutate(make(), (d) => (shape === "eks:index:Cluster" ? (d.props.encryptionConfigKeyArn = UNKNOWN) : (d.props.encryptionConfig.provider.keyArn = UNKNOWN)));
                    await expectUnknownAdvisory(eksSecretsEncrypted, r);
                });
            });

            describe("eks-control-plane-logging", () => {
                for (const missing of ["api", "audit", "authenticator"]) {
                    it(`flags a missing ${missing} log type`, async () => {
                        const r = mutate(make(), (d) => (d.props.enabledClusterLogTypes = d.props.enabledClusterLogTypes.filter((t: string) => t !== missing)));
                        await expectViolation(eksControlPlaneLogging, r, new RegExp(`does not log ${missing}`));
                    });
                }
                it("flags absent log types (the default is none)", async () => {
                    await expectViolation(eksControlPlaneLogging, mutate(make(), (d) => delete d.props.enabledClusterLogTypes), /does not log api, audit and authenticator/);
                });
                it("honours requiredLogTypes", async () => {
                    const r = mutate(make(), (d) => (d.props.enabledClusterLogTypes = ["audit"]));
                    await expectClean(eksControlPlaneLogging, r, { requiredLogTypes: ["audit"] });
                });
                it("survives a single string instead of a list", async () => {
                    await expectViolation(eksControlPlaneLogging, mutate(make(), (d) => (d.props.enabledClusterLogTypes = "audit")), /api and authenticator/);
                });
            });

            describe("eks-auth-mode-api", () => {
                it("flags the default CONFIG_MAP mode when unset", async () => {
                    const r = mutate(make(), (d) => { delete d.props.accessConfig; delete d.props.authenticationMode; });
                    await expectViolation(eksAuthModeApi, r, /CONFIG_MAP \(.*not set/);
                });
                for (const mode of ["CONFIG_MAP", "API_AND_CONFIG_MAP"]) {
                    it(`flags an explicit ${mode}`, async () => {
                        const r = mutate(make(), (d) => (shape === "eks:index:Cluster" ? (d.props.authenticationMode = mode) : (d.props.accessConfig.authenticationMode = mode)));
                        await expectViolation(eksAuthModeApi, r, new RegExp(`mode is ${mode}\\. `));
                    });
                }
                it("allows API_AND_CONFIG_MAP when configured for a migration", async () => {
                    const r = mutate(make(), (d) => (shape === "eks:index:Cluster" ? (d.props.authenticationMode = "API_AND_CONFIG_MAP") : (d.props.accessConfig.authenticationMode = "API_AND_CONFIG_MAP")));
                    await expectClean(eksAuthModeApi, r, { allowedAuthenticationModes: ["API", "API_AND_CONFIG_MAP"] });
                });
            });
        });
    }

    it("ignores other resource types and survives odd shapes", async () => {
        for (const p of [eksEndpointPrivate, eksSecretsEncrypted, eksControlPlaneLogging, eksAuthModeApi]) {
            await expectClean(p, { type: "aws:eks/nodeGroup:NodeGroup", props: { clusterName: "x" } });
            const odd = await violations(p, { type: "aws:eks/cluster:Cluster", props: { vpcConfig: "nope", encryptionConfig: [null, 3], enabledClusterLogTypes: 7, accessConfig: null } });
            assert.equal(odd.length, 1, `${p.name} should report once on an odd, insecure shape`);
        }
    });

    it("accepts the pre-v7 list form of encryptionConfig", async () => {
        const r = mutate(awsCluster(), (d) => (d.props.encryptionConfig = [{ resources: ["secrets"], provider: { keyArn: KEY } }]));
        await expectClean(eksSecretsEncrypted, r);
    });

    describe("issue 12: almost-open CIDRs and EKS version support, on both shapes", () => {
        for (const { shape, make, vpc } of SHAPES) {
            describe(shape, () => {
                const publicWith = (cidrs: unknown, explicit = true) => mutate(make(), (d) => {
                    if (explicit) {
                        vpc(d).endpointPublicAccess = true;
                    } else {
                        delete vpc(d).endpointPublicAccess;
                    }
                    vpc(d).publicAccessCidrs = cidrs;
                });
                const almost: [string, string[]][] = [["1.1.1.1/1 (half the internet; host bits as written upstream)", ["1.1.1.1/1"]], ["0.0.0.0/1 and 128.0.0.0/1", ["0.0.0.0/1", "128.0.0.0/1"]], ["a /7 next to a narrow block", ["203.0.113.0/24", "2.0.0.0/7"]], ["IPv6 2000::/3", ["2000::/3"]]];
                for (const [label, cidrs] of almost) {
                    it(`flags ${label} as open to most of the internet (explicit and default public access)`, async () => {
                        await expectViolation(eksEndpointPrivate, publicWith(cidrs), /^[^]*The EKS API endpoint is public to most of the internet: [^]*shorter than \/8 \(IPv4\) or \/32 \(IPv6\)/);
                        await expectViolation(eksEndpointPrivate, publicWith(cidrs, false), /most of the internet/);
                    });
                }
                it("accepts blocks at the minimum prefix and honours minPublicCidrPrefix / minPublicCidrPrefixIpv6", async () => {
                    await expectClean(eksEndpointPrivate, publicWith(["10.0.0.0/8", "2001:db8::/32", "198.51.100.7"]));
                    await expectViolation(eksEndpointPrivate, publicWith(["10.0.0.0/8"]), /shorter than \/16 \(IPv4\)/, { config: { minPublicCidrPrefix: 16 } });
                    await expectViolation(eksEndpointPrivate, publicWith(["2001:db8::/32"]), /\/48 \(IPv6\)/, { config: { minPublicCidrPrefixIpv6: 48 } });
                    await expectClean(eksEndpointPrivate, publicWith(["1.0.0.0/1"]), { minPublicCidrPrefix: 0 });
                });
                it("reports 0.0.0.0/0 as the whole internet before almost-open blocks, and ignores unparseable entries", async () => {
                    await expectViolation(eksEndpointPrivate, publicWith(["0.0.0.0/0", "1.1.1.1/1"]), /whole internet: [^]*contains 0\.0\.0\.0\/0\./);
                    await expectClean(eksEndpointPrivate, publicWith(["not-a-cidr", "300.1.1.1/8", "203.0.113.0/24"]));
                });
                it("the issue's false-alarm shape: endpointPublicAccess left at its default with an explicit CIDR list is public to those CIDRs only", async () => {
                    await expectClean(eksEndpointPrivate, publicWith(["203.0.113.0/24"], false));
                    await expectViolation(eksEndpointPrivate, publicWith([], false), /public by default/);
                    await expectUnknownAdvisory(eksEndpointPrivate, publicWith(UNKNOWN, false));
                    await expectUnknownAdvisory(eksEndpointPrivate, publicWith(["203.0.113.0/24", UNKNOWN], false));
                });

                describe("eks-version-supported (advisory; today pinned by config)", () => {
                    const at = (version: unknown, today = "2026-12-06") => ({ resource: mutate(make(), (d) => (d.props.version = version)), config: { today } });
                    it("passes versions in standard support, versions newer than the calendar, and no version (EKS picks the newest)", async () => {
                        for (const v of ["1.35", "1.36", "1.40", "v1.35", "1.35.2"]) {
                            const { resource, config } = at(v);
                            await expectClean(eksVersionSupported, resource, config);
                        }
                        await expectClean(eksVersionSupported, mutate(make(), (d) => delete d.props.version), { today: "2026-12-06" });
                        await expectClean(eksVersionSupported, at("1.33", "2026-07-29").resource, { today: "2026-07-29" });
                    });
                    it("flags a version on extended support (our 1.33 after 2026-07-29), with the supported versions as of that day", async () => {
                        const { resource, config } = at("1.33");
                        await expectViolation(eksVersionSupported, resource, /^[^]*Kubernetes 1\.33 left EKS standard support on 2026-07-29; it now runs on extended support \(still patched, but billed at a higher hourly rate per cluster\) until 2027-07-29, after which EKS upgrades the control plane itself\. Upgrade to a version in standard support \(1\.35 and 1\.36 as of 2026-12-06\) one minor version at a time/, { config, level: "advisory" });
                        await expectViolation(eksVersionSupported, at("1.33", "2026-07-30").resource, /1\.34, 1\.35 and 1\.36 as of 2026-07-30/, { config: { today: "2026-07-30" }, level: "advisory" });
                    });
                    it("flags versions past extended support and versions older than the calendar", async () => {
                        await expectViolation(eksVersionSupported, at("1.28").resource, /1\.28 left EKS standard support on 2024-11-26 and extended support on 2025-11-26; EKS upgrades such control planes itself/, { config: { today: "2026-12-06" }, level: "advisory" });
                        await expectViolation(eksVersionSupported, at("1.13").resource, /1\.13 is older than every version in the EKS calendar \(1\.23 left standard support on 2023-10-11\)/, { config: { today: "2026-12-06" }, level: "advisory" });
                    });
                    it("says so when upgradePolicy.supportType STANDARD makes EKS upgrade at the end of standard support", async () => {
                        const r = mutate(at("1.33").resource, (d) => (d.props.upgradePolicy = { supportType: "STANDARD" }));
                        await expectViolation(eksVersionSupported, r, /with upgradePolicy\.supportType STANDARD EKS upgrades the control plane itself/, { config: { today: "2026-12-06" }, level: "advisory" });
                        const unknownType = mutate(at("1.33").resource, (d) => (d.props.upgradePolicy = { supportType: UNKNOWN }));
                        await expectViolation(eksVersionSupported, unknownType, /extended support/, { config: { today: "2026-12-06" }, level: "advisory" });
                    });
                    it("falls back to the current date for an empty or malformed today, skips unparseable versions, and turns an unknown version into an advisory", async () => {
                        await expectViolation(eksVersionSupported, at("1.23").resource, /1\.23 left EKS standard support/, { config: { today: "not a date" }, level: "advisory" });
                        await expectViolation(eksVersionSupported, at("1.23").resource, /1\.23 left/, { level: "advisory" });
                        for (const v of ["latest", "2.1", 33, "", null]) {
                            await expectClean(eksVersionSupported, at(v).resource, { today: "2026-12-06" });
                        }
                        await expectUnknownAdvisory(eksVersionSupported, at(UNKNOWN).resource, { today: "2026-12-06" });
                    });
                });
            });
        }
    });
});
