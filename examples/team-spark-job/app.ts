/**
 * The application itself, as a pure function: what this team's SparkApplication looks like on top of the
 * platform's defaults. index.ts merges it with `team.sparkApplicationDefaults` (contract `withPlatformDefaults`),
 * which already carries the team queue, the team ServiceAccount, the platform Spark properties (event logs
 * into the team bucket, S3A with Pod Identity, decommissioning) and the spot-safe pod settings (drivers
 * `karpenter.sh/do-not-disrupt` on on-demand capacity; executors with a grace period longer than the
 * decommission force-kill timeout). Keep app-specific settings here; never override those defaults.
 *
 * No `timeToLiveSeconds`: Pulumi manages this object, and the Spark Operator deleting it after a TTL would
 * leave the stack's state describing an object that is gone (the next `pulumi up` recreates it and reruns the
 * job; a `pulumi refresh` drops it). The finished SparkApplication stays until the stack changes or deletes it.
 * To run the job again, see README.md ("Running the job again").
 */

export const APP_NAME = "spark-pi";

/** Why `tag` cannot be deployed, or undefined: tags are pinned, never "latest". */
export function imageTagProblem(tag: string): string | undefined {
    return tag === "latest" || !/^[\w][\w.-]{0,127}$/.test(tag) ? `imageTag "${tag}" must be a pinned image tag (not "latest")` : undefined;
}

export interface AppInput {
    /** The Spark image: the platform's (contract `sparkImage`, pinned by digest) unless the stack overrides the tag. */
    readonly image: string;
    /** The Spark release in that image (contract `sparkVersion`): the SparkApplication's `sparkVersion` and the examples jar's name. */
    readonly sparkVersion: string;
    /** The team's data directory (contract `dataUri`, `s3a://<team bucket>/<dataPrefix>/`). */
    readonly dataUri: string;
}

/** This app's part of `SparkApplication.spec` (sparkoperator.k8s.io/v1beta2). */
export function sparkPiSpec(input: AppInput) {
    return {
        type: "Scala",
        mode: "cluster",
        sparkVersion: input.sparkVersion,
        image: input.image,
        imagePullPolicy: "IfNotPresent",
        mainClass: "org.apache.spark.examples.SparkPi",
        mainApplicationFile: `local:///opt/spark/examples/jars/spark-examples_2.13-${input.sparkVersion}.jar`,
        arguments: ["1000"],
        // Tables this app creates land in the team's own bucket.
        sparkConf: { "spark.sql.warehouse.dir": `${input.dataUri}warehouse/` },
        restartPolicy: { type: "Never" },
        driver: { cores: 1, memory: "2g" },
        executor: { instances: 2, cores: 2, memory: "4g" },
    };
}
