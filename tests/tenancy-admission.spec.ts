/**
 * Every team namespace of the prod and dev stacks admits the pods that will really be created in it,
 * computed with lib/admission (the API server's defaulting, LimitRanger, validation and ResourceQuota
 * steps, cited there) from the LimitRange and ResourceQuota the program registers:
 *  - the template's SparkApplication (examples/team-spark-job/app.ts on top of the contract's
 *    sparkApplicationDefaults): the driver and executors Spark 4.x builds, and the YuniKorn placeholders
 *    the Spark Operator's task groups make YuniKorn create (lib/spark-pods.ts), all alive at once
 *    (the worst moment of a gang-scheduled start);
 *  - the contract's defaults with no sizes at all (Spark's own defaults);
 *  - a plain Deployment container that sets no resources.
 * And the LimitRange the platform shipped before (a cpu max without a default cpu limit) refuses the driver,
 * so the check can fail.
 */
import { strict as assert } from "assert";
import { admitInOrder, admitPod, type LimitRangeItemSpec, type NamespaceLimits } from "../lib/admission";
import { sparkPods, type SparkApplicationSizing, yunikornPlaceholderPods } from "../lib/spark-pods";
import { parseConfigMap } from "../config";
import { type TeamContract, withPlatformDefaults } from "../contract";
import { sparkPiSpec } from "../examples/team-spark-job/app";
import { type MockRunResult, readStackConfig } from "../preview/mocks";
import { runStack } from "./helpers/stack";

function namespaceLimits(run: MockRunResult, namespace: string): NamespaceLimits {
    const inNs = (type: string) => run.resources.filter((r) => r.type === type && r.inputs.metadata?.namespace === namespace);
    const limitRanges = inNs("kubernetes:core/v1:LimitRange");
    const quotas = inNs("kubernetes:core/v1:ResourceQuota");
    assert.equal(limitRanges.length, 1, `${namespace}: one LimitRange`);
    assert.equal(quotas.length, 1, `${namespace}: one ResourceQuota`);
    return {
        limitRanges: limitRanges.map((l) => l.inputs.spec.limits as LimitRangeItemSpec[]),
        quotas: quotas.map((q) => ({ name: q.inputs.metadata.name as string, hard: q.inputs.spec.hard as Record<string, string> })),
    };
}

for (const stack of ["prod", "dev"]) {
    describe(`team namespaces admit the pods Spark and YuniKorn create (${stack})`, function () {
        this.timeout(120_000);
        const cfg = parseConfigMap(readStackConfig(stack));
        let run: MockRunResult;

        before(async () => {
            run = await runStack(stack);
        });

        for (const team of cfg.teams) {
            describe(team.name, () => {
                const contract = () => (run.outputs.teams as Record<string, TeamContract>)[team.name];
                const templateApp = () => withPlatformDefaults(contract().sparkApplicationDefaults, sparkPiSpec({ image: run.outputs.sparkImage as string, sparkVersion: run.outputs.sparkVersion as string, dataUri: contract().dataUri })) as unknown as SparkApplicationSizing;

                it("the template's SparkApplication: driver, both executors and the YuniKorn placeholders, all at once", () => {
                    const app = templateApp();
                    assert.equal(app.batchScheduler, "yunikorn", "gang scheduling: the operator writes task groups, YuniKorn creates placeholders");
                    const pods = [...sparkPods(app), ...yunikornPlaceholderPods(app)];
                    assert.deepEqual(pods.map((p) => p.name), ["driver", "exec-1", "exec-2", "tg-spark-driver-0", "tg-spark-executor-0", "tg-spark-executor-1"]);
                    const results = admitInOrder(pods, namespaceLimits(run, team.namespace));
                    assert.deepEqual(results.map((r) => r.errors), pods.map(() => []));
                    // What the pods look like once admitted: Spark's own sizes; the LimitRange adds nothing to them.
                    assert.deepEqual(results[0].pod.containers[0].resources, { requests: { cpu: "1", memory: "2432Mi" }, limits: { memory: "2432Mi" } });
                    assert.deepEqual(results[1].pod.containers[0].resources, { requests: { cpu: "2", memory: "4505Mi" }, limits: { memory: "4505Mi" } });
                    assert.deepEqual(results[3].pod.containers[0].resources, { requests: { cpu: "1", memory: "2432Mi" }, limits: { cpu: "1", memory: "2432Mi" } });
                    // Quota usage at that moment (milli-units): twice (driver 1 cpu / 2432Mi + 2 × 2 cpu / 4505Mi); only the placeholders carry a cpu limit.
                    const memory = 2 * (2432 + 2 * 4505) * 2 ** 20 * 1000;
                    assert.deepEqual(results.at(-1)!.used, { pods: 6000, cpu: 10000, "requests.cpu": 10000, memory, "requests.memory": memory, "limits.memory": memory, "limits.cpu": 5000 });
                });

                it("the contract's defaults with no sizes (Spark's 1 core / 1g) are admitted too", () => {
                    const app = withPlatformDefaults(contract().sparkApplicationDefaults, { type: "Scala", mode: "cluster" }) as unknown as SparkApplicationSizing;
                    const pods = [...sparkPods(app), ...yunikornPlaceholderPods(app)];
                    assert.deepEqual(admitInOrder(pods, namespaceLimits(run, team.namespace)).flatMap((r) => r.errors), []);
                });

                it("a plain Deployment container without resources gets the LimitRange defaults and is admitted", () => {
                    const r = admitPod({ name: "web", containers: [{ name: "web" }] }, namespaceLimits(run, team.namespace));
                    assert.deepEqual(r.errors, []);
                    assert.deepEqual(r.pod.containers[0].resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } });
                });

                it("the LimitRange as shipped before (max.cpu, no default cpu limit) would refuse the driver: the check has teeth", () => {
                    const ns = namespaceLimits(run, team.namespace);
                    const old = { ...ns, limitRanges: ns.limitRanges.map((items) => items.map((i) => ({ ...i, max: { cpu: "32", ...i.max } }))) };
                    const [driver] = sparkPods(templateApp());
                    assert.deepEqual(admitPod(driver, old).errors, ["spark-kubernetes-driver: maximum cpu usage per Container is 32.  No limit is specified."]);
                });
            });
        }
    });
}
