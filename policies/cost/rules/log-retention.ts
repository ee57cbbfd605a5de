/**
 * CloudWatch log group retention. `retentionInDays` absent or 0 means "never expire": the group
 * grows (and bills storage) forever. A group of class DELIVERY is exempt (AWS forces 2 days).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LOG_RETENTION_DAYS } from "../../../lib/aws-limits";
import { asNumber, asString, get } from "../../lib/props";
import { URLS } from "../common";

const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export const cloudwatchLogGroupRetentionSet: ResourceValidationPolicy = {
    name: "cloudwatch-log-group-retention-set",
    description: "Checks that every CloudWatch log group sets retentionInDays (absent or 0 keeps logs forever).",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["cost", "cloudwatch", "logs", "retention"],
    url: URLS.logRetention,
    remediationSteps:
        `Set retentionInDays to one of CloudWatch's allowed values (${LOG_RETENTION_DAYS.join(", ")}); ` +
        "in this platform it comes from moka:cluster.logRetentionDays / moka:observability.logRetentionDays.",
    validateResource: (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE) {
            return;
        }
        if (asString(get(args.props, "logGroupClass"))?.toUpperCase() === "DELIVERY") {
            return;
        }
        const raw = get(args.props, "retentionInDays");
        const days = asNumber(raw);
        if (days === undefined || days <= 0) {
            const name = asString(get(args.props, "name")) ?? args.name;
            const what = raw === undefined || raw === null ? "does not set retentionInDays" : `sets retentionInDays to ${JSON.stringify(raw)}`;
            reportViolation(
                `CloudWatch log group "${name}" ${what}, so its events never expire: storage (≈ $0.03/GB-month) grows forever and old ` +
                    "logs outlive any retention requirement. Set retentionInDays (e.g. 30 or 90; 365 for audit logs).",
            );
        }
    },
};
