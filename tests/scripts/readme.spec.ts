import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policyTables } from "../../scripts/policy-table";
import { CONFIG_KEYS } from "../../config";
import { CONTRACT_OUTPUT_KEYS } from "../../contract";

const ROOT = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README stays truthful", () => {
    it("the policy reference matches the pack definitions (regenerate with scripts/policy-table.ts)", () => {
        const start = readme.indexOf("<!-- POLICY-TABLE:START -->\n") + "<!-- POLICY-TABLE:START -->\n".length;
        const end = readme.indexOf("\n<!-- POLICY-TABLE:END -->");
        assert.ok(start > 30 && end > start);
        assert.equal(readme.slice(start, end), policyTables().trim());
    });

    it("documents every moka:* config key", () => {
        for (const key of CONFIG_KEYS) {
            assert.ok(readme.includes(`\`moka:${key}`), `README config reference lacks moka:${key}`);
        }
    });

    it("documents every contract output", () => {
        for (const key of CONTRACT_OUTPUT_KEYS) {
            assert.ok(readme.includes(`| \`${key}\` |`), `README contract table lacks ${key}`);
        }
    });

    it("quick start: one command installs and runs the offline preview, one runs the tests; CI calls the test command", () => {
        assert.match(readme, /npm ci && npm start/);
        assert.match(readme, /\nnpm test /);
        const ci = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
        assert.match(ci, /\nnpm test\n/);
        assert.match(ci, /npm ci/);
        assert.ok(ci.indexOf("\nnpm run lint\n") > 0 && ci.indexOf("\nnpm run lint\n") < ci.indexOf("\nnpm test\n"), "CI lints before testing");
    });
});
