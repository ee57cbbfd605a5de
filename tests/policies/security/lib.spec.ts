/** Table tests for the shared policy helpers this pack introduced (policies/lib/{iam,aws,tags,registries,known}.ts). */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { ecrRegistryHost, parseArn, parseEcrHost, providerAllowedAccountIds, providerRegion } from "../../../policies/lib/aws";
import {
    actionMatches,
    grantsAction,
    grantsWildcardAction,
    hasPrincipalScopingCondition,
    hasWildcardResource,
    isPublicPrincipal,
    isWildcardAction,
    parsePolicyDocument,
} from "../../../policies/lib/iam";
import { containsUnknown, isUnknownValue, peek, peekPath, rawProps, UnknownTracker } from "../../../policies/lib/known";
import { imageName, matchesRegistryPrefix, mutableTagProblem, normaliseRegistryPrefix, parseImageRef } from "../../../policies/lib/registries";
import { asTagMap, effectiveTags, missingTags, providerDefaultTags } from "../../../policies/lib/tags";
import { UNKNOWN } from "../../helpers/policy";

// The proxy @pulumi/policy wraps props in (internal API, not in its .d.ts): the real thing the packs meet.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy: (v: unknown) => unknown;
    UnknownValueError: new (...args: unknown[]) => Error;
};

describe("policies/lib (security helpers)", () => {
    describe("iam.parsePolicyDocument", () => {
        it("normalises strings/objects, single/array statements and values", () => {
            const obj = { Version: "2012-10-17", Statement: { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Principal: "*" } };
            for (const input of [obj, JSON.stringify(obj), ` ${JSON.stringify(obj)} `]) {
                const d = parsePolicyDocument(input)!;
                assert.equal(d.version, "2012-10-17");
                assert.equal(d.statements.length, 1);
                const s = d.statements[0];
                assert.deepEqual([s.sid, s.effect, s.actions, s.resources, s.principal?.wildcard], ["A", "Allow", ["s3:GetObject"], ["arn:aws:s3:::b/*"], true]);
                assert.equal(s.notActions, undefined);
            }
        });
        it("returns undefined for non-documents and skips junk statements", () => {
            for (const v of [undefined, null, "", "nope", 3, [1, 2], true]) {
                assert.equal(parsePolicyDocument(v), undefined, String(v));
            }
            assert.deepEqual(parsePolicyDocument({ Statement: [null, "x", { Effect: "Deny" }] })!.statements.map((s) => s.index), [2]);
            assert.deepEqual(parsePolicyDocument({})!.statements, []);
        });
        it("parses principals and conditions", () => {
            const d = parsePolicyDocument({
                Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::1:root", "*"], Service: "x" }, Action: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1", n: 5 } } }],
            })!;
            const s = d.statements[0];
            assert.equal(s.principal!.wildcard, true);
            assert.deepEqual(s.principal!.values.Service, ["x"]);
            assert.deepEqual(s.conditions.StringEquals, { "aws:PrincipalOrgID": ["o-1"], n: ["5"] });
            assert.equal(hasPrincipalScopingCondition(s), true);
            assert.equal(isPublicPrincipal(s), true);
        });
        const actionTable: [string, boolean][] = [["*", true], ["*:*", true], ["s3:*", true], ["IAM:*", true], ["s3:Get*", false], ["s3:GetObject", false], ["", false]];
        for (const [a, expected] of actionTable) {
            it(`isWildcardAction(${JSON.stringify(a)}) = ${expected}`, () => assert.equal(isWildcardAction(a), expected));
        }
        it("matches IAM globs case-insensitively", () => {
            assert.ok(actionMatches("sts:AssumeRole*", "sts:AssumeRoleWithWebIdentity"));
            assert.ok(actionMatches("STS:assumerolewithwebidentity", "sts:AssumeRoleWithWebIdentity"));
            assert.ok(actionMatches("sts:AssumeRoleWith?ebIdentity", "sts:AssumeRoleWithWebIdentity"));
            assert.ok(!actionMatches("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"));
            assert.ok(!actionMatches("s3.Get", "s3xGet"));
        });
        it("handles NotAction / NotResource", () => {
            const [s] = parsePolicyDocument({ Statement: { Effect: "Allow", NotAction: ["iam:*"], NotResource: "arn:x" } })!.statements;
            assert.ok(grantsWildcardAction(s) && hasWildcardResource(s));
            assert.ok(grantsAction(s, "s3:GetObject"));
            assert.ok(!grantsAction(s, "iam:CreateUser"));
        });
    });

    describe("aws", () => {
        it("parses ARNs and ECR hosts", () => {
            assert.deepEqual(parseArn("arn:aws:ecr:us-west-2:111111111111:repository/a/b"), { partition: "aws", service: "ecr", region: "us-west-2", account: "111111111111", resource: "repository/a/b" });
            assert.equal(parseArn("nope"), undefined);
            assert.deepEqual(parseEcrHost("111111111111.dkr.ecr.us-west-2.amazonaws.com"), { account: "111111111111", region: "us-west-2" });
            assert.deepEqual(parseEcrHost("111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn"), { account: "111111111111", region: "cn-north-1" });
            assert.equal(parseEcrHost("public.ecr.aws"), undefined);
            assert.equal(parseEcrHost("11111111111.dkr.ecr.us-west-2.amazonaws.com"), undefined);
            assert.equal(ecrRegistryHost("1", "cn-north-1"), "1.dkr.ecr.cn-north-1.amazonaws.com.cn");
        });
        it("reads provider region and allowedAccountIds in engine (JSON string) and program forms", () => {
            assert.equal(providerRegion({ region: " us-west-2 " }), "us-west-2");
            assert.equal(providerRegion({ region: "" }), undefined);
            for (const v of ['["011111111111","222222222222"]', ["011111111111", "222222222222"], "011111111111, 222222222222"]) {
                assert.deepEqual(providerAllowedAccountIds({ allowedAccountIds: v }), ["011111111111", "222222222222"]);
            }
            assert.deepEqual(providerAllowedAccountIds({ allowedAccountIds: 5 }), []);
        });
    });

    describe("tags", () => {
        it("merges tagsAll, provider defaultTags (JSON string or object) and own tags", () => {
            const provider = { defaultTags: JSON.stringify({ tags: { team: "platform", env: "prod" } }) };
            assert.deepEqual(providerDefaultTags(provider), { team: "platform", env: "prod" });
            assert.deepEqual(providerDefaultTags({ defaultTags: { tags: { a: "1" } } }), { a: "1" });
            assert.deepEqual(providerDefaultTags({ defaultTags: [{ tags: { a: "1" } }] }), { a: "1" });
            assert.deepEqual(providerDefaultTags({ defaultTags: "garbage" }), {});
            assert.deepEqual(effectiveTags({ tags: { env: "dev", n: 3, bad: {} }, tagsAll: { old: "x" } }, provider), { old: "x", team: "platform", env: "dev", n: "3" });
            assert.deepEqual(effectiveTags(null), {});
            assert.deepEqual(asTagMap([{ key: "a", value: "b" }, { Key: "c", Value: 1 }, null]), { a: "b", c: "1" });
            assert.deepEqual(missingTags({ a: "1", b: " " }, ["a", "b", "c"]), ["b", "c"]);
        });
    });

    describe("registries", () => {
        const table: [string, string, string, string | undefined, boolean][] = [
            ["nginx", "docker.io", "library/nginx", undefined, false],
            ["nginx:1.27", "docker.io", "library/nginx", "1.27", false],
            ["bitnami/spark:3.5", "docker.io", "bitnami/spark", "3.5", false],
            ["docker.io/nginx:1", "docker.io", "library/nginx", "1", true],
            ["index.docker.io/library/nginx", "docker.io", "library/nginx", undefined, true],
            ["localhost:5000/app", "localhost:5000", "app", undefined, true],
            ["Quay.io/jetstack/cert-manager:v1.16.2", "quay.io", "jetstack/cert-manager", "v1.16.2", true],
            ["111111111111.dkr.ecr.us-west-2.amazonaws.com/moka/app:1.0", "111111111111.dkr.ecr.us-west-2.amazonaws.com", "moka/app", "1.0", true],
        ];
        for (const [raw, registry, repository, tag, explicit] of table) {
            it(`parses ${raw}`, () => {
                const r = parseImageRef(raw)!;
                assert.deepEqual([r.registry, r.repository, r.tag, r.explicitRegistry], [registry, repository, tag, explicit]);
            });
        }
        it("recognises digests and mutable tags", () => {
            const d = parseImageRef(`app@sha256:${"a".repeat(64)}`)!;
            assert.equal(d.digest, `sha256:${"a".repeat(64)}`);
            assert.equal(mutableTagProblem(d), undefined);
            assert.equal(mutableTagProblem(parseImageRef("app")!), "untagged");
            assert.equal(mutableTagProblem(parseImageRef("app:LATEST")!), "latest");
            assert.equal(mutableTagProblem(parseImageRef("app:1")!), undefined);
            for (const v of [undefined, "", "  ", "a b", 3]) {
                assert.equal(parseImageRef(v), undefined);
            }
        });
        it("matches prefixes on path boundaries only", () => {
            const r = parseImageRef("quay.io/jetstack/cert-manager:v1")!;
            assert.equal(imageName(r), "quay.io/jetstack/cert-manager");
            assert.ok(matchesRegistryPrefix(r, "quay.io"));
            assert.ok(matchesRegistryPrefix(r, "https://QUAY.io/jetstack/"));
            assert.ok(!matchesRegistryPrefix(r, "quay.io/jet"));
            assert.ok(!matchesRegistryPrefix(r, ""));
            assert.ok(!matchesRegistryPrefix(parseImageRef("docker.io.evil.example/x")!, "docker.io"));
            assert.equal(normaliseRegistryPrefix("registry-1.docker.io/bitnami"), "docker.io/bitnami");
        });
        it("never throws on arbitrary strings", () => {
            fc.assert(fc.property(fc.string(), (s) => {
                const r = parseImageRef(s);
                return r === undefined || (typeof r.registry === "string" && typeof r.repository === "string");
            }));
        });
    });

    describe("known", () => {
        it("peeks through the unknown-checking proxy without throwing, then rethrows genuinely", () => {
            const props = unknownCheckingProxy({ a: UNKNOWN, b: { c: [1, UNKNOWN] }, d: "x" }) as Record<string, unknown>;
            assert.throws(() => props.a, UnknownValueError);
            assert.ok(isUnknownValue(peek(props, "a")));
            assert.equal(peekPath(props, "b", "c", 0), 1);
            assert.ok(isUnknownValue(peekPath(props, "b", "c", 1)));
            assert.ok(isUnknownValue(peekPath(props, "a", "deeper")));
            assert.equal(peek(props, "missing"), undefined);
            assert.equal(peek("str", "length"), undefined);
            const raw = rawProps(props);
            assert.ok(containsUnknown(raw.b));
            assert.ok(!containsUnknown(raw.d));
            const t = new UnknownTracker();
            t.rethrow();
            t.note(props, "d");
            t.rethrow(); // known value: no throw
            t.note(props, "b");
            assert.equal(t.size, 2);
            assert.throws(() => t.rethrow(), (e: unknown) => e instanceof UnknownValueError && /b\.c\.1/.test((e as Error).message));
        });
    });
});
