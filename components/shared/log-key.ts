/**
 * Customer-managed KMS keys for CloudWatch log groups. A log group encrypted only with an AWS-owned key is
 * readable by anyone with logs:GetLogEvents, with no key policy in between and no KMS audit trail; the
 * security pack's `cloudwatch-log-group-kms-encrypted` advisory asks for a customer-managed key.
 *
 * CloudWatch Logs uses the key as the regional `logs.<region>.amazonaws.com` service principal, and puts the
 * log group's ARN in the encryption context (`kms:EncryptionContext:aws:logs:arn`), so the key policy can
 * allow exactly the named groups (AWS CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using
 * AWS KMS", step 2). The key must be usable before the group is created with it, so the group depends on
 * the key (Pulumi orders that through `kmsKeyId: key.arn`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logGroupKeyPolicy } from "./iam";

export interface LogGroupKeyInputs {
    /** What the key protects, for its description. */
    readonly description: string;
    /** `alias/<aliasName>`. */
    readonly aliasName: string;
    /** The one log group the key may encrypt. */
    readonly logGroupName: string;
    readonly partition: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
    /** Protect the key (prod): `protect`, `retainOnDelete` and a 30-day deletion window. */
    readonly protect: boolean;
    readonly tags: Record<string, string>;
}

/** A rotating key (and its alias) that only the named log group may use. Children `${name}` and `${name}-alias`. */
export function logGroupKey(name: string, i: LogGroupKeyInputs, parent: pulumi.Resource): aws.kms.Key {
    const key = new aws.kms.Key(name, {
        description: i.description,
        enableKeyRotation: true,
        deletionWindowInDays: i.protect ? 30 : 7,
        policy: pulumi.all([i.partition, i.region, i.accountId]).apply(([p, r, a]) =>
            JSON.stringify(logGroupKeyPolicy(p, r, a, [i.logGroupName], "CloudWatchLogsForThisLogGroup"))),
        tags: i.tags,
    }, { parent, protect: i.protect, retainOnDelete: i.protect });
    new aws.kms.Alias(`${name}-alias`, { name: `alias/${i.aliasName}`, targetKeyId: key.keyId }, { parent });
    return key;
}
