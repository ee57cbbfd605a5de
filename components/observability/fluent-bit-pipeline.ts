/**
 * Pure builders for the FluentBit component: the Fluent Bit pipeline (classic config sections), the
 * chart values and the IAM documents. Nothing here touches the Pulumi runtime.
 *
 * Pipeline (one input, records flow top to bottom):
 *
 *   tail /var/log/containers/*.log        tag kube.var.log.containers.<pod>_<ns>_<container>-<id>.log
 *   └─ parser (yunikorn namespace only)     zap console line → time/level/logger/caller/message/fields
 *   └─ kubernetes                           adds kubernetes.{namespace_name,pod_name,labels,...}
 *   └─ rewrite_tag                          re-emits as applog.<namespace>.<spark-app-id | no-app>
 *        ├─ s3, one per team (applog.<team>.*)  s3://<team bucket>/<prefix>/<app>/YYYY/MM/DD/...
 *        └─ cloudwatch_logs  (applog.*, kube.*)  /moka/<baseName>/containers, one stream per container
 *
 * A team namespace's container logs go to that team's own bucket (team namespace = team name), where the
 * team role can read them and no other team can list them; platform namespaces' logs go to CloudWatch
 * only. out_s3 takes one static `bucket` per output instance, hence one output per team, each with its own
 * `store_dir` so no two instances share a buffer directory.
 *
 * Facts checked against fluent/fluent-bit at v5.1.1 (the chart's appVersion):
 * - out_s3 rejects an `s3_key_format` that does not start with "/" and builds the request URI as
 *   "/<bucket><key>", so the leading "/" is the path separator and the object key starts at the prefix
 *   (the IAM grant `<bucketArn>/<prefix>/*` matches). `$TAG[n]` picks the n-th part of the tag split on
 *   `s3_key_format_tag_delimiters`. With `use_put_object On` the maximum `total_file_size` is 50M and
 *   only s3:PutObject is called (no multipart actions needed).
 * - rewrite_tag processes its rules in order until one matches; a rule whose key is absent does not
 *   match, so the second rule is the "no-app" fallback.
 * - The AWS credential chain reads AWS_CONTAINER_CREDENTIALS_FULL_URI and
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, i.e. EKS Pod Identity works without IRSA.
 * - YuniKorn does NOT log JSON: the k8shim builds its zap logger with `Encoding: "console"`
 *   (apache/yunikorn-k8shim pkg/log/logger.go), ISO-8601 time, capital level, logger name and short
 *   caller, tab-separated, with structured fields appended as one JSON object. The parser below is a
 *   regex for that layout and decodes the trailing fields as JSON.
 */

/** Spark stamps its application id on driver and executor pods with this label. */
export const SPARK_APP_LABEL = "spark-app-selector";
import type { PolicyDocument } from "../shared/iam";
import { resourcesValue, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
/** S3 key part used for records from pods that are not part of a Spark application. */
export const NO_APP = "no-app";
/** Tag prefix records carry after the rewrite_tag filter: applog.<namespace>.<app>. */
export const APP_LOG_TAG = "applog";
/** Name of the YuniKorn parser in custom_parsers.conf. */
export const YUNIKORN_PARSER = "yunikorn_zap_console";
/**
 * YuniKorn's zap console layout: time, LEVEL, logger, caller, message, optional JSON fields, each
 * tab-separated. Written in the Onigmo syntax Fluent Bit uses, which is also valid JavaScript (tested).
 */
export const YUNIKORN_LOG_REGEX =
    "^(?<time>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(?:Z|[+-]\\d{4}))\\t(?<level>[A-Z]+)\\t(?<logger>[^\\t]+)\\t(?<caller>[^\\t]+)\\t(?<message>[^\\t]*)(?:\\t(?<fields>\\{.*\\}))?$";
/** rewrite_tag rule 1: a Spark pod's application id (no dots or slashes, so it is one tag part). */
export const SPARK_APP_ID_REGEX = "^([A-Za-z0-9_-]+)$";
/** rewrite_tag rule 2: any namespace name (DNS-1123 label). */
export const NAMESPACE_REGEX = "^([a-z0-9-]+)$";

/** The CloudWatch Logs group container logs go to. */
export function containerLogGroupName(baseName: string): string {
    return `/moka/${baseName}/containers`;
}

/** Tail tag match for one namespace's container files (pod names never contain "_"). */
export function namespaceTagMatch(namespace: string): string {
    return `kube.var.log.containers.*_${namespace}_*`;
}

/** Renders one classic-mode config section with aligned keys. Repeated keys (Rule) are allowed. */
export function renderSection(name: string, entries: ReadonlyArray<readonly [string, string | number]>): string {
    const width = Math.max(...entries.map(([k]) => k.length));
    const lines = entries.map(([k, v]) => `    ${k.padEnd(width)} ${v}`);
    return `[${name}]\n${lines.join("\n")}\n`;
}

export interface FluentBitPipelineInput {
    readonly region: string;
    /** Team (= team namespace) → its bucket name. */
    readonly teamBuckets: Readonly<Record<string, string>>;
    /** Prefix inside each team bucket, without leading or trailing "/". */
    readonly containerLogPrefix: string;
    readonly logGroupName: string;
    readonly yunikornNamespace: string;
}

export interface FluentBitPipeline {
    readonly inputs: string;
    readonly filters: string;
    readonly outputs: string;
    readonly customParsers: string;
}

/** The S3 object key format in a team bucket: `/<prefix>/<app>/<date>/<time>-<uuid>.json.gz` ($TAG[2] is the app). */
export function s3KeyFormat(containerLogPrefix: string): string {
    return `/${containerLogPrefix}/$TAG[2]/%Y/%m/%d/%H%M%S-$UUID.json.gz`;
}

/** The whole Fluent Bit pipeline as classic config sections (the chart's config.inputs/filters/outputs). */
export function fluentBitPipeline(p: FluentBitPipelineInput): FluentBitPipeline {
    const inputs = renderSection("INPUT", [
        ["Name", "tail"],
        ["Path", "/var/log/containers/*.log"],
        ["multiline.parser", "docker, cri"],
        ["Tag", "kube.*"],
        ["DB", "/var/log/flb_kube.db"],
        ["DB.locking", "true"],
        ["Mem_Buf_Limit", "50MB"],
        ["Skip_Long_Lines", "On"],
        ["Refresh_Interval", 10],
    ]);

    const filters = [
        // YuniKorn first, while the raw line is still in `log`.
        renderSection("FILTER", [
            ["Name", "parser"],
            ["Match", namespaceTagMatch(p.yunikornNamespace)],
            ["Key_Name", "log"],
            ["Parser", YUNIKORN_PARSER],
            ["Reserve_Data", "On"],
        ]),
        renderSection("FILTER", [
            ["Name", "kubernetes"],
            ["Match", "kube.*"],
            ["Merge_Log", "On"],
            ["Keep_Log", "Off"],
            ["Labels", "On"],
            ["Annotations", "Off"],
            ["K8S-Logging.Parser", "On"],
            ["K8S-Logging.Exclude", "On"],
            // Spark driver pods carry large specs; 0 lifts the 32k metadata response limit.
            ["Buffer_Size", "0"],
        ]),
        renderSection("FILTER", [
            ["Name", "rewrite_tag"],
            ["Match", "kube.*"],
            ["Rule", `$kubernetes['labels']['${SPARK_APP_LABEL}'] ${SPARK_APP_ID_REGEX} ${APP_LOG_TAG}.$kubernetes['namespace_name'].$1 false`],
            ["Rule", `$kubernetes['namespace_name'] ${NAMESPACE_REGEX} ${APP_LOG_TAG}.$1.${NO_APP} false`],
            ["Emitter_Name", "applog_emitter"],
            ["Emitter_Mem_Buf_Limit", "50M"],
        ]),
    ].join("\n");

    const outputs = [
        ...Object.entries(p.teamBuckets).map(([team, bucket]) => renderSection("OUTPUT", [
            ["Name", "s3"],
            ["Match", `${APP_LOG_TAG}.${team}.*`],
            ["region", p.region],
            ["bucket", bucket],
            ["s3_key_format", s3KeyFormat(p.containerLogPrefix)],
            ["s3_key_format_tag_delimiters", "."],
            ["use_put_object", "On"],
            ["compression", "gzip"],
            ["total_file_size", "50M"],
            ["upload_timeout", "10m"],
            ["store_dir", `/tmp/fluent-bit/s3/${team}`],
            ["json_date_key", "date"],
            ["json_date_format", "iso8601"],
        ])),
        // Records the kubernetes filter could not enrich keep their kube.* tag; they still reach CloudWatch.
        renderSection("OUTPUT", [
            ["Name", "cloudwatch_logs"],
            ["Match_Regex", `^(${APP_LOG_TAG}|kube)\\..*`],
            ["region", p.region],
            ["log_group_name", p.logGroupName],
            ["log_stream_template", "$kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']"],
            ["log_stream_prefix", "unenriched."],
            ["auto_create_group", "false"],
        ]),
    ].join("\n");

    const customParsers = renderSection("PARSER", [
        ["Name", YUNIKORN_PARSER],
        ["Format", "regex"],
        ["Regex", YUNIKORN_LOG_REGEX],
        ["Time_Key", "time"],
        ["Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z"],
        ["Time_Keep", "On"],
        ["Decode_Field_As", "json fields"],
    ]);

    return { inputs, filters, outputs, customParsers };
}

export interface FluentBitValuesInput extends FluentBitPipelineInput {
    readonly imageRepository: string;
    readonly imageTag: string;
    readonly serviceAccountName: string;
}

/**
 * Values for the fluent-bit chart. Every key exists in fluent/helm-charts charts/fluent-bit/values.yaml
 * at tag fluent-bit-0.58.1 (see DEFAULTS in components/observability/fluent-bit.ts).
 */
export function fluentBitValues(v: FluentBitValuesInput): Record<string, unknown> {
    const pipeline = fluentBitPipeline(v);
    return {
        kind: "DaemonSet",
        image: { repository: v.imageRepository, tag: v.imageTag },
        // The chart's connection test pod uses busybox:latest; never ship an unpinned image.
        testFramework: { enabled: false },
        serviceAccount: { create: true, name: v.serviceAccountName },
        rbac: { create: true },
        // Log shipping must survive node pressure, and must run on every node whatever its taints.
        priorityClassName: "system-node-critical",
        tolerations: [{ operator: "Exists" }],
        // Root is needed to read the root-owned 0640 files under /var/log/pods; nothing else is granted.
        securityContext: {
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
        resources: resourcesValue(SYSTEM_RESOURCES.fluentBit),
        // out_s3 buffers to store_dir; the root filesystem is read-only.
        extraVolumes: [{ name: "s3-buffer", emptyDir: { sizeLimit: "2Gi" } }],
        extraVolumeMounts: [{ name: "s3-buffer", mountPath: "/tmp/fluent-bit" }],
        config: {
            inputs: pipeline.inputs,
            filters: pipeline.filters,
            outputs: pipeline.outputs,
            customParsers: pipeline.customParsers,
        },
    };
}

export interface FluentBitPolicyInput {
    /** ARN pattern of every team bucket (storage/plan.ts teamBucketArnPattern). */
    readonly teamBucketArnPattern: string;
    /** The stack's account: the pattern may only match its own buckets. */
    readonly accountId: string;
    readonly containerLogPrefix: string;
    readonly kmsKeyArn: string;
    readonly logGroupArn: string;
    readonly region: string;
}

/**
 * Fluent Bit's permissions: write objects under the container-log prefix of the team buckets only (one ARN
 * pattern for all teams keeps the inline policy far below IAM's 10,240-character limit at any team count,
 * pinned to the stack's account with s3:ResourceAccount, the S3 condition key for the bucket owner's account
 * (AWS What's New 2020-12-21, "New IAM condition keys for Amazon S3")), use the storage key only through S3
 * (bucket-default SSE-KMS needs GenerateDataKey on PutObject), and write streams of the one log group.
 * `<group ARN>:*` covers the group's `:log-stream:<name>` ARNs and the `:*` form CloudWatch Logs evaluates
 * for group-level actions; group names cannot contain ":", so it reaches no other group.
 */
export function fluentBitPolicy(p: FluentBitPolicyInput): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PutContainerLogObjects",
                Effect: "Allow",
                Action: ["s3:PutObject"],
                Resource: `${p.teamBucketArnPattern}/${p.containerLogPrefix}/*`,
                Condition: { StringEquals: { "s3:ResourceAccount": p.accountId } },
            },
            {
                Sid: "EncryptWithStorageKeyViaS3",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Encrypt"],
                Resource: p.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${p.region}.amazonaws.com` } },
            },
            {
                Sid: "WriteContainerLogStreams",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [p.logGroupArn, `${p.logGroupArn}:*`],
            },
        ],
    };
}

/** Problems with a container-log prefix, or undefined when it is usable in an S3 key and an IAM ARN. */
export function containerLogPrefixProblem(prefix: string): string | undefined {
    if (prefix.length === 0) {
        return "must not be empty";
    }
    if (prefix.startsWith("/") || prefix.endsWith("/")) {
        return "must not start or end with '/'";
    }
    if (/[*?$\s]/.test(prefix)) {
        return "must not contain wildcards, '$' or whitespace";
    }
    if (prefix.split("/").some((p) => p === "" || p === "." || p === "..")) {
        return "must not contain empty, '.' or '..' segments";
    }
    return undefined;
}
