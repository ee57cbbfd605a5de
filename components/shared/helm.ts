/**
 * One way to install a platform chart: pinned chart + version (+ repository), into an existing
 * namespace, rolled back automatically when an install or upgrade fails (`atomic`, `cleanupOnFail`),
 * with a bounded history. Chart coordinates live in each component's DEFAULTS object.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ChartCoordinates {
    /** Helm release name. */
    readonly releaseName: string;
    /** Chart name, or a full `oci://` reference. */
    readonly chart: string;
    /** Exact chart version (never a range). */
    readonly version: string;
    /** Chart repository URL; absent for `oci://` charts. */
    readonly repo?: string;
}

/** Settings every platform release shares. */
export const RELEASE_SETTINGS = { createNamespace: false, atomic: true, cleanupOnFail: true, timeout: 600, maxHistory: 5 } as const;

export function platformRelease(
    name: string,
    chart: ChartCoordinates,
    namespace: pulumi.Input<string>,
    values: pulumi.Input<Record<string, unknown>>,
    opts: pulumi.CustomResourceOptions,
    extra: Partial<k8s.helm.v3.ReleaseArgs> = {},
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(name, {
        name: chart.releaseName,
        chart: chart.chart,
        version: chart.version,
        ...(chart.repo !== undefined ? { repositoryOpts: { repo: chart.repo } } : {}),
        namespace,
        ...RELEASE_SETTINGS,
        values,
        ...extra,
    }, opts);
}
