import { strict as assert } from "assert";
import { TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { eksAuthModeApi, eksControlPlaneLogging, eksEndpointPrivate, eksSecretsEncrypted } from "../../../policies/security/rules/eks";
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
});
