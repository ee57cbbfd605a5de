/**
 * URN stability. tests/stack/baseline/<stack>-urns.json hold the URNs prod and dev registered before the
 * architecture change (recorded on main). A reshaping of the code must not move a single resource: a URN
 * that changes is a delete + create in `pulumi up` (for a protected bucket or key, a failed update).
 *
 * If a rename is ever intended, the renamed resource needs `aliases` pointing at its old URN and this
 * baseline must be updated in the same change; type tokens are never renamed (CONVENTIONS §3).
 *
 * Deliberate changes since the refactor baseline:
 * - app teams (contract 2.0.0): per stack, a bucket per team, the S3 access-log bucket and access logging
 *   on every other bucket, team EKS access entries + namespace-scoped policy associations, team group
 *   Roles/RoleBindings, OTLP and History Server egress NetworkPolicies, and per-team History Server
 *   roles/policies/ServiceAccounts/Pod Identity associations/UI RBAC were ADDED (prod +79, dev +55).
 *   REMOVED (prod and dev): the shared History Server identity, replaced by the per-team one —
 *   `history-role`, `history-read-event-logs`, `history-pod-identity`, `history-service-account`; none is
 *   protected. The pre-2.0 shared buckets (`storage-spark-events`, `storage-data`, protected in prod) keep
 *   their URNs: both stacks set `moka:storage.retainLegacySharedBuckets: true` (README, storage migration).
 * - day one (issue 10): the karpenter-crd release and the Spark image build were ADDED (prod and dev), and in
 *   prod the API path to the ci-runners network: a 443 rule, the transit-gateway attachment and one route per
 *   node route table (prod +7, dev +2). Nothing moved.
 * - log-group keys (issue 12 follow-up): the VPC flow-log group and the Fluent Bit container log group each got
 *   their own rotating KMS key and alias (prod and dev +4; protected in prod). Nothing moved.
 * - Grafana (issue 14): the `moka:observability:Grafana` component and its 11 children (admin password and
 *   Secret, query role + policy + Pod Identity association, the sidecar's Role, four dashboard ConfigMaps,
 *   the chart) were ADDED to both stacks (prod +12, dev +12); nothing moved.
 * - History Server isolation (app-team review): the `spark-history` namespace's `default-deny-ingress`
 *   NetworkPolicy and one `history-<team>-ingress` NetworkPolicy per team were ADDED
 *   (`history-netpol-default-deny-ingress`, `history-<team>-netpol`; prod +4 with three teams, dev +3 with two);
 *   nothing moved.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runStack } from "../helpers/stack";

const BASELINE_DIR = path.join(__dirname, "baseline");

describe("URN stability against the pre-refactor baseline", function () {
    this.timeout(120_000);
    // Issue 10 added (no URN moved): the karpenter-crd release, the Spark image build, and in prod the API path
    // to the ci-runners network (443 rule, transit-gateway attachment, one route per node route table).
    // Then the two log-group keys and their aliases (+4 each), and Grafana with its 11 children (issue 14, +12 each),
    // then the spark-history NetworkPolicies (one default deny + one per team: prod +4, dev +3).
    for (const [stack, count] of [["prod", 308 + 7 + 4 + 12 + 4], ["dev", 252 + 2 + 4 + 12 + 3]] as const) {
        it(`${stack}: registers exactly the ${count} baseline URNs`, async () => {
            const baseline: string[] = JSON.parse(fs.readFileSync(path.join(BASELINE_DIR, `${stack}-urns.json`), "utf8"));
            assert.equal(baseline.length, count);
            const run = await runStack(stack);
            const current = run.resources.map((r) => r.urn);
            assert.equal(new Set(current).size, current.length, "no URN is registered twice");
            const now = new Set(current);
            const before = new Set(baseline);
            const moved = baseline.filter((u) => !now.has(u));
            const added = current.filter((u) => !before.has(u));
            assert.deepEqual({ moved, added }, { moved: [], added: [] },
                "URNs changed; a renamed resource needs an alias to its old URN (and the baseline updated in the same change)");
            assert.deepEqual([...current].sort(), [...baseline].sort());
        });
    }
});
