import { strict as assert } from "assert";
import { UNKNOWN } from "../../helpers/policy";
import { podNoHostAccess, podNoPrivilegedContainers } from "../../../policies/security/rules/pods";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, WORKLOADS } from "./support";
import { esmImport } from "../../helpers/esm";

// Workload fixtures are validated against the upstream Kubernetes schemas (kubernetes-models is ESM-only).
const MODELS: Record<string, string> = {
    Pod: "kubernetes-models/v1/Pod",
    Deployment: "kubernetes-models/apps/v1/Deployment",
    StatefulSet: "kubernetes-models/apps/v1/StatefulSet",
    DaemonSet: "kubernetes-models/apps/v1/DaemonSet",
    Job: "kubernetes-models/batch/v1/Job",
    CronJob: "kubernetes-models/batch/v1/CronJob",
};

describe("security: pod-security rules", () => {
    it("workload fixtures are valid Kubernetes objects", async () => {
        for (const w of WORKLOADS) {
            const path = MODELS[w.kind];
            if (path) {
                const Model = (await esmImport(path))[w.kind];
                new Model(w.make("analytics").props).validate();
            }
        }
    });

    for (const w of WORKLOADS) {
        describe(w.kind, () => {
            it("passes the hardened fixture", async () => {
                await expectClean(podNoPrivilegedContainers, w.make("analytics"));
                await expectClean(podNoHostAccess, w.make("analytics"));
            });
            it("flags a privileged container", async () => {
                const r = mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext = { privileged: true }));
                await expectViolation(podNoPrivilegedContainers, r, /in namespace "analytics" runs privileged containers/);
            });
            it("flags allowPrivilegeEscalation: true", async () => {
                const r = mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.allowPrivilegeEscalation = true));
                await expectViolation(podNoPrivilegedContainers, r, /allowPrivilegeEscalation: true/);
            });
            for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
                it(`flags ${field}: true`, async () => {
                    const r = mutate(w.make("analytics"), (d) => (w.pod(d.props)[field] = true));
                    await expectViolation(podNoHostAccess, r, new RegExp(`${field}: true`));
                });
            }
            it("flags a hostPath volume", async () => {
                const r = mutate(w.make("analytics"), (d) => w.volumesHolder(d.props).volumes.push({ name: "varlog", hostPath: { path: "/var/log" } }));
                await expectViolation(podNoHostAccess, r, /hostPath volume "varlog" → \/var\/log/);
            });
            it("exempts the system namespaces (observability hosts fluent-bit)", async () => {
                for (const ns of ["kube-system", "karpenter", "observability"]) {
                    const r = mutate(w.make(ns), (d) => {
                        w.pod(d.props).hostNetwork = true;
                        w.volumesHolder(d.props).volumes.push({ name: "varlog", hostPath: { path: "/var/log" } });
                        w.main(d.props).securityContext = { privileged: true };
                    });
                    await expectClean(podNoHostAccess, r);
                    await expectClean(podNoPrivilegedContainers, r);
                }
            });
        });
    }

    it("treats a missing namespace as default (not exempt)", async () => {
        const dep = WORKLOADS.find((w) => w.kind === "Deployment")!;
        const r = mutate(dep.make("x"), (d) => { delete d.props.metadata.namespace; d.props.spec.template.spec.hostPID = true; });
        await expectViolation(podNoHostAccess, r, /namespace "default"/);
    });

    it("honours a systemNamespaces config and falls back on a malformed one", async () => {
        const dep = WORKLOADS.find((w) => w.kind === "DaemonSet")!;
        const r = mutate(dep.make("logging"), (d) => (d.props.spec.template.spec.hostNetwork = true));
        await expectClean(podNoHostAccess, r, { systemNamespaces: ["logging"] });
        await expectViolation(podNoHostAccess, r, /hostNetwork/, { config: { systemNamespaces: "logging" } });
        await expectViolation(podNoHostAccess, mutate(r, (d) => (d.props.metadata.namespace = "observability")), /hostNetwork/, { config: { systemNamespaces: ["logging"] } });
    });

    it("checks init containers and Spark executors", async () => {
        const job = WORKLOADS.find((w) => w.kind === "Job")!;
        const r = mutate(job.make("analytics"), (d) => (d.props.spec.template.spec.initContainers = [{ name: "setup", image: "x:1", securityContext: { privileged: true } }]));
        await expectViolation(podNoPrivilegedContainers, r, /spec\.template\.spec:setup/);
        const spark = WORKLOADS.find((w) => w.kind === "SparkApplication")!;
        const s = mutate(spark.make("analytics"), (d) => (d.props.spec.executor.hostNetwork = true));
        await expectViolation(podNoHostAccess, s, /hostNetwork: true \(spec\.executor\)/);
    });

    it("ignores false values, odd shapes and non-workloads", async () => {
        const pod = WORKLOADS[0];
        await expectClean(podNoHostAccess, mutate(pod.make("analytics"), (d) => Object.assign(d.props.spec, { hostNetwork: false, hostPID: "false", volumes: [null, "x", { name: "v", hostPath: null }] })));
        await expectClean(podNoPrivilegedContainers, mutate(pod.make("analytics"), (d) => (d.props.spec.containers = [{ name: "a", securityContext: "weird" }, 7])));
        await expectClean(podNoHostAccess, { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "x" }, data: { hostNetwork: "true" } } });
    });

    it("turns unknown values into advisories", async () => {
        const pod = WORKLOADS[0];
        await expectUnknownAdvisory(podNoHostAccess, mutate(pod.make("analytics"), (d) => (d.props.spec.hostNetwork = UNKNOWN)));
        await expectUnknownAdvisory(podNoPrivilegedContainers, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.privileged = UNKNOWN)));
        await expectUnknownAdvisory(podNoHostAccess, mutate(pod.make("analytics"), (d) => (d.props.metadata.namespace = UNKNOWN)));
    });

    it("reports a privileged and an escalating container as two diagnostics", async () => {
        const pod = WORKLOADS[0];
        const r = mutate(pod.make("analytics"), (d) => d.props.spec.containers.push({ name: "b", image: "x:1", securityContext: { privileged: true, allowPrivilegeEscalation: true } }));
        const vs = await expectViolation(podNoPrivilegedContainers, r, /spec:b/, { count: 2 });
        assert.equal(new Set(vs.map((v) => v.message)).size, 2);
    });
});
