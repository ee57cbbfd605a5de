/**
 * The README's one-off Karpenter CRD adoption commands ("Notes for a first pulumi up"), run against a fake
 * kubectl: a cluster that ran Karpenter before 1.14 has no capacitybuffers CRD (before 1.7 no nodeoverlays
 * either: aws/karpenter-provider-aws charts/karpenter-crd/templates at v1.6.0, v1.7.0, v1.13.0, v1.14.0), and
 * a real `kubectl label crd <missing>` fails. The commands must label and annotate exactly the CRDs that exist.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The karpenter-crd 1.14.1 chart's CRDs (charts/karpenter-crd/templates at v1.14.1). */
const CHART_CRDS = [
    "capacitybuffers.autoscaling.x-k8s.io", "ec2nodeclasses.karpenter.k8s.aws", "nodeclaims.karpenter.sh", "nodeoverlays.karpenter.sh", "nodepools.karpenter.sh",
];

function adoptionScript(): string {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes("meta.helm.sh/release-name=karpenter-crd"));
    assert.equal(blocks.length, 1, "one adoption block in the README");
    return blocks[0].split("\n").map((l) => l.replace(/^ {2}/, "")).join("\n");
}

/** Runs the block with a kubectl that knows `installed` and fails (exit 1, like kubectl) on any other CRD. */
function runWith(installed: readonly string[]): { status: number | null; calls: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moka-kubectl-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(dir, "kubectl"), [
        "#!/bin/sh",
        `echo "$*" >> "${log}"`,
        `case " ${installed.join(" ")} " in *" $3 "*) exit 0;; esac`,
        `echo "Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io \\"$3\\" not found" >&2`,
        "exit 1",
    ].join("\n"), { mode: 0o755 });
    const r = spawnSync("bash", ["-e", "-c", adoptionScript()], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8" });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, calls };
}

const labelled = (calls: string[]) => calls.filter((c) => c.startsWith("label crd ")).map((c) => c.split(" ")[2]).sort();

describe("README: adopting Karpenter's CRDs into the karpenter-crd release", () => {
    it("names every CRD of the karpenter-crd chart", () => {
        for (const crd of CHART_CRDS) {
            assert.ok(adoptionScript().includes(crd), crd);
        }
    });

    it("a cluster with all five: labels and annotates each for the karpenter-crd release", () => {
        const { status, calls } = runWith(CHART_CRDS);
        assert.equal(status, 0);
        assert.deepEqual(labelled(calls), CHART_CRDS);
        assert.equal(calls.filter((c) => c.startsWith("annotate crd ") && c.includes("meta.helm.sh/release-name=karpenter-crd meta.helm.sh/release-namespace=karpenter")).length, 5);
    });

    it("a cluster from before Karpenter 1.14 (no capacitybuffers) or 1.7 (no nodeoverlays): skips the missing ones, still succeeds", () => {
        const pre114 = CHART_CRDS.filter((c) => !c.startsWith("capacitybuffers"));
        assert.deepEqual(labelled(runWith(pre114).calls), pre114);
        const pre17 = pre114.filter((c) => !c.startsWith("nodeoverlays"));
        const r = runWith(pre17);
        assert.equal(r.status, 0);
        assert.deepEqual(labelled(r.calls), pre17);
    });
});
