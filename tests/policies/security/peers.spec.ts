/** policies/peers.ts (the README policy reference's Peers column): keys are real policies, identifiers are well-formed, the column renders. */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { PEERS } from "../../../policies/peers";
import { loadPacks } from "../../../preview/run";
import { peersText } from "../../../scripts/policy-table";

describe("policies/peers.ts", () => {
    const names = new Set(loadPacks().flatMap((p) => (p.policies as Policy[]).map((x) => x.name)));

    it("names only policies that exist in a pack", () => {
        assert.deepEqual(Object.keys(PEERS).filter((k) => !names.has(k)), []);
    });

    it("uses well-formed identifiers, each once per policy", () => {
        for (const [policy, p] of Object.entries(PEERS)) {
            for (const id of p.checkov ?? []) {
                assert.match(id, /^CKV2?_(AWS|K8S)_\d+$/, `${policy}: ${id}`);
            }
            for (const id of [...(p.kyverno ?? []), ...(p.compliancePolicies ?? [])]) {
                assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)+$/, `${policy}: ${id}`);
            }
            for (const list of [p.checkov, p.kyverno, p.compliancePolicies]) {
                assert.equal(new Set(list ?? []).size, (list ?? []).length, `${policy}: duplicate peer`);
            }
            assert.ok((p.checkov?.length ?? 0) + (p.kyverno?.length ?? 0) + (p.compliancePolicies?.length ?? 0) > 0, `${policy}: empty entry`);
        }
    });

    it("covers every security rule a peer also checks (AWS resources and Services); Karpenter, access-entry auth and IRSA sub pinning have none", () => {
        const withPeers = [
            "eks-endpoint-private", "eks-secrets-encrypted", "eks-control-plane-logging", "eks-version-supported", "ec2-launch-template-imds-hardened",
            "ec2-launch-template-no-public-ip", "ec2-launch-template-ebs-encrypted", "eks-node-group-ssh-restricted", "sg-no-public-ingress",
            "service-no-public-exposure", "s3-bucket-public-access-block", "s3-public-access-block-enabled", "s3-no-public-acl", "s3-bucket-data-protection",
            "kms-key-rotation", "kms-no-lockout-bypass", "sqs-sse-enabled", "ecr-scan-on-push", "ecr-immutable-tags", "cloudwatch-log-group-kms-encrypted",
            "iam-no-wildcard-permissions", "resource-policy-no-public-access", "iam-sensitive-actions-scoped", "iam-cross-account-trust-pinned", "iam-no-user-access-keys",
        ];
        assert.deepEqual(withPeers.filter((n) => !(n in PEERS) || !names.has(n)), []);
        for (const n of ["eks-auth-mode-api", "karpenter-imds-hardened", "karpenter-ebs-encrypted", "karpenter-no-public-ip", "karpenter-removed-api", "karpenter-v1beta1-upgrade", "iam-web-identity-sub-pinned"]) {
            assert.ok(names.has(n) && !(n in PEERS), n);
        }
    });

    it("renders the Peers cell", () => {
        assert.equal(peersText(undefined), "—");
        assert.equal(peersText({}), "—");
        assert.equal(peersText({ checkov: ["CKV_AWS_1", "CKV2_AWS_6"], kyverno: ["restrict-node-port"], compliancePolicies: ["aws-x-y"] }), "Checkov CKV_AWS_1, CKV2_AWS_6; Kyverno `restrict-node-port`; compliance-policies `aws-x-y`");
    });
});
