/** Table tests for the shared policy helpers this pack introduced (policies/lib/{iam,aws,tags,registries,known}.ts). */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { ecrRegistryHost, isAwsProviderType, isEcrPrivateHost, parseArn, parseEcrHost, providerAllowedAccountIds, providerRegion } from "../../../policies/security/lib/aws";
import { asArray, asBool, asNumber, get, isNumberValue, isStringArray, parseJsonish } from "../../../policies/lib/props";
import {
    actionMatches,
    grantsAction,
    grantsWildcardAction,
    hasWildcardResource,
    isAllow,
    isPublicPrincipal,
    isWildcardAction,
    parsePolicyDocument,
} from "../../../policies/security/lib/iam";
import { hasPrincipalScopingCondition } from "../../../policies/security/lib/iam-scope";
import { containsUnknown, isUnknownValue, peek, peekPath, rawProps, UnknownTracker } from "../../../policies/lib/known";
import { imageName, matchesRegistryPrefix, mutableTagProblem, normaliseRegistryPrefix, parseImageRef } from "../../../policies/lib/image-ref";
import { asTagMap, effectiveTags, missingTags, providerDefaultTags } from "../../../policies/lib/tags";
import { cidrContains, cidrProblem, cidrSize, cidrsOverlap, formatCidr, isAnyAddress, mustParseCidr, parseCidr, prefixMask, subnet } from "../../../lib/cidr";
import { archOfFamily, familyOf, isAcceleratedFamily, isCurrentGeneration, isGravitonFamily, parseFamily } from "../../../lib/instance-families";
import { isK8sKind, k8sType, parseK8sType } from "../../../policies/lib/k8s";
import { UNKNOWN } from "../../helpers/policy";

// The proxy @pulumi/policy wraps props in (internal API, not in its .d.ts): the real thing the packs meet.

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

// lib/cidr.ts: isAnyAddress backs sg-no-public-ingress and eks-endpoint-private; the rest is the same module's
// parsing and arithmetic, which the network rules and config validation build on.
describe("security: lib/cidr (repo-level helper)", () => {
    it("isAnyAddress recognises every spelling of 0.0.0.0/0 and ::/0, trimmed and case-insensitive, and nothing else", () => {
        for (const t of ["0.0.0.0/0", " 0.0.0.0/0 ", "::/0", "0::0/0", "0:0:0:0:0:0:0:0/0", "*"]) {
            assert.equal(isAnyAddress(t), true, t);
        }
        assert.equal(isAnyAddress("0:0:0:0:0:0:0:0/0".toUpperCase()), true);
        assert.equal(isAnyAddress("0::0/0".toUpperCase()), true);
        for (const t of ["10.0.0.0/8", "0.0.0.0/1", "::/1", "", "0.0.0.0", 0, null, undefined, ["0.0.0.0/0"]]) {
            assert.equal(isAnyAddress(t), false, String(t));
        }
    });
    it("parseCidr accepts canonical blocks and rejects bad octets, prefixes, host bits and non-strings", () => {
        assert.deepEqual(parseCidr("10.0.0.0/8"), { network: 0x0a000000, prefix: 8 });
        assert.deepEqual(parseCidr(" 192.168.1.0/24 "), { network: 0xc0a80100, prefix: 24 });
        assert.deepEqual(parseCidr("255.255.255.255/32"), { network: 0xffffffff, prefix: 32 });
        assert.deepEqual(parseCidr("0.0.0.0/0"), { network: 0, prefix: 0 });
        assert.deepEqual(parseCidr("10.1.2.3/32"), { network: 0x0a010203, prefix: 32 });
        for (const t of ["256.0.0.0/8", "10.0.0.256/32", "10.0.0.0/33", "10.0.0.1/24", "10.0.0.0", "x10.0.0.0/8", 42, undefined]) {
            assert.equal(parseCidr(t), undefined, String(t));
        }
        assert.deepEqual(mustParseCidr("172.16.0.0/12"), { network: 0xac100000, prefix: 12 });
        assert.throws(() => mustParseCidr("10.0.0.1/8"), /^Error: "10\.0\.0\.1\/8" is not a valid IPv4 CIDR \(expected a\.b\.c\.d\/n with zero host bits\)$/);
    });
    it("cidrProblem names the exact problem", () => {
        assert.equal(cidrProblem("10.0.0.0/8"), undefined);
        assert.equal(cidrProblem(" 10.0.0.0/8 "), undefined);
        assert.equal(cidrProblem(8), "must be a string in CIDR notation (a.b.c.d/n)");
        assert.equal(cidrProblem("10.0.0/8"), '"10.0.0/8" is not in CIDR notation (a.b.c.d/n)');
        assert.equal(cidrProblem("10.0.300.0/24"), '"10.0.300.0/24" has an octet above 255');
        assert.equal(cidrProblem("10.0.255.0/24"), undefined);
        assert.equal(cidrProblem("10.0.0.0/33"), '"10.0.0.0/33" has a prefix length above 32');
        assert.equal(cidrProblem("10.1.2.3/32"), undefined);
        assert.equal(cidrProblem("10.1.2.3/16"), '"10.1.2.3/16" has host bits set; use 10.1.0.0/16');
        assert.equal(cidrProblem("192.168.1.77/30"), '"192.168.1.77/30" has host bits set; use 192.168.1.76/30');
        assert.equal(cidrProblem("10.1.2.3/0"), '"10.1.2.3/0" has host bits set; use 0.0.0.0/0');
    });
    it("prefixMask, formatCidr and cidrSize", () => {
        assert.equal(prefixMask(0), 0);
        assert.equal(prefixMask(8), 0xff000000);
        assert.equal(prefixMask(32), 0xffffffff);
        assert.equal(formatCidr({ network: 0xc0a80164, prefix: 30 }), "192.168.1.100/30");
        assert.equal(cidrSize({ network: 0, prefix: 24 }), 256);
        assert.equal(cidrSize({ network: 0, prefix: 32 }), 1);
    });
    it("cidrsOverlap and cidrContains at the block edges", () => {
        const c = (t: string) => mustParseCidr(t);
        assert.equal(cidrsOverlap(c("10.0.0.0/24"), c("10.0.0.255/32")), true);
        assert.equal(cidrsOverlap(c("10.0.0.255/32"), c("10.0.0.0/24")), true);
        assert.equal(cidrsOverlap(c("10.0.0.0/24"), c("10.0.1.0/24")), false);
        assert.equal(cidrsOverlap(c("10.0.1.0/24"), c("10.0.0.0/24")), false);
        assert.equal(cidrsOverlap(c("10.0.0.0/16"), c("10.0.5.0/24")), true);
        assert.equal(cidrsOverlap(c("10.0.0.0/32"), c("10.0.0.0/32")), true);
        assert.equal(cidrContains(c("10.0.0.0/16"), c("10.0.5.0/24")), true);
        assert.equal(cidrContains(c("10.0.0.0/16"), c("10.0.0.0/16")), true);
        assert.equal(cidrContains(c("10.0.5.0/24"), c("10.0.0.0/16")), false);
        assert.equal(cidrContains(c("10.0.0.0/16"), c("10.1.0.0/24")), false);
    });
    it("subnet carves consecutive blocks and refuses what does not fit", () => {
        const vpc = mustParseCidr("10.0.0.0/16");
        assert.equal(formatCidr(subnet(vpc, 16, 0)), "10.0.0.0/16");
        assert.equal(formatCidr(subnet(vpc, 20, 0)), "10.0.0.0/20");
        assert.equal(formatCidr(subnet(vpc, 20, 3)), "10.0.48.0/20");
        assert.equal(formatCidr(subnet(vpc, 20, 15)), "10.0.240.0/20");
        assert.equal(formatCidr(subnet(vpc, 32, 65535)), "10.0.255.255/32");
        assert.throws(() => subnet(vpc, 15, 0), /^Error: cannot carve a \/15 out of 10\.0\.0\.0\/16$/);
        assert.throws(() => subnet(vpc, 33, 0), /^Error: cannot carve a \/33 out of 10\.0\.0\.0\/16$/);
        assert.throws(() => subnet(vpc, 20, 16), /^Error: 10\.0\.0\.0\/16 holds only 16 \/20 blocks; index 16 is out of range$/);
        assert.throws(() => subnet(vpc, 20, -1), /index -1 is out of range/);
    });
});

describe("security: lib/instance-families (repo-level helper)", () => {
    it("parses families trimmed and case-insensitively, and rejects non-families", () => {
        assert.deepEqual(parseFamily(" M7GD "), { series: "m", generation: 7, attributes: "gd" });
        assert.deepEqual(parseFamily("inf2"), { series: "inf", generation: 2, attributes: "" });
        assert.equal(parseFamily("m7g.xlarge"), undefined);
        assert.equal(parseFamily(7), undefined);
        assert.equal(familyOf(" M7G.2XLarge "), "m7g");
        assert.equal(familyOf("c7gn"), "c7gn");
    });
    it("classifies architecture, acceleration and generation", () => {
        assert.equal(isGravitonFamily("c7gn"), true);
        assert.equal(isGravitonFamily("m7i"), false);
        assert.equal(isGravitonFamily("m7ig"), false);
        assert.equal(isGravitonFamily("nope"), false);
        assert.equal(archOfFamily("r8g"), "arm64");
        assert.equal(archOfFamily("m5"), "amd64");
        assert.equal(archOfFamily("nope"), undefined);
        assert.equal(isAcceleratedFamily("g5g"), true);
        assert.equal(isAcceleratedFamily("m7g"), false);
        assert.equal(isCurrentGeneration("m6g"), true);
        assert.equal(isCurrentGeneration("m7i"), true);
        assert.equal(isCurrentGeneration("m5"), false);
        assert.equal(isCurrentGeneration("nope"), false);
    });
});

describe("security: policies/security/lib/iam parsing and matching details", () => {
    const json = (v: unknown) => JSON.parse(JSON.stringify(v));
    it("parses statements case-insensitively, keeps scalar values as strings, and drops null Not* blocks", () => {
        const doc = parsePolicyDocument(JSON.stringify({
            Version: "2012-10-17",
            Statement: { sid: "a", effect: "Allow", action: ["s3:GetObject", 1, true, null, {}], resource: "*", NotAction: null, NotResource: null, Principal: " * ", Condition: { StringEquals: { "aws:SourceAccount": ["1", 2] }, Bad: "x" } },
        }));
        assert.deepEqual(json(doc), {
            version: "2012-10-17",
            statements: [{ index: 0, sid: "a", effect: "Allow", actions: ["s3:GetObject", "1", "true"], resources: ["*"], principal: { wildcard: true, values: { "*": [" * "] } }, conditions: { StringEquals: { "aws:SourceAccount": ["1", "2"] } } }],
        });
        const s = doc!.statements[0];
        assert.equal(s.notActions, undefined);
        assert.equal(s.notResources, undefined);
        assert.equal(s.notPrincipal, undefined);
        const odd = parsePolicyDocument({ Statement: [{ Sid: 5, Effect: 7, Principal: { AWS: ["arn:aws:iam::1:root", " * "], Service: "ec2.amazonaws.com" } }, "junk", { Effect: "Deny", Principal: 42 }], Version: 3 })!;
        assert.equal(odd.version, undefined);
        assert.deepEqual(odd.statements.map((x) => x.index), [0, 2]);
        assert.deepEqual(json(odd.statements[0]), { index: 0, effect: "", actions: [], resources: [], principal: { wildcard: true, values: { AWS: ["arn:aws:iam::1:root", " * "], Service: ["ec2.amazonaws.com"] } }, conditions: {} });
        assert.equal(odd.statements[1].principal, undefined);
        assert.equal(parsePolicyDocument("[1]"), undefined);
        // An exact-case key wins over a differently cased duplicate.
        assert.deepEqual(parsePolicyDocument({ Statement: [{ Effect: "Allow", effect: "Deny", Action: "*" }] })!.statements[0].effect, "Allow");
        assert.equal(parsePolicyDocument({ Statement: [{ Effect: "Allow", Principal: "arn:aws:iam::1:root" }] })!.statements[0].principal!.wildcard, false);
    });
    it("matches actions with wildcards and ?, trimmed and case-insensitively; NotAction grants everything else", () => {
        assert.equal(actionMatches(" s3:Get* ", " s3:getobject "), true);
        assert.equal(actionMatches("s3:Get?bject", "s3:GetObject"), true);
        assert.equal(actionMatches("s3:Get", "s3:GetObject"), false);
        assert.equal(actionMatches("s3:GetObject", "xs3:GetObject"), false);
        assert.equal(actionMatches("s3:Get.bject", "s3:GetObject"), false);
        assert.equal(isWildcardAction(" s3:* "), true);
        assert.equal(isWildcardAction("*:*"), true);
        assert.equal(isWildcardAction("s3:*x"), false);
        assert.equal(isWildcardAction("xs3:Get*"), false);
        const st = (o: Record<string, unknown>) => parsePolicyDocument({ Statement: [{ Effect: "Allow", ...o }] })!.statements[0];
        assert.equal(grantsAction(st({ NotAction: ["iam:*"] }), "s3:GetObject"), true);
        assert.equal(grantsAction(st({ NotAction: ["iam:*", "s3:*"] }), "s3:GetObject"), false);
        assert.equal(grantsAction(st({ Action: ["iam:PassRole", "s3:GetObject"] }), "s3:GetObject"), true);
        assert.equal(grantsWildcardAction(st({ Action: ["s3:GetObject"] })), false);
        assert.equal(grantsWildcardAction(st({ NotAction: ["s3:GetObject"] })), true);
        assert.equal(hasWildcardResource(st({ Resource: ["arn:aws:s3:::b", " * "] })), true);
        assert.equal(hasWildcardResource(st({ Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] })), false);
        assert.equal(isAllow(st({ Effect: " ALLOW " })), true);
        assert.equal(isPublicPrincipal(st({ Principal: { AWS: "arn:aws:iam::1:root" } })), false);
        assert.equal(isPublicPrincipal(st({ NotPrincipal: { AWS: "arn:aws:iam::1:root" } })), true);
        assert.equal(isPublicPrincipal({ ...st({ NotPrincipal: { AWS: "arn:aws:iam::1:root" } }), effect: "Deny" }), false);
    });
    it("a principal-scoping condition needs a real value and a non-IfExists operator", () => {
        const st = (cond: Record<string, unknown>) => parsePolicyDocument({ Statement: [{ Effect: "Allow", Principal: "*", Condition: cond }] })!.statements[0];
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "AWS:SourceAccount": [" 111111111111 "] } })), true);
        // Any value that pins nothing admits every caller (issue 12): all values must pin.
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "aws:SourceAccount": ["", " * ", "111111111111"] } })), false);
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "aws:SourceAccount": ["111111111111", "222222222222"] } })), true);
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "aws:SourceAccount": [" * "] } })), false);
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "aws:SourceAccount": ["  "] } })), false);
        assert.equal(hasPrincipalScopingCondition(st({ StringEqualsIfExists: { "aws:SourceAccount": ["111111111111"] } })), false);
        // Only the positive String/Arn operators pin (an unknown operator name is not one of them).
        assert.equal(hasPrincipalScopingCondition(st({ "ForAnyValue:StringEqualsIfExistsX": { "aws:SourceAccount": ["111111111111"] } })), false);
        assert.equal(hasPrincipalScopingCondition(st({ "ForAnyValue:StringEquals": { "aws:SourceAccount": ["111111111111"] } })), true);
        assert.equal(hasPrincipalScopingCondition(st({ StringEquals: { "aws:RequestedRegion": ["bob"] } })), false);
    });
});

describe("security: policies/lib/k8s type tokens", () => {
    it("builds, parses and matches Kubernetes type tokens (core group for a bare version)", () => {
        assert.equal(k8sType("v1", "Pod"), "kubernetes:core/v1:Pod");
        assert.equal(k8sType("apps/v1", "Deployment"), "kubernetes:apps/v1:Deployment");
        assert.deepEqual(parseK8sType("kubernetes:karpenter.sh/v1:NodePool"), { group: "karpenter.sh", version: "v1", kind: "NodePool" });
        assert.equal(parseK8sType("xkubernetes:core/v1:Pod"), undefined);
        assert.equal(parseK8sType("kubernetes:core/v1"), undefined);
        assert.equal(isK8sKind("kubernetes:core/v1:Pod", "Pod"), true);
        assert.equal(isK8sKind("kubernetes:core/v1:Pod", "Pod", "core"), true);
        assert.equal(isK8sKind("kubernetes:core/v1:Pod", "Pod", "apps"), false);
        assert.equal(isK8sKind("kubernetes:core/v1:Pod", "Service"), false);
        assert.equal(isK8sKind("aws:s3/bucket:Bucket", "Bucket"), false);
    });
});

describe("security: policies/lib/{props,aws} odd inputs", () => {
    it("get walks arrays only by number and records only by string", () => {
        assert.equal(get({ a: [{ b: 1 }] }, "a", 0, "b"), 1);
        assert.equal(get({ a: { 0: "x" } }, "a", 0), undefined);
        assert.equal(get({ a: ["x"] }, "a", "0"), undefined);
        assert.equal(get({ a: ["x"] }, "a", "length"), undefined);
    });
    it("asNumber, asBool, asArray, parseJsonish and the config guards", () => {
        assert.equal(asNumber(Infinity), undefined);
        assert.equal(asNumber("Infinity"), undefined);
        assert.equal(asNumber(" 42 "), 42);
        assert.equal(asNumber("   "), undefined);
        assert.equal(asNumber(""), undefined);
        assert.equal(asBool("true"), true);
        assert.equal(asBool("false"), false);
        assert.equal(asBool("TRUE"), undefined);
        assert.deepEqual(asArray(null), []);
        assert.deepEqual(asArray(undefined), []);
        assert.deepEqual(asArray(0), [0]);
        assert.deepEqual(asArray(""), [""]);
        assert.deepEqual(parseJsonish(' {"a":1} '), { a: 1 });
        assert.equal(parseJsonish("   "), undefined);
        assert.equal(parseJsonish("{nope"), undefined);
        assert.equal(isStringArray(["a", 1]), false);
        assert.equal(isStringArray("a"), false);
        assert.equal(isNumberValue(NaN), false);
        assert.equal(isNumberValue("1"), false);
    });
    it("parseArn needs the arn: prefix and six parts, and keeps colons in the resource", () => {
        assert.deepEqual(parseArn("arn:aws:iam::111111111111:role/a:b"), { partition: "aws", service: "iam", region: "", account: "111111111111", resource: "role/a:b" });
        assert.equal(parseArn("arn:aws:iam::111111111111"), undefined);
        assert.equal(parseArn("xarn:aws:iam::111111111111:role/a"), undefined);
        assert.equal(parseArn(""), undefined);
    });
    it("provider region and allowedAccountIds: trimmed, comma lists, JSON arrays, exactly 12 digits", () => {
        assert.equal(providerRegion({ region: " us-west-2 " }), "us-west-2");
        assert.equal(providerRegion({ region: "  " }), undefined);
        assert.equal(providerRegion(undefined), undefined);
        assert.deepEqual(providerAllowedAccountIds({ allowedAccountIds: " 011111111111 , 222222222222,1234567890123, x222222222222" }), ["011111111111", "222222222222"]);
        assert.deepEqual(providerAllowedAccountIds({ allowedAccountIds: ' ["111111111111", " 222222222222 "]' }), ["111111111111", "222222222222"]);
        assert.deepEqual(providerAllowedAccountIds({ allowedAccountIds: ["111111111111"] }), ["111111111111"]);
        assert.deepEqual(providerAllowedAccountIds(undefined), []);
        assert.equal(isEcrPrivateHost("111111111111.dkr.ecr.us-west-2.amazonaws.com"), true);
        assert.equal(isEcrPrivateHost("public.ecr.aws"), false);
        assert.equal(isAwsProviderType("pulumi:providers:aws"), true);
        assert.equal(isAwsProviderType("pulumi:providers:kubernetes"), false);
    });
});

describe("security: policies/lib/{registries,known} edge cases", () => {
    it("parseImageRef: registries need a dot, a port or localhost; empty tags and digests are absent", () => {
        const pick = (s: string) => { const r = parseImageRef(s)!; return [r.raw, r.registry, r.repository, r.tag, r.digest, r.explicitRegistry]; };
        assert.deepEqual(pick(" nginx:1.27 "), ["nginx:1.27", "docker.io", "library/nginx", "1.27", undefined, false]);
        assert.deepEqual(pick("localhost/app:1"), ["localhost/app:1", "localhost", "app", "1", undefined, true]);
        assert.deepEqual(pick("localhost:5000/app"), ["localhost:5000/app", "localhost:5000", "app", undefined, undefined, true]);
        assert.deepEqual(pick("org/app:1"), ["org/app:1", "docker.io", "org/app", "1", undefined, false]);
        assert.deepEqual(pick("@sha256:abc"), ["@sha256:abc", "docker.io", "library/", undefined, "sha256:abc", false]);
        assert.deepEqual(pick("app:@"), ["app:@", "docker.io", "library/app", undefined, undefined, false]);
    });
    it("registry prefixes: scheme and trailing slashes dropped, host lower-cased, path kept; an empty prefix matches nothing", () => {
        assert.equal(normaliseRegistryPrefix(" https://Quay.io/Org// "), "quay.io/Org");
        assert.equal(normaliseRegistryPrefix("Quay.io"), "quay.io");
        assert.equal(normaliseRegistryPrefix("/x"), "/x");
        assert.equal(normaliseRegistryPrefix("1https://quay.io"), "1https://quay.io");
        assert.equal(matchesRegistryPrefix(parseImageRef("quay.io/org/app:1")!, "quay.io/org"), true);
        assert.equal(matchesRegistryPrefix(parseImageRef("quay.io/org:1")!, "quay.io/org"), true);
        assert.equal(matchesRegistryPrefix(parseImageRef("quay.io/orgx/app:1")!, "quay.io/org"), false);
        assert.equal(matchesRegistryPrefix(parseImageRef("quay.io/org/app:1")!, "  "), false);
        assert.equal(matchesRegistryPrefix(parseImageRef("quay.io/org/app:1")!, "/"), false);
    });
    it("containsUnknown and peek: depth limit, numeric keys only on arrays, rawProps only of plain objects", () => {
        assert.equal(isUnknownValue("not-a-sentinel"), false);
        assert.equal(isUnknownValue(UNKNOWN), true);
        assert.equal(containsUnknown({ a: [{ b: UNKNOWN }] }), true);
        assert.equal(containsUnknown({ a: [{ b: UNKNOWN }] }, 2), false);
        assert.equal(containsUnknown({ a: [{ b: UNKNOWN }] }, 3), true);
        assert.equal(containsUnknown([1, "x", null]), false);
        assert.equal(peek({ 0: "x" }, 0), undefined);
        assert.equal(peek(["x"], 0), "x");
        assert.equal(peek("str", "length"), undefined);
        assert.deepEqual(rawProps(["a"]), {});
        assert.deepEqual(rawProps("ab"), {});
        assert.deepEqual(rawProps(null), {});
        assert.deepEqual(rawProps({ a: 1 }), { a: 1 });
    });
});
