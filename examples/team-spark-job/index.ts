/**
 * An app team's Pulumi program on the Moka platform: one SparkApplication in the team's namespace.
 *
 * Everything platform-specific comes from the platform stack through the contract (@moka/contract): the
 * kubeconfig, the team's namespace, queue, buckets and the spot-safe SparkApplication defaults, and the
 * platform's Spark image pinned by digest with its Spark release (contract 2.1.0). It runs as the team's CI
 * role (moka:teams[].access.ci), which the platform gives edit rights in the team namespace plus
 * create/update/delete on SparkApplications there.
 *
 *   pulumi config set platformStack acme/moka/prod
 *   pulumi config set team ads-ranking
 *   pulumi preview --policy-pack node_modules/@moka/guardrails/security ...   (see README.md)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformReference, withPlatformDefaults } from "@moka/contract";
import { APP_NAME, imageTagProblem, sparkPiSpec } from "./app";

/** This project's config namespace (Pulumi.yaml `name`). */
const PROJECT = "team-spark-job";

export = async () => {
    const config = new pulumi.Config(PROJECT);
    const platformStack = config.require("platformStack");
    const teamName = config.require("team");
    // Optional: another tag of the platform's "spark" repository (same Spark release); by default the platform's own image.
    const imageTag = config.get("imageTag");
    const problem = imageTag === undefined ? undefined : imageTagProblem(imageTag);
    if (problem) {
        throw new Error(`${PROJECT}:${problem}`);
    }

    const platform = new PlatformReference(platformStack);
    const team = platform.team(teamName);
    const provider = new k8s.Provider("platform", { kubeconfig: platform.kubeconfig });

    const image = imageTag === undefined ? platform.sparkImage : pulumi.interpolate`${platform.imageRepository("spark")}:${imageTag}`;
    const spec = pulumi.all([team.sparkApplicationDefaults, team.dataUri, image, platform.sparkVersion])
        .apply(([defaults, dataUri, img, sparkVersion]) => withPlatformDefaults(defaults, sparkPiSpec({ image: img, sparkVersion, dataUri })));

    const app = new k8s.apiextensions.CustomResource(APP_NAME, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: APP_NAME, namespace: team.namespace, labels: { "app.kubernetes.io/name": APP_NAME } },
        spec,
    }, { provider });

    return {
        appName: app.metadata.name,
        namespace: team.namespace,
        queue: team.queue,
        eventLogUri: team.eventLogUri,
        historyServerUrl: team.historyServerUrl,
    };
};
