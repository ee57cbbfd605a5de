import { strict as assert } from "assert";
import { LOG_RETENTION_DAYS } from "../../../lib/aws-limits";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { cloudwatchLogGroupRetentionSet } from "../../../policies/cost/rules/log-retention";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

const logGroup = (): TestResource => ({
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "cluster-control-plane-logs",
    props: { name: "/aws/eks/moka-prod/cluster", retentionInDays: 365, kmsKeyId: "arn:aws:kms:us-west-2:111111111111:key/abc", tags: { "cost-center": "x" } },
});

describe("cost: cloudwatch-log-group-retention-set", () => {
    it("passes a group with a retention, also as a string", async () => {
        await expectClean(cloudwatchLogGroupRetentionSet, logGroup());
        await expectClean(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = "30")));
    });
    it("flags an absent retention (never expire)", async () => {
        await expectViolation(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => delete d.props.retentionInDays), /CloudWatch log group "\/aws\/eks\/moka-prod\/cluster" does not set retentionInDays, so its events never expire/);
    });
    it("flags retention 0 (never expire) and null", async () => {
        await expectViolation(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = 0)), /sets retentionInDays to 0/);
        await expectViolation(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = null)), /does not set retentionInDays/);
    });
    it("flags wrong-typed retention values", async () => {
        await expectViolation(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = "forever")), /sets retentionInDays to "forever"/);
        await expectViolation(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = { days: 3 })), /retentionInDays/);
    });
    it("names an auto-named group by its resource name", async () => {
        await expectViolation(cloudwatchLogGroupRetentionSet, { type: "aws:cloudwatch/logGroup:LogGroup", name: "flow-logs", props: {} }, /log group "flow-logs"/);
    });
    it("exempts DELIVERY-class groups (AWS forces 2 days)", async () => {
        await expectClean(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => { delete d.props.retentionInDays; d.props.logGroupClass = "DELIVERY"; }));
    });
    it("ignores other types", async () => {
        await expectClean(cloudwatchLogGroupRetentionSet, { type: "aws:cloudwatch/logStream:LogStream", props: {} });
    });
    it("remediation lists exactly CloudWatch's retention values (lib/aws-limits.ts)", () => {
        const listed = /allowed values \(([^)]*)\)/.exec(cloudwatchLogGroupRetentionSet.remediationSteps ?? "");
        assert.ok(listed, "remediation names the allowed values");
        assert.deepEqual(listed![1].split(", ").map(Number), [...LOG_RETENTION_DAYS]);
    });
    it("turns an unknown retention into an advisory", async () => {
        await expectUnknownAdvisory(cloudwatchLogGroupRetentionSet, mutate(logGroup(), (d) => (d.props.retentionInDays = UNKNOWN)));
    });
});
