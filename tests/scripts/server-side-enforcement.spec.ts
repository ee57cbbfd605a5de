/**
 * README "Guardrails for app teams", server-side enforcement (Pulumi Cloud):
 * - the publish loop names every pack under policies/ (a directory with PulumiPolicy.yaml + package.json,
 *   what `npm run pack:guardrails` stages), and the enable loops cover every environment under
 *   policies/config/ with that environment's config for each pack, in a policy group of its own;
 * - `acme/moka-$pack` is each pack's published name (the PolicyPack name the CLI reports);
 * - why one group per environment: the dev stack with prod's policy configs draws mandatory violations,
 *   with its own none (the offline preview, the same packs and rules).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../preview/mocks";
import { loadPacks, runPreview } from "../../preview/run";

const PACK_DIRS = fs.readdirSync(path.join(PROJECT_ROOT, "policies"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && ["PulumiPolicy.yaml", "package.json"].every((f) => fs.existsSync(path.join(PROJECT_ROOT, "policies", e.name, f))))
    .map((e) => e.name).sort();
const ENVIRONMENTS = fs.readdirSync(path.join(PROJECT_ROOT, "policies", "config"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

function serverSideSection(): string {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("**Server-side enforcement (Pulumi Cloud)**");
    assert.ok(start > 0, "README lacks the server-side enforcement paragraph");
    const end = readme.indexOf("\n## ", start);
    return readme.slice(start, end);
}

/** The word list of `for <name> in <words>; do` in the text (each loop once). */
function loopWords(text: string, name: string): string[][] {
    return [...text.matchAll(new RegExp(`^\\s*for ${name} in ([^;\\n]+); do$`, "gm"))].map((m) => m[1].trim().split(/\s+/));
}

describe("README: server-side enforcement stays in step with the packs and environments", () => {
    const s = serverSideSection();

    it("discovery finds the packs and environments the loops must cover (at least these)", () => {
        assert.deepEqual(["cost", "deployability", "isolation", "security"].filter((p) => !PACK_DIRS.includes(p)), []);
        assert.deepEqual(["dev", "prod"].filter((e) => !ENVIRONMENTS.includes(e)), []);
    });

    it("the publish loop publishes every pack's staged directory", () => {
        const loops = loopWords(s, "pack");
        assert.equal(loops.length, 2, "one publish loop, one enable loop");
        assert.deepEqual([...loops[0]].sort(), PACK_DIRS);
        assert.match(s, /\(cd build\/guardrails\/publish\/\$pack && pulumi policy publish acme\)/);
    });

    it("the enable loop: every environment, every pack, in that environment's policy group with that environment's config", () => {
        assert.deepEqual(loopWords(s, "env").map((w) => [...w].sort()), [ENVIRONMENTS]);
        assert.deepEqual([...loopWords(s, "pack")[1]].sort(), PACK_DIRS);
        assert.match(s, /pulumi policy enable acme\/moka-\$pack latest --policy-group \$env --config policies\/config\/\$env\/\$pack\.json/);
        for (const env of ENVIRONMENTS) {
            for (const pack of PACK_DIRS) {
                assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "policies", "config", env, `${pack}.json`)), `policies/config/${env}/${pack}.json`);
            }
        }
        assert.doesNotMatch(s, /--policy-group app-teams/, "no single group for every stack");
    });

    it("acme/moka-$pack is each pack's published name", () => {
        assert.deepEqual(loadPacks().map((p) => p.name).sort(), PACK_DIRS.map((d) => `moka-${d}`));
    });

    it("why one group per environment: dev with prod's policy configs is refused, with its own it passes", async function () {
        this.timeout(120_000);
        const prodConfigs = PACK_DIRS.map((p) => path.join(PROJECT_ROOT, "policies", "config", "prod", `${p}.json`));
        const withProd = await runPreview({ stack: "dev", policyConfigFiles: prodConfigs });
        const withOwn = await runPreview({ stack: "dev" });
        assert.equal(withOwn.mandatoryCount, 0);
        assert.ok(withProd.mandatoryCount > 0);
        const count = /the dev stack draws (\d+) mandatory violations/.exec(s.replace(/\s+/g, " "));
        assert.ok(count, "README states the count");
        assert.equal(Number(count[1]), withProd.mandatoryCount, "README's count is the real one");
    });
});
