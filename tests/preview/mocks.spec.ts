import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { runUnderMocks, mockInvoke } from "../../preview/mocks";
import { policyDoc } from "../helpers/resources";

const config = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };

describe("mock harness", () => {
    it("records inputs, options and realistic outputs", async () => {
        const run = await runUnderMocks({ stack: "test", config, program: () => {
            const b = new aws.s3.Bucket("data", { bucket: "moka-test-data" }, { protect: true, retainOnDelete: true });
            const r = new aws.iam.Role("role", { name: "moka-test-role", assumeRolePolicy: "{}" }, { dependsOn: [b] });
            return { bucketArn: b.arn, roleArn: r.arn, secret: pulumi.secret("s") };
        } });
        assert.equal(run.resources.length, 2);
        const bucket = run.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        assert.equal(bucket.protect, true);
        assert.equal(bucket.retainOnDelete, true);
        assert.equal(run.outputs.bucketArn, "arn:aws:s3:::moka-test-data");
        assert.equal(run.outputs.roleArn, "arn:aws:iam::111111111111:role/moka-test-role");
        assert.deepEqual(run.secretOutputs, ["secret"]);
        const role = run.resources.find((r) => r.type === "aws:iam/role:Role")!;
        assert.deepEqual(role.dependencies, [bucket.urn]);
    });

    it("fails the run instead of hanging when an apply throws", async () => {
        await assert.rejects(runUnderMocks({ stack: "test", config, program: () => {
            const b = new aws.s3.Bucket("data", {});
            new aws.s3.BucketPolicy("policy", { bucket: b.id, policy: b.arn.apply((): string => { throw new Error("boom in apply"); }) });
            return {};
        } }), /boom in apply/);
    });

    it("throws on unmocked invokes so new provider calls are never silently faked", () => {
        assert.throws(() => mockInvoke({ accountId: "1", region: "us-west-2" }, "aws:ec2/getAmi:getAmi", {}), /unmocked invoke aws:ec2\/getAmi:getAmi/);
    });

    it("policyDoc accepts strings, objects and single statements", () => {
        assert.equal(policyDoc('{"Statement":{"Effect":"Allow"}}').Statement.length, 1);
        assert.equal(policyDoc({ Statement: [{}, {}] }).Statement.length, 2);
    });
});
