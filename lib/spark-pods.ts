/**
 * The pods a SparkApplication turns into, as far as container resources go: the driver and executors
 * Spark 4.x builds from what the Spark Operator passes to spark-submit, and the placeholder pods YuniKorn
 * creates for gang scheduling. Pure; used to test a team namespace's LimitRange and ResourceQuota against
 * the pods that will really meet them (lib/admission).
 *
 * Spark Operator v2.5.2 (kubeflow/spark-operator, internal/controller/sparkapplication/submission.go):
 * `sparkConf` is passed first, then the driver/executor fields, so they win: `cores` → spark.{driver,executor}.cores,
 * `coreRequest` → spark.kubernetes.{driver,executor}.request.cores, `coreLimit` → spark.kubernetes.{driver,executor}.limit.cores,
 * `memory`, `memoryOverhead`, executor `instances`, and `memoryOverheadFactor` → spark.kubernetes.memoryOverheadFactor.
 * Its mutating webhook (internal/webhook/sparkpod_defaulter.go `addMemoryLimit`) replaces the memory limit
 * with `memoryLimit` when set.
 *
 * Spark 4.x (apache/spark resource-managers/kubernetes/core, BasicDriverFeatureStep / BasicExecutorFeatureStep,
 * and ResourceProfile.getResourcesForClusterManager for executors):
 *  - cpu request = request.cores, else cores (default 1); a cpu LIMIT only when limit.cores is set;
 *  - memory request = memory LIMIT = memory + overhead (+ executor pyspark memory and off-heap size), in MiB,
 *    overhead = memoryOverhead, else max(⌊factor × memory⌋, minMemoryOverhead (default 384 MiB, 4.0+)), factor =
 *    spark.{driver,executor}.memoryOverheadFactor, else spark.kubernetes.memoryOverheadFactor, else 0.1 (0.4 for
 *    Python/R apps; the driver hands its factor to the executors).
 *
 * YuniKorn gang scheduling: with `batchScheduler: yunikorn` the operator (internal/scheduler/yunikorn/scheduler.go,
 * resourceusage/) annotates the driver with task groups — the driver (1 member) and, when the initial executor count
 * is above 0, the executors (that many members) — whose minResource is cpu = coreRequest else cores else 1 and
 * memory = (memory + (memoryOverhead else max(memory × factor, 384 MiB))) floored to MiB, from the SPEC fields only
 * (factor: spec.memoryOverheadFactor, else 0.1 for Java/Scala, 0.4 otherwise). YuniKorn's shim (apache/yunikorn-k8shim
 * v1.9.0 pkg/cache/placeholder.go) creates one placeholder pod per member with requests = limits = minResource.
 */
import type { AdmissionPod } from "./admission";

/** The driver/executor fields of a SparkApplication (sparkoperator.k8s.io/v1beta2 SparkPodSpec) that size its pods. */
export interface SparkPodSizing {
    readonly cores?: number;
    readonly coreRequest?: string;
    readonly coreLimit?: string;
    readonly memory?: string;
    readonly memoryOverhead?: string;
    readonly memoryLimit?: string;
    readonly instances?: number;
}

/** The parts of a SparkApplication spec that decide its pods' resources. */
export interface SparkApplicationSizing {
    readonly type?: string;
    readonly batchScheduler?: string;
    readonly memoryOverheadFactor?: string;
    readonly sparkConf?: Readonly<Record<string, string>>;
    readonly dynamicAllocation?: { readonly enabled?: boolean; readonly initialExecutors?: number; readonly minExecutors?: number };
    readonly driver: SparkPodSizing;
    readonly executor: SparkPodSizing;
}

type Role = "driver" | "executor";

const JAVA_UNITS: Readonly<Record<string, number>> = { b: 1 / 2 ** 20, k: 1 / 1024, kb: 1 / 1024, m: 1, mb: 1, g: 1024, gb: 1024, t: 2 ** 20, tb: 2 ** 20, p: 2 ** 30, pb: 2 ** 30 };
const MIN_OVERHEAD_MIB = 384;

/** A JVM memory string ("2g", "512m", "1024"; no unit = MiB, as Spark's memory keys read it) in whole MiB. */
export function javaMemoryMiB(s: string): number {
    const m = /^(\d+)([a-z]+)?$/.exec(s.trim().toLowerCase());
    const unit = m ? JAVA_UNITS[m[2] ?? "m"] : undefined;
    if (!m || unit === undefined) {
        throw new Error(`"${s}" is not a JVM memory size such as 512m or 4g`);
    }
    return Math.floor(Number(m[1]) * unit);
}

function nonJvm(app: SparkApplicationSizing): boolean {
    return app.type === "Python" || app.type === "R";
}

/** The Spark properties spark-submit ends up with: sparkConf, then the operator's conversions of the spec fields. */
export function effectiveSparkConf(app: SparkApplicationSizing): Record<string, string> {
    const conf: Record<string, string> = { ...(app.sparkConf ?? {}) };
    const set = (key: string, v: string | number | undefined) => {
        if (v !== undefined) {
            conf[key] = String(v);
        }
    };
    set("spark.kubernetes.memoryOverheadFactor", app.memoryOverheadFactor);
    for (const role of ["driver", "executor"] as const) {
        const p = app[role];
        set(`spark.${role}.cores`, p.cores);
        set(`spark.kubernetes.${role}.request.cores`, p.coreRequest);
        set(`spark.kubernetes.${role}.limit.cores`, p.coreLimit);
        set(`spark.${role}.memory`, p.memory);
        set(`spark.${role}.memoryOverhead`, p.memoryOverhead);
    }
    set("spark.executor.instances", app.executor.instances);
    return conf;
}

/** The Spark container's requests and limits for a role, as Spark 4.x sets them (then the operator's memoryLimit). */
export function sparkContainerResources(app: SparkApplicationSizing, role: Role): { requests: Record<string, string>; limits: Record<string, string> } {
    const conf = effectiveSparkConf(app);
    const cores = conf[`spark.${role}.cores`] ?? "1";
    const memory = javaMemoryMiB(conf[`spark.${role}.memory`] ?? "1g");
    const baseFactor = conf["spark.kubernetes.memoryOverheadFactor"] ?? (nonJvm(app) ? "0.4" : "0.1");
    const factor = Number(conf[`spark.${role}.memoryOverheadFactor`] ?? baseFactor);
    const minOverhead = javaMemoryMiB(conf[`spark.${role}.minMemoryOverhead`] ?? `${MIN_OVERHEAD_MIB}m`);
    const explicit = conf[`spark.${role}.memoryOverhead`];
    const overhead = explicit !== undefined ? javaMemoryMiB(explicit) : Math.max(Math.floor(factor * memory), minOverhead);
    let total = memory + overhead;
    if (role === "executor") {
        const pyspark = conf["spark.executor.pyspark.memory"];
        total += app.type === "Python" && pyspark !== undefined ? javaMemoryMiB(pyspark) : 0;
        total += conf["spark.memory.offHeap.enabled"] === "true" ? javaMemoryMiB(conf["spark.memory.offHeap.size"] ?? "0") : 0;
    }
    const mem = `${total}Mi`;
    const cpuLimit = conf[`spark.kubernetes.${role}.limit.cores`];
    const memoryLimit = app[role].memoryLimit;
    return {
        requests: { cpu: conf[`spark.kubernetes.${role}.request.cores`] ?? cores, memory: mem },
        limits: { memory: memoryLimit !== undefined ? `${javaMemoryMiB(memoryLimit)}Mi` : mem, ...(cpuLimit !== undefined ? { cpu: cpuLimit } : {}) },
    };
}

/** The operator's initial executor count (pkg/util GetInitialExecutorNumber): the YuniKorn executor task group's size. */
export function initialExecutors(app: SparkApplicationSizing): number {
    const d = app.dynamicAllocation;
    if (d?.enabled) {
        return Math.max(0, app.executor.instances ?? 0, d.initialExecutors ?? 0, d.minExecutors ?? 0);
    }
    return app.executor.instances ?? 2;
}

/** The driver pod and the initial executor pods. */
export function sparkPods(app: SparkApplicationSizing): AdmissionPod[] {
    const pod = (name: string, role: Role): AdmissionPod => ({ name, containers: [{ name: `spark-kubernetes-${role}`, resources: sparkContainerResources(app, role) }] });
    return [pod("driver", "driver"), ...Array.from({ length: initialExecutors(app) }, (_, i) => pod(`exec-${i + 1}`, "executor"))];
}

/** A task group's minResource, from the spec fields only (the operator's resourceusage package). */
export function taskGroupMinResource(app: SparkApplicationSizing, role: Role): { cpu: string; memory: string } {
    const p = app[role];
    const factor = app.memoryOverheadFactor !== undefined ? Number(app.memoryOverheadFactor) : (app.type === "Java" || app.type === "Scala" ? 0.1 : 0.4);
    const memBytes = p.memory !== undefined ? javaMemoryMiB(p.memory) * 2 ** 20 : 0;
    const overheadBytes = p.memoryOverhead !== undefined ? javaMemoryMiB(p.memoryOverhead) * 2 ** 20 : Math.max(memBytes * factor, MIN_OVERHEAD_MIB * 2 ** 20);
    let bytes = memBytes + overheadBytes;
    if (role === "executor") {
        const conf = app.sparkConf ?? {};
        bytes += app.type === "Python" && conf["spark.executor.pyspark.memory"] !== undefined ? javaMemoryMiB(conf["spark.executor.pyspark.memory"]) * 2 ** 20 : 0;
        bytes += conf["spark.memory.offHeap.enabled"] !== undefined && conf["spark.memory.offHeap.enabled"] !== "false" && conf["spark.memory.offHeap.size"] !== undefined
            ? javaMemoryMiB(conf["spark.memory.offHeap.size"]) * 2 ** 20 : 0;
    }
    return { cpu: p.coreRequest ?? String(p.cores ?? 1), memory: `${Math.floor(bytes / 2 ** 20)}Mi` };
}

/** YuniKorn's placeholder pods for the app (none unless it is scheduled by YuniKorn): requests = limits = minResource. */
export function yunikornPlaceholderPods(app: SparkApplicationSizing): AdmissionPod[] {
    if (app.batchScheduler !== "yunikorn") {
        return [];
    }
    const placeholder = (name: string, role: Role): AdmissionPod => {
        const min = taskGroupMinResource(app, role);
        return { name, containers: [{ name: "pause", resources: { requests: min, limits: min } }] };
    };
    const executors = initialExecutors(app);
    return [placeholder("tg-spark-driver-0", "driver"), ...Array.from({ length: executors }, (_, i) => placeholder(`tg-spark-executor-${i}`, "executor"))];
}
