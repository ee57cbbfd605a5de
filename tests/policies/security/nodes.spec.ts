/** Nodes outside Karpenter: EC2 launch templates and EKS managed node groups (issue 12). */
import { strict as assert } from "assert";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { ec2LaunchTemplateEbsEncrypted, ec2LaunchTemplateImdsHardened, ec2LaunchTemplateNoPublicIp } from "../../../policies/security/rules/ec2";
import { eksNodeGroupSshRestricted } from "../../../policies/security/rules/eks";
import { check, expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

/** The platform's system-node launch template as components/cluster.ts declares it (encrypted as the provider's string input). */
function systemTemplate(): TestResource {
    return {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "cluster-system-lt",
        props: {
            namePrefix: "moka-prod-system-",
            description: "EKS moka-prod system nodes: IMDSv2 only, encrypted gp3 root volume",
            updateDefaultVersion: true,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            vpcSecurityGroupIds: ["sg-0node"],
        },
    };
}

const md = (d: any) => d.props.metadataOptions;

describe("security: launch templates and node groups", () => {
    it("the platform's system node template passes all three launch-template rules", async () => {
        for (const p of [ec2LaunchTemplateImdsHardened, ec2LaunchTemplateNoPublicIp, ec2LaunchTemplateEbsEncrypted]) {
            await expectClean(p, systemTemplate());
        }
    });

    describe("ec2-launch-template-imds-hardened", () => {
        it("flags httpTokens optional, and absent (IMDSv1 unless the AMI is IMDSv2-only)", async () => {
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (md(d).httpTokens = "optional")), /^[^]*leaves instance metadata open to pods: metadataOptions\.httpTokens is "optional", which keeps IMDSv1 on\. Any pod/);
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => delete md(d).httpTokens), /httpTokens is not set, so IMDSv1 stays on unless the AMI happens to be registered IMDSv2-only\./);
        });

        it("flags a hop limit above the maximum (default 1) or absent, and honours maxHopLimit", async () => {
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (md(d).httpPutResponseHopLimit = 2)), /httpPutResponseHopLimit is 2 \(maximum 1\), so containers behind an extra network hop reach IMDS\./);
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => delete md(d).httpPutResponseHopLimit), /httpPutResponseHopLimit is not set \(IMDSv2-only AMIs such as AL2023 then use 2/);
            await expectClean(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (md(d).httpPutResponseHopLimit = "2")), { maxHopLimit: 2 });
        });

        it("reports every IMDS problem in one message; no metadataOptions at all is two problems", async () => {
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => Object.assign(md(d), { httpTokens: "optional", httpPutResponseHopLimit: 3 })), /"optional", which keeps IMDSv1 on; metadataOptions\.httpPutResponseHopLimit is 3/);
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => delete d.props.metadataOptions), /httpTokens is not set[^]*; metadataOptions\.httpPutResponseHopLimit is not set/);
            await expectViolation(ec2LaunchTemplateImdsHardened, { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions: { httpTokens: "optional" } } }, /"optional"/);
        });

        it("does not apply when the metadata endpoint is disabled", async () => {
            await expectClean(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (d.props.metadataOptions = { httpEndpoint: "disabled", httpTokens: "optional", httpPutResponseHopLimit: 5 })));
        });

        it("survives odd shapes (list-wrapped, null, wrong types) and turns unknowns into an advisory", async () => {
            await expectClean(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (d.props.metadataOptions = [md(d)])));
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (d.props.metadataOptions = null)), /not set/);
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (d.props.metadataOptions = "required")), /not set/);
            await expectViolation(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (md(d).httpTokens = 5)), /httpTokens is not set/);
            await expectUnknownAdvisory(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (md(d).httpTokens = UNKNOWN)));
            await expectUnknownAdvisory(ec2LaunchTemplateImdsHardened, mutate(systemTemplate(), (d) => (d.props.metadataOptions = UNKNOWN)));
            await expectClean(ec2LaunchTemplateImdsHardened, { type: "aws:ec2/instance:Instance", props: { metadataOptions: { httpTokens: "optional" } } });
        });
    });

    describe("ec2-launch-template-no-public-ip", () => {
        it("flags associatePublicIpAddress \"true\" (the provider's string) or true on any interface", async () => {
            await expectViolation(ec2LaunchTemplateNoPublicIp, mutate(systemTemplate(), (d) => (d.props.networkInterfaces = [{ associatePublicIpAddress: "true" }])), /^[^]*gives instances a public IP address \(networkInterfaces\[0\]\.associatePublicIpAddress: true\)/);
            await expectViolation(ec2LaunchTemplateNoPublicIp, mutate(systemTemplate(), (d) => (d.props.networkInterfaces = [{ deviceIndex: 0 }, { associatePublicIpAddress: true }])), /networkInterfaces\[1\]/);
        });

        it("passes \"false\", absent (the subnet decides) and odd shapes", async () => {
            for (const ni of [[{ associatePublicIpAddress: "false" }], [{ associatePublicIpAddress: "" }], [], null, "x", [null, 3]]) {
                await expectClean(ec2LaunchTemplateNoPublicIp, mutate(systemTemplate(), (d) => (d.props.networkInterfaces = ni)));
            }
            await expectUnknownAdvisory(ec2LaunchTemplateNoPublicIp, mutate(systemTemplate(), (d) => (d.props.networkInterfaces = [{ associatePublicIpAddress: UNKNOWN }])));
        });
    });

    describe("ec2-launch-template-ebs-encrypted", () => {
        it("flags encrypted false and unset, naming the devices", async () => {
            const r = mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings = [
                { deviceName: "/dev/xvda", ebs: { volumeSize: 100, encrypted: "false" } },
                { deviceName: "/dev/xvdb", ebs: { volumeSize: 100 } },
                { ebs: { volumeSize: 20 } },
            ]));
            await expectViolation(ec2LaunchTemplateEbsEncrypted, r, /^[^]*may be unencrypted: \/dev\/xvda set ebs\.encrypted: false; \/dev\/xvdb and #2 leave ebs\.encrypted unset \(encrypted only if the account enables EBS encryption by default\)\./);
        });

        it("honours accountEncryptionByDefault for unset (never for an explicit false)", async () => {
            const unset = mutate(systemTemplate(), (d) => delete d.props.blockDeviceMappings[0].ebs.encrypted);
            await expectClean(ec2LaunchTemplateEbsEncrypted, unset, { accountEncryptionByDefault: true });
            await expectViolation(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings[0].ebs.encrypted = false)), /set ebs\.encrypted: false/, { config: { accountEncryptionByDefault: true } });
        });

        it("does not judge instance-store mappings or templates without mappings; survives odd shapes", async () => {
            await expectClean(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings = [{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }, { deviceName: "/dev/sdc", noDevice: "" }])));
            await expectClean(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => delete d.props.blockDeviceMappings));
            await expectClean(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings = [null, 5, { ebs: null }])));
            await expectClean(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings[0].ebs = [{ encrypted: "true" }])));
            await expectUnknownAdvisory(ec2LaunchTemplateEbsEncrypted, mutate(systemTemplate(), (d) => (d.props.blockDeviceMappings[0].ebs.encrypted = UNKNOWN)));
        });
    });

    describe("eks-node-group-ssh-restricted", () => {
        const nodeGroup = (remoteAccess: unknown): TestResource => ({
            type: "aws:eks/nodeGroup:NodeGroup",
            props: { clusterName: "moka", nodeRoleArn: "arn:aws:iam::111111111111:role/node", subnetIds: ["subnet-a"], scalingConfig: { minSize: 1, maxSize: 1, desiredSize: 1 }, remoteAccess },
        });

        it("flags an SSH key without source security groups (port 22 open to 0.0.0.0/0)", async () => {
            await expectViolation(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: "some-key" }), /^[^]*remoteAccess\.ec2SshKey\) without remoteAccess\.sourceSecurityGroupIds, so EKS opens port 22 on every node to 0\.0\.0\.0\/0\./);
            await expectViolation(eksNodeGroupSshRestricted, nodeGroup([{ ec2SshKey: "k", sourceSecurityGroupIds: [] }]), /port 22/);
            await expectViolation(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: "k", sourceSecurityGroupIds: [" "] }), /port 22/);
        });

        it("passes source security groups, no key and no remoteAccess", async () => {
            await expectClean(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: "k", sourceSecurityGroupIds: ["sg-0bastion000000001"] }));
            await expectClean(eksNodeGroupSshRestricted, nodeGroup({ sourceSecurityGroupIds: [] }));
            await expectClean(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: "" }));
            await expectClean(eksNodeGroupSshRestricted, mutate(nodeGroup(null), (d) => delete d.props.remoteAccess));
            await expectClean(eksNodeGroupSshRestricted, nodeGroup(null));
            await expectClean(eksNodeGroupSshRestricted, nodeGroup("ssh"));
        });

        it("turns unknowns into an advisory", async () => {
            await expectUnknownAdvisory(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: "k", sourceSecurityGroupIds: UNKNOWN }));
            const ds = await check(eksNodeGroupSshRestricted, nodeGroup({ ec2SshKey: UNKNOWN }));
            assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]), [["advisory", true]]);
        });
    });
});
