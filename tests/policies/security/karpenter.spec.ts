import { strict as assert } from "assert";
import { TestResource, UNKNOWN, violations } from "../../helpers/policy";
import {
    karpenterEbsEncrypted,
    karpenterImdsHardened,
    karpenterNoPublicIp,
    karpenterRemovedApi,
    karpenterV1beta1Upgrade,
} from "../../../policies/security/rules/karpenter";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";
import { esmImport } from "../../helpers/esm";

// @kubernetes-models/* are ESM-only; a real dynamic import (not ts-node's require rewrite) loads them.

const V1 = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const V1BETA1 = "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass";

/** A Karpenter v1 EC2NodeClass relying on Karpenter's safe defaults (no metadataOptions, no blockDeviceMappings). */
function defaults(type = V1): TestResource {
    return {
        type,
        name: "graviton",
        props: {
            apiVersion: type === V1 ? "karpenter.k8s.aws/v1" : "karpenter.k8s.aws/v1beta1",
            kind: "EC2NodeClass",
            metadata: { name: "graviton" },
            spec: {
                role: "moka-prod-karpenter-node",
                amiSelectorTerms: [{ alias: "al2023@latest" }],
                subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "moka-prod" } }],
                securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "moka-prod" } }],
            },
        },
    };
}

/** The same node class with explicit hardened settings. */
function explicit(type = V1): TestResource {
    return mutate(defaults(type), (d) =>
        Object.assign(d.props.spec, {
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", rootVolume: true, ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true } }],
            associatePublicIPAddress: false,
        }),
    );
}

const NODE_RULES = [karpenterImdsHardened, karpenterEbsEncrypted, karpenterNoPublicIp];

describe("security: Karpenter rules", () => {
    it("fixtures are valid Karpenter v1 EC2NodeClasses", async () => {
        const { EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass");
        new EC2NodeClass(defaults().props as any).validate();
        new EC2NodeClass(explicit().props as any).validate();
    });

    for (const type of [V1, V1BETA1, "kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate"]) {
        it(`never flags Karpenter's defaults or explicit hardened settings (${type})`, async () => {
            for (const p of NODE_RULES) {
                await expectClean(p, defaults(type));
                await expectClean(p, explicit(type));
            }
        });
    }

    describe("karpenter-imds-hardened", () => {
        it("flags httpTokens: optional", async () => {
            await expectViolation(karpenterImdsHardened, mutate(explicit(), (d) => (d.props.spec.metadataOptions.httpTokens = "optional")), /httpTokens: optional, allowing IMDSv1/);
        });
        it("flags httpTokens: optional on v1beta1 too, and when metadataOptions holds nothing else", async () => {
            await expectViolation(karpenterImdsHardened, mutate(defaults(V1BETA1), (d) => (d.props.spec.metadataOptions = { httpTokens: "optional" })), /IMDSv1/);
        });
        it("flags a hop limit above 1, Karpenter v1's default (issue 12: the default maximum was 2)", async () => {
            await expectViolation(karpenterImdsHardened, mutate(explicit(), (d) => (d.props.spec.metadataOptions.httpPutResponseHopLimit = 2)), /HopLimit: 2 \(maximum 1\)[^]*Set it to 1 \(Karpenter's default\)\./);
        });
        it("honours a higher maxHopLimit", async () => {
            await expectClean(karpenterImdsHardened, mutate(explicit(), (d) => (d.props.spec.metadataOptions.httpPutResponseHopLimit = 2)), { maxHopLimit: 2 });
            await expectViolation(karpenterImdsHardened, mutate(explicit(), (d) => (d.props.spec.metadataOptions.httpPutResponseHopLimit = 3)), /HopLimit: 3 \(maximum 2\)[^]*or at most 2\./, { config: { maxHopLimit: 2 } });
        });
        it("reports both problems separately", async () => {
            const r = mutate(explicit(), (d) => Object.assign(d.props.spec.metadataOptions, { httpTokens: "optional", httpPutResponseHopLimit: 5 }));
            await expectViolation(karpenterImdsHardened, r, /httpTokens|HopLimit/, { count: 2 });
        });
        it("does not flag token settings when IMDS is disabled", async () => {
            await expectClean(karpenterImdsHardened, mutate(explicit(), (d) => Object.assign(d.props.spec.metadataOptions, { httpEndpoint: "disabled", httpTokens: "optional" })));
        });
        it("turns unknown metadata options into an advisory", async () => {
            await expectUnknownAdvisory(karpenterImdsHardened, mutate(explicit(), (d) => (d.props.spec.metadataOptions.httpTokens = UNKNOWN)));
        });
    });

    describe("karpenter-ebs-encrypted", () => {
        it("flags an explicit EBS mapping without encrypted", async () => {
            await expectViolation(karpenterEbsEncrypted, mutate(explicit(), (d) => delete d.props.spec.blockDeviceMappings[0].ebs.encrypted), /unencrypted EBS volumes \(\/dev\/xvda\)/);
        });
        it("flags encrypted: false, naming each bad mapping", async () => {
            const r = mutate(explicit(), (d) =>
                d.props.spec.blockDeviceMappings.push({ deviceName: "/dev/xvdb", ebs: { volumeSize: "200Gi", encrypted: false } }, { ebs: { volumeSize: "50Gi" } }),
            );
            await expectViolation(karpenterEbsEncrypted, r, /\/dev\/xvdb and #2/);
        });
        it("survives odd mappings (a single object, nulls)", async () => {
            await expectViolation(karpenterEbsEncrypted, mutate(explicit(), (d) => (d.props.spec.blockDeviceMappings = { deviceName: "/dev/xvda", ebs: {} })), /unencrypted/);
            await expectClean(karpenterEbsEncrypted, mutate(explicit(), (d) => (d.props.spec.blockDeviceMappings = [null, { deviceName: "/dev/xvda" }])));
        });
        it("turns an unknown encrypted flag into an advisory", async () => {
            await expectUnknownAdvisory(karpenterEbsEncrypted, mutate(explicit(), (d) => (d.props.spec.blockDeviceMappings[0].ebs.encrypted = UNKNOWN)));
        });
    });

    describe("karpenter-no-public-ip", () => {
        it("flags associatePublicIPAddress: true", async () => {
            await expectViolation(karpenterNoPublicIp, mutate(defaults(), (d) => (d.props.spec.associatePublicIPAddress = true)), /EC2NodeClass "graviton" sets spec.associatePublicIPAddress: true/);
        });
        it("turns an unknown value into an advisory", async () => {
            await expectUnknownAdvisory(karpenterNoPublicIp, mutate(defaults(), (d) => (d.props.spec.associatePublicIPAddress = UNKNOWN)));
        });
    });

    describe("karpenter-removed-api / karpenter-v1beta1-upgrade", () => {
        const removed = [
            ["kubernetes:karpenter.sh/v1alpha5:Provisioner", /NodePool/],
            ["kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate", /EC2NodeClass/],
            ["kubernetes:karpenter.sh/v1alpha5:Machine", /NodeClaim/],
        ] as const;
        for (const [type, replacement] of removed) {
            it(`flags ${type} as mandatory`, async () => {
                await expectViolation(karpenterRemovedApi, { type, props: { metadata: { name: "default" }, spec: {} } }, replacement);
                assert.equal((await violations(karpenterV1beta1Upgrade, { type, props: {} })).length, 0);
            });
        }
        for (const type of ["kubernetes:karpenter.sh/v1beta1:NodePool", V1BETA1, "kubernetes:karpenter.sh/v1beta1:NodeClaim"]) {
            it(`advises upgrading ${type} to v1`, async () => {
                await expectViolation(karpenterV1beta1Upgrade, { type, props: {} }, /deprecated v1beta1 Karpenter API/, { level: "advisory" });
                assert.equal((await violations(karpenterRemovedApi, { type, props: {} })).length, 0);
            });
        }
        it("leaves the v1 API and other groups alone", async () => {
            for (const type of [V1, "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:example.com/v1alpha1:Provisioner"]) {
                await expectClean(karpenterRemovedApi, { type, props: {} });
                await expectClean(karpenterV1beta1Upgrade, { type, props: {} });
            }
        });
    });
});
