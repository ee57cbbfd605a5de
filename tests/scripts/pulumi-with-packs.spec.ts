import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// A CommonJS script (it runs without ts-node): loaded with require.
const { pulumiArgs, PACKS } = require("../../scripts/pulumi-with-packs.js");
const ROOT = path.resolve(__dirname, "../..");

describe("npm run preview / up (real CLI path)", () => {
    it("always passes the four packs with the stack's config files, in matching order", () => {
        const args: string[] = pulumiArgs("preview", ["--stack", "prod", "--diff"]);
        assert.deepEqual(args, [
            "preview", "--stack", "prod",
            "--policy-pack", "policies/security", "--policy-pack-config", "policies/config/prod/security.json",
            "--policy-pack", "policies/cost", "--policy-pack-config", "policies/config/prod/cost.json",
            "--policy-pack", "policies/isolation", "--policy-pack-config", "policies/config/prod/isolation.json",
            "--policy-pack", "policies/deployability", "--policy-pack-config", "policies/config/prod/deployability.json",
            "--diff",
        ]);
        assert.deepEqual(PACKS, ["security", "cost", "isolation", "deployability"]);
    });

    it("accepts a fully qualified stack name and --stack=", () => {
        const args: string[] = pulumiArgs("up", ["--stack=acme/moka/dev", "--yes"]);
        assert.equal(args[0], "up");
        assert.equal(args[2], "acme/moka/dev");
        assert.ok(args.includes("policies/config/dev/cost.json"));
        assert.equal(args[args.length - 1], "--yes");
    });

    it("refuses to run without a stack, with an unknown stack, or with packs overridden", () => {
        assert.throws(() => pulumiArgs("up", []), /--stack <name> is required/);
        assert.throws(() => pulumiArgs("up", ["--stack", "qa"]), /no Pulumi.qa.yaml/);
        assert.throws(() => pulumiArgs("preview", ["--stack", "prod", "--policy-pack", "x"]), /set by this script/);
        assert.throws(() => pulumiArgs("destroy", ["--stack", "prod"]), /preview or up/);
    });

    it("every stack file has a policy config per pack", () => {
        for (const f of fs.readdirSync(ROOT).filter((x) => /^Pulumi\.[^.]+\.yaml$/.test(x))) {
            const stack = f.split(".")[1];
            for (const pack of PACKS) {
                const file = path.join(ROOT, "policies", "config", stack, `${pack}.json`);
                assert.ok(fs.existsSync(file), `missing ${path.relative(ROOT, file)}`);
                JSON.parse(fs.readFileSync(file, "utf8"));
            }
        }
    });

    it("execs the CLI with those arguments (fake pulumi on PULUMI_BIN)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
        const log = path.join(dir, "args.json");
        const fake = path.join(dir, "pulumi");
        fs.writeFileSync(fake, `#!/usr/bin/env node\nrequire("fs").writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)));\n`);
        fs.chmodSync(fake, 0o755);
        const res = spawnSync(process.execPath, ["scripts/pulumi-with-packs.js", "up", "--stack", "dev", "--yes"], { cwd: ROOT, env: { ...process.env, PULUMI_BIN: fake }, encoding: "utf8" });
        assert.equal(res.status, 0, res.stderr);
        const argv = JSON.parse(fs.readFileSync(log, "utf8"));
        assert.equal(argv.filter((a: string) => a === "--policy-pack").length, 4);
        assert.equal(argv.filter((a: string) => a === "--policy-pack-config").length, 4);
        assert.equal(res.stdout, "", "nothing on stdout but the CLI's own output");
    });

    it("explains a missing CLI with exit code 127", () => {
        const res = spawnSync(process.execPath, ["scripts/pulumi-with-packs.js", "preview", "--stack", "prod"], { cwd: ROOT, env: { ...process.env, PULUMI_BIN: "/nonexistent/pulumi" }, encoding: "utf8" });
        assert.equal(res.status, 127);
        assert.match(res.stderr, /Pulumi CLI is not installed/);
    });
});
