/**
 * lib/iam-eval.ts: the pure model of what IAM allows and what S3 answers a role (HEAD on a missing key:
 * 404 only with s3:GetObject on the key and s3:ListBucket on the bucket that holds without an s3:prefix).
 */
import { strict as assert } from "assert";
import {
    canListKeys, canWriteBucket, conditionsHold, headMissingKeyStatus, iamGlob, IamStatement, isAllowed, s3aMissingPermissions, S3A_PERMISSIONS,
} from "../../../lib/iam-eval";

const B = "arn:aws:s3:::team-a-bucket";
const KEY = "arn:aws:kms:us-west-2:111111111111:key/k";
const VIA = { "kms:ViaService": "s3.us-west-2.amazonaws.com" };
const get = (resource: string | string[]): IamStatement => ({ Effect: "Allow", Action: "s3:GetObject", Resource: resource });
const list = (condition?: IamStatement["Condition"]): IamStatement => ({ Effect: "Allow", Action: "s3:ListBucket", Resource: B, ...(condition ? { Condition: condition } : {}) });

describe("lib/iam-eval", () => {
    describe("iamGlob", () => {
        const cases: [string, string, boolean][] = [
            ["s3:Get*", "s3:GetObject", true],
            ["arn:aws:s3:::b/teams/a/*", "arn:aws:s3:::b/teams/a/x/y", true],
            ["arn:aws:s3:::b/teams/a/*", "arn:aws:s3:::b/teams/a", false],
            ["arn:aws:s3:::b/teams/a*", "arn:aws:s3:::b/teams/ab", true],
            ["arn:aws:s3:::b-?", "arn:aws:s3:::b-1", true],
            ["arn:aws:s3:::b.c", "arn:aws:s3:::bxc", false],
            ["arn:aws:s3:::moka-team-*-111", "arn:aws:s3:::moka-team-x-222", false],
        ];
        for (const [pattern, value, expected] of cases) {
            it(`${pattern} ~ ${value} = ${expected}`, () => assert.equal(iamGlob(pattern, value), expected));
        }
        it("actions match case-insensitively", () => assert.ok(isAllowed([{ Effect: "Allow", Action: "S3:getobject", Resource: "*" }], "s3:GetObject", `${B}/k`)));
    });

    describe("conditionsHold", () => {
        const cases: [string, IamStatement["Condition"], Record<string, string>, boolean][] = [
            ["no condition", undefined, {}, true],
            ["StringLike on a present key", { StringLike: { "s3:prefix": ["a/", "a/*"] } }, { "s3:prefix": "a/b/" }, true],
            ["StringLike on a missing key (a HEAD has no s3:prefix)", { StringLike: { "s3:prefix": ["a/*"] } }, {}, false],
            ["StringEquals mismatch", { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }, VIA, false],
            ["StringNotLike excludes every pattern", { StringNotLike: { "s3:prefix": ["secret/*"] } }, { "s3:prefix": "secret/x" }, false],
            ["an operator the model does not know", { NumericLessThan: { "s3:max-keys": "10" } }, { "s3:max-keys": "5" }, false],
        ];
        for (const [label, condition, ctx, expected] of cases) {
            it(label, () => assert.equal(conditionsHold(condition, ctx), expected));
        }
    });

    it("an explicit Deny wins over an Allow", () => {
        const st: IamStatement[] = [get(`${B}/*`), { Effect: "Deny", Action: "s3:*", Resource: `${B}/private/*` }];
        assert.ok(isAllowed(st, "s3:GetObject", `${B}/public/x`));
        assert.ok(!isAllowed(st, "s3:GetObject", `${B}/private/x`));
    });

    it("NotAction / NotResource", () => {
        assert.ok(isAllowed([{ Effect: "Allow", NotAction: "s3:DeleteObject", Resource: `${B}/*` }], "s3:GetObject", `${B}/x`));
        assert.ok(!isAllowed([{ Effect: "Allow", NotAction: "s3:DeleteObject", Resource: `${B}/*` }], "s3:DeleteObject", `${B}/x`));
        assert.ok(!isAllowed([{ Effect: "Allow", Action: "s3:GetObject", NotResource: `${B}/*` }], "s3:GetObject", `${B}/x`));
    });

    describe("headMissingKeyStatus: what S3 answers a HEAD on a key that does not exist", () => {
        const cases: [string, IamStatement[], 403 | 404][] = [
            ["GetObject and plain ListBucket", [get(`${B}/*`), list()], 404],
            ["GetObject and ListBucket on every bucket", [get(`${B}/*`), { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::*" }], 404],
            ["GetObject, ListBucket limited by s3:prefix", [get(`${B}/*`), list({ StringLike: { "s3:prefix": ["data/", "data/*"] } })], 403],
            ["GetObject only", [get(`${B}/*`)], 403],
            ["plain ListBucket but no GetObject on the key", [get(`${B}/other/*`), list()], 403],
            ["ListBucket on another bucket", [get(`${B}/*`), { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::other" }], 403],
            ["ListBucket explicitly denied", [get(`${B}/*`), list(), { Effect: "Deny", Action: "s3:ListBucket", Resource: B }], 403],
        ];
        for (const [label, st, status] of cases) {
            it(`${label}: ${status}`, () => assert.equal(headMissingKeyStatus(st, B, "data/missing/_SUCCESS"), status));
        }
    });

    describe("s3aMissingPermissions", () => {
        const writer: IamStatement[] = [
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: B },
            { Effect: "Allow", Action: [...S3A_PERMISSIONS.write.object], Resource: [`${B}/data`, `${B}/data/*`] },
            { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY, Condition: { StringEquals: VIA } },
        ];
        it("a complete writer lacks nothing", () => {
            assert.deepEqual(s3aMissingPermissions(writer, { bucketArn: B, prefix: "data", mode: "write", kmsKeyArn: KEY, kmsContext: VIA }), []);
        });
        it("names what a writer without the multipart listings and a plain ListBucket lacks (the pre-2.0 team role)", () => {
            const old: IamStatement[] = [
                { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: [`${B}/data`, `${B}/data/*`] },
                list({ StringLike: { "s3:prefix": ["data/", "data/*"] } }),
                writer[2],
            ];
            assert.deepEqual(s3aMissingPermissions(old, { bucketArn: B, prefix: "data", mode: "write", kmsKeyArn: KEY, kmsContext: VIA }), [
                `s3:ListBucket on ${B}`, `s3:ListBucketMultipartUploads on ${B}`,
                `s3:ListMultipartUploadParts on ${B}/data`, `s3:ListMultipartUploadParts on ${B}/data/`, `s3:ListMultipartUploadParts on ${B}/data/part-00000.parquet`,
            ]);
        });
        it("KMS only through S3: the same grant does not hold for a direct call", () => {
            assert.deepEqual(s3aMissingPermissions(writer, { bucketArn: B, prefix: "data", mode: "write", kmsKeyArn: KEY, kmsContext: {} }), [`kms:Decrypt on ${KEY}`, `kms:GenerateDataKey on ${KEY}`]);
        });
        it("a reader with a prefix-conditioned list covers the directory's own listing", () => {
            const reader: IamStatement[] = [get([`${B}/data`, `${B}/data/*`]), list({ StringLike: { "s3:prefix": ["data/", "data/*"] } }), { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: VIA } }];
            assert.deepEqual(s3aMissingPermissions(reader, { bucketArn: B, prefix: "data", mode: "read", kmsKeyArn: KEY, kmsContext: VIA }), []);
            assert.deepEqual(s3aMissingPermissions(reader, { bucketArn: B, prefix: "other", mode: "read", kmsKeyArn: KEY, kmsContext: VIA }).length, 4);
        });
    });

    it("canWriteBucket / canListKeys", () => {
        const st: IamStatement[] = [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${B}/logs/*` }, list({ StringLike: { "s3:prefix": ["logs/*"] } })];
        assert.ok(canWriteBucket(st, B, ["data/x", "logs/x"]));
        assert.ok(!canWriteBucket(st, B, ["data/x"]));
        assert.ok(canListKeys(st, B, "logs/a/"));
        assert.ok(!canListKeys(st, B, "data/"));
        assert.ok(!canListKeys(st, B, ""));
    });
});
