/**
 * Pure builders for the per-team Spark History Servers: the read-only IAM document, the Spark
 * properties, and the Kubernetes objects. components/spark/history-server.ts turns them into resources.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { LABEL_DOMAIN, LABELS, NAMESPACES, SPARK_UID, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS, teamKubernetesGroup, TEAM_ACCESS_LEVELS } from "../../lib/platform";
import type { PolicyDocument } from "../shared/iam";
import { POD_IDENTITY_CREDENTIALS_PROVIDER, S3A_FILESYSTEM } from "../shared/spark-conf";
import { platformNamespaceLabels } from "../shared/namespaces";
import { NAMESPACE_NAME_LABEL } from "../tenancy/network-policies";

export const HISTORY_SERVER_PORT = 18080;
export const HISTORY_CONF_DIR = "/etc/spark/conf";

/** A team's History Server ServiceAccount (`history-<team>`); its Pod Identity association gives it the team's read-only role. */
export function historyServiceAccountName(team: string): string {
    return historyServerName(team);
}

/**
 * The IAM role of a team's History Server: `<baseName>-spark-history-<team>`. The name carries the namespace
 * the role is associated in (spark-history) as well as the team it serves, which is how the isolation pack's
 * tenant-service-accounts-own-namespace rule tells a platform role serving a team from another team's role.
 */
export function historyRoleName(baseName: string, team: string): string {
    return `${baseName}-spark-history-${team}`;
}

export interface HistoryServerPolicyInputs {
    /** `arn:aws:s3:::<bucket>` of the team's bucket. */
    readonly bucketArn: string;
    /** Event-log prefix in the bucket, no slashes at either end. */
    readonly eventLogPrefix: string;
    /** ARN of the KMS key the bucket is encrypted with. */
    readonly kmsKeyArn: string;
    readonly region: string;
}

/**
 * One team's History Server: read only that team's event logs. `s3:ListBucket` on the team's bucket without
 * a prefix condition, because the server's first call is getFileStatus on the log directory, a HEAD on the
 * directory key that S3 answers 404 (then S3A lists `<prefix>/` and finds the marker) only to a caller with
 * ListBucket on the bucket; with a prefix-conditioned grant the HEAD answers 403 and S3A throws
 * AccessDeniedException (hadoop-aws S3AFileSystem.s3GetFileStatus, branch-3.4). The bucket is the team's
 * own, so the listing shows no other team's keys. GetObject only under `<prefix>/`, Decrypt only through S3.
 * No write, no delete (the History Server cleaner stays off; S3 lifecycle expires old logs).
 */
export function historyServerPolicy(p: HistoryServerPolicyInputs): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListTeamBucket",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: p.bucketArn,
            },
            {
                Sid: "ReadEventLogs",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: [`${p.bucketArn}/${p.eventLogPrefix}`, `${p.bucketArn}/${p.eventLogPrefix}/*`],
            },
            {
                Sid: "DecryptEventLogsViaS3",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: p.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${p.region}.amazonaws.com` } },
            },
        ],
    };
}

export interface HistoryServerConfInputs {
    /** The team's bucket. */
    readonly bucket: string;
    readonly eventLogPrefix: string;
    readonly region: string;
}

/** `s3a://<bucket>/<eventLogPrefix>/`: the one directory a team's History Server lists. */
export function teamEventLogDirectory(bucket: string, eventLogPrefix: string): string {
    return `s3a://${bucket}/${eventLogPrefix}/`;
}

/** Spark properties of one team's History Server (spark-defaults.conf). */
export function historyServerSparkConf(c: HistoryServerConfInputs): Record<string, string> {
    return {
        "spark.history.fs.logDirectory": teamEventLogDirectory(c.bucket, c.eventLogPrefix),
        "spark.history.ui.port": String(HISTORY_SERVER_PORT),
        "spark.history.fs.update.interval": "30s",
        // Read-only role: never try to delete. Retention is the bucket's lifecycle rule.
        "spark.history.fs.cleaner.enabled": "false",
        "spark.history.retainedApplications": "50",
        "spark.hadoop.fs.s3a.impl": S3A_FILESYSTEM,
        "spark.hadoop.fs.s3a.aws.credentials.provider": POD_IDENTITY_CREDENTIALS_PROVIDER,
        "spark.hadoop.fs.s3a.endpoint.region": c.region,
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "true",
    };
}

export function sha256(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** Kubernetes name of a team's Deployment, Service: `history-<team>`. */
export function historyServerName(team: string): string {
    return `history-${team}`;
}

/** In-cluster URL of a team's History Server. */
export function historyServerUrl(team: string): string {
    return `http://${historyServerName(team)}.${NAMESPACES.historyServer}.svc.cluster.local:${HISTORY_SERVER_PORT}`;
}

/** The labels a team's History Server pods carry and its Service selects on (team NetworkPolicies select them verbatim). */
export function historyServerSelector(team: string): Record<string, string> {
    return selectorLabels(team);
}

function selectorLabels(team: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": "spark-history-server",
        "app.kubernetes.io/instance": historyServerName(team),
    };
}

function objectLabels(team: string): Record<string, string> {
    return { ...selectorLabels(team), [LABELS.team]: team, [LABELS.managedBy]: "pulumi" };
}

export function historyServerNamespace(): k8s.types.input.core.v1.Namespace {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: NAMESPACES.historyServer,
            labels: platformNamespaceLabels("restricted"),
        },
    };
}

export function historyServiceAccount(team: string): k8s.types.input.core.v1.ServiceAccount {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: historyServiceAccountName(team), namespace: NAMESPACES.historyServer, labels: objectLabels(team) },
    };
}

/**
 * What a team's people may do in the History Server namespace: port-forward to their History Server
 * (`kubectl -n spark-history port-forward svc/history-<team> 18080`). kubectl reads the Service (limited
 * here to the team's own by name), lists pods to find one behind it, then creates `pods/portforward`.
 * RBAC cannot name the Deployment's generated pod names, so the port-forward right covers every pod in the
 * namespace: UI-level separation between teams is not enforced by RBAC (the event logs are, by IAM).
 */
export function historyUiAccessRules(team: string) {
    return [
        { apiGroups: [""], resources: ["services"], resourceNames: [historyServerName(team)], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
    ];
}

/** The team's groups (both access levels) that the UI-access RoleBinding names. */
export function historyUiAccessSubjects(team: string) {
    return TEAM_ACCESS_LEVELS.map((level) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: teamKubernetesGroup(team, level) }));
}

export function historyServerConfigMap(team: string, sparkDefaults: pulumi.Input<string>): k8s.types.input.core.v1.ConfigMap {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${historyServerName(team)}-conf`, namespace: NAMESPACES.historyServer, labels: objectLabels(team) },
        data: { "spark-defaults.conf": sparkDefaults },
    };
}

export interface HistoryServerDeploymentInputs {
    readonly team: string;
    /** The platform Spark image (with hadoop-aws), pinned by tag or digest. */
    readonly image: pulumi.Input<string>;
    /** sha256 of spark-defaults.conf, so a config change rolls the pod. */
    readonly configHash: pulumi.Input<string>;
}

export function historyServerDeployment(d: HistoryServerDeploymentInputs): k8s.types.input.apps.v1.Deployment {
    const name = historyServerName(d.team);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: NAMESPACES.historyServer, labels: objectLabels(d.team) },
        spec: {
            replicas: SYSTEM_REPLICAS.historyServer,
            revisionHistoryLimit: 3,
            selector: { matchLabels: selectorLabels(d.team) },
            template: {
                metadata: {
                    labels: objectLabels(d.team),
                    annotations: { [`${LABEL_DOMAIN}/config-sha256`]: d.configHash },
                },
                spec: {
                    serviceAccountName: historyServiceAccountName(d.team),
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: SPARK_UID,
                        runAsGroup: SPARK_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    nodeSelector: { ...SYSTEM_NODE_LABEL },
                    tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
                    containers: [{
                        name: "history-server",
                        image: d.image,
                        command: ["/opt/spark/bin/spark-class"],
                        args: ["org.apache.spark.deploy.history.HistoryServer", "--properties-file", `${HISTORY_CONF_DIR}/spark-defaults.conf`],
                        env: [
                            { name: "SPARK_CONF_DIR", value: HISTORY_CONF_DIR },
                            // Heap of the History Server JVM (spark-class reads SPARK_DAEMON_MEMORY for HistoryServer).
                            { name: "SPARK_DAEMON_MEMORY", value: "1g" },
                        ],
                        ports: [{ name: "http", containerPort: HISTORY_SERVER_PORT, protocol: "TCP" }],
                        readinessProbe: { httpGet: { path: "/", port: "http" }, initialDelaySeconds: 15, periodSeconds: 10 },
                        livenessProbe: { httpGet: { path: "/", port: "http" }, initialDelaySeconds: 90, periodSeconds: 20, failureThreshold: 6 },
                        resources: resourcesValue(SYSTEM_RESOURCES.historyServer),
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            privileged: false,
                            readOnlyRootFilesystem: true,
                            runAsNonRoot: true,
                            capabilities: { drop: ["ALL"] },
                        },
                        volumeMounts: [
                            { name: "conf", mountPath: HISTORY_CONF_DIR, readOnly: true },
                            // JVM perf data, Jetty work dirs and the S3A buffer dir live under /tmp.
                            { name: "tmp", mountPath: "/tmp" },
                        ],
                    }],
                    volumes: [
                        { name: "conf", configMap: { name: `${name}-conf` } },
                        { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
                    ],
                },
            },
        },
    };
}

export function historyServerService(team: string): k8s.types.input.core.v1.Service {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: historyServerName(team), namespace: NAMESPACES.historyServer, labels: objectLabels(team) },
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(team),
            ports: [{ name: "http", port: HISTORY_SERVER_PORT, targetPort: "http", protocol: "TCP" }],
        },
    };
}

/** Name of the spark-history namespace's default-deny ingress NetworkPolicy. */
export const HISTORY_DEFAULT_DENY_INGRESS = "default-deny-ingress";

/**
 * Ingress to the spark-history namespace is denied by default (every pod selected, no rule), so a team's
 * pods reach only their own History Server: {@link historyServerIngressPolicy} lets one team namespace in.
 * Nothing else on the platform calls the History Servers (the collector scrapes no History Server; the UI is
 * reached by `kubectl port-forward`, which the kubelet delivers inside the pod's network namespace, beyond
 * NetworkPolicy). The kubelet's own probes from the node stay allowed: the VPC CNI network policy agent
 * always admits the node IP (aws/aws-network-policy-agent #56, PR #65).
 */
export function historyDefaultDenyIngress(): k8s.types.input.networking.v1.NetworkPolicy {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: HISTORY_DEFAULT_DENY_INGRESS, namespace: NAMESPACES.historyServer, labels: { [LABELS.managedBy]: "pulumi" } },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
    };
}

/**
 * A team's History Server admits only pods of that team's namespace, on its UI port. The peer is the
 * namespace (by its `kubernetes.io/metadata.name` label), not a pod selector: any pod of the team may
 * browse its own History Server, no pod of another team's namespace can (the team's egress policy,
 * components/tenancy/network-policies.ts, already allows this destination on 18080).
 */
export function historyServerIngressPolicy(team: string, teamNamespace: string = team): k8s.types.input.networking.v1.NetworkPolicy {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${historyServerName(team)}-ingress`, namespace: NAMESPACES.historyServer, labels: objectLabels(team) },
        spec: {
            podSelector: { matchLabels: selectorLabels(team) },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: teamNamespace } } }],
                ports: [{ protocol: "TCP", port: HISTORY_SERVER_PORT }],
            }],
        },
    };
}
