/**
 * Example app-team program: runs SparkPi as a SparkApplication in a team namespace of the Moka platform.
 *
 * Everything platform-specific comes from the platform stack through the contract (../../contract):
 * the kubeconfig, the team's namespace / ServiceAccount / YuniKorn queue, the Spark image repository and
 * the platform Spark properties. App teams copy contract/index.ts (it depends only on @pulumi/pulumi).
 *
 *   pulumi config set platformStack acme/moka/prod
 *   pulumi config set team ads-ranking
 *   pulumi up
 *
 * What the SparkApplication gets, and why:
 * - `serviceAccount: spark` on driver and executors: the Pod Identity association gives them the team's
 *   IAM role (S3 under the team prefix, event logs); any other ServiceAccount has no AWS access.
 * - `batchScheduler: yunikorn` + `batchSchedulerOptions.queue`: gang scheduling in the team's queue.
 * - `sparkConf` = the platform's properties for the team (event logs to the team's History Server
 *   prefix, Prometheus metrics, S3A via Pod Identity, decommissioning), and `sparkConfigMap:
 *   spark-defaults`, which mounts the same defaults and pod templates at /etc/spark/conf. The mount alone
 *   is not enough: the operator submits with --properties-file, so spark-submit ignores spark-defaults.conf.
 * - Pod and container security contexts that pass the namespace's `restricted` Pod Security level.
 * - Driver on the on-demand driver pool (toleration + node selector); executors anywhere, preferring
 *   Graviton (arm64) and falling back to x86 (amd64). The image must be multi-arch.
 * The Spark Operator's mutating webhook applies the pod fields (securityContext, tolerations, affinity),
 * so the platform runs it with the webhook enabled.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformReference } from "../../contract";

/** This project's config namespace (Pulumi.yaml `name`). */
const PROJECT = "team-spark-job";
/** Spark release of the image; SparkPi's jar path depends on it. */
const SPARK_VERSION = "4.1.2";
/** Default image tag: pinned, never "latest". */
// The platform pushes `<sparkVersion>-<revision>` (repositories are immutable; see components/images/index.ts).
const DEFAULT_IMAGE_TAG = `${SPARK_VERSION}-r2`;
const APP_NAME = "spark-pi";

/** Platform scheduling constants (mirror lib/platform.ts; part of the platform's public contract). */
const DRIVER_POOL = { labelKey: "moka.dev/spark-role", value: "driver" } as const;
const SPARK_UID = 185;

const podSecurityContext = {
    runAsNonRoot: true,
    runAsUser: SPARK_UID,
    runAsGroup: SPARK_UID,
    fsGroup: SPARK_UID,
    seccompProfile: { type: "RuntimeDefault" },
};

const containerSecurityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    runAsUser: SPARK_UID,
};

const executorAffinity = {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            preference: { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] },
        }],
    },
};

export = async () => {
    const config = new pulumi.Config(PROJECT);
    const platformStack = config.require("platformStack");
    const teamName = config.require("team");
    const imageTag = config.get("imageTag") ?? DEFAULT_IMAGE_TAG;
    if (imageTag === "latest" || !/^[\w][\w.-]{0,127}$/.test(imageTag)) {
        throw new Error(`${PROJECT}:imageTag "${imageTag}" must be a pinned image tag (not "latest")`);
    }

    const platform = new PlatformReference(platformStack);
    const team = platform.team(teamName);
    const provider = new k8s.Provider("platform", { kubeconfig: platform.kubeconfig });

    const app = new k8s.apiextensions.CustomResource(APP_NAME, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: APP_NAME, namespace: team.namespace, labels: { "app.kubernetes.io/name": APP_NAME } },
        spec: {
            type: "Scala",
            mode: "cluster",
            sparkVersion: SPARK_VERSION,
            image: pulumi.interpolate`${platform.imageRepository("spark")}:${imageTag}`,
            imagePullPolicy: "IfNotPresent",
            mainClass: "org.apache.spark.examples.SparkPi",
            mainApplicationFile: `local:///opt/spark/examples/jars/spark-examples_2.13-${SPARK_VERSION}.jar`,
            arguments: ["1000"],
            sparkConf: team.sparkConf,
            sparkConfigMap: "spark-defaults",
            batchScheduler: "yunikorn",
            batchSchedulerOptions: { queue: team.queue },
            restartPolicy: { type: "Never" },
            timeToLiveSeconds: 86400,
            driver: {
                cores: 1,
                memory: "2g",
                serviceAccount: team.serviceAccount,
                podSecurityContext,
                securityContext: containerSecurityContext,
                nodeSelector: { [DRIVER_POOL.labelKey]: DRIVER_POOL.value },
                tolerations: [{ key: DRIVER_POOL.labelKey, operator: "Equal", value: DRIVER_POOL.value, effect: "NoSchedule" }],
            },
            executor: {
                instances: 2,
                cores: 2,
                memory: "4g",
                serviceAccount: team.serviceAccount,
                podSecurityContext,
                securityContext: containerSecurityContext,
                affinity: executorAffinity,
            },
        },
    }, { provider });

    return {
        appName: app.metadata.name,
        namespace: team.namespace,
        historyServerUrl: team.historyServerUrl,
    };
};
