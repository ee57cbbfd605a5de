/**
 * IAM policy documents as policies meet them: a JSON string or an object (Pulumi's PolicyDocument
 * type), `Statement` as one object or an array, and `Action` / `Resource` / `Principal` values as a
 * single string or an array. `parsePolicyDocument` normalises all of that into arrays; the rest are
 * small predicates over normalised statements.
 *
 * Reads go through whatever object is passed (usually @pulumi/policy's unknown-checking proxy), so
 * an unknown nested value throws UnknownValueError as designed. Nothing here catches errors.
 *
 * Pack-private to the security pack. Exported API (stable):
 *   interface PolicyDocument { version?, statements: PolicyStatement[] }
 *   interface PolicyStatement { index, sid?, effect, actions, notActions?, resources, notResources?,
 *                                principal?, notPrincipal?, conditions }
 *   interface PrincipalSpec { wildcard, values: Record<string, string[]> }
 *   parsePolicyDocument(v), identityPolicyDocuments(type, props), isAllow(s), isWildcardAction(a), actionMatches(pattern, action),
 *   grantsAction(s, action), grantsWildcardAction(s), hasWildcardResource(s), isPublicPrincipal(s),
 *   wildcardAccountPrincipals(s), accountRootPrincipals(s), conditionEntries(s)
 * What conditions pin and which resources a statement reaches: ./iam-scope.ts.
 */
import { asArray, asString, get, isRecord, parseJsonish } from "../../lib/props";
import { IAM_IDENTITY_POLICY_TYPES, IAM_ROLE_TYPE } from "./aws";

export interface PrincipalSpec {
    /** True for `"*"`, or `"*"` under any principal kind (e.g. `{ AWS: "*" }`). */
    readonly wildcard: boolean;
    /** Principal kind (AWS, Service, Federated, CanonicalUser) → values. `"*"` alone gives `{ "*": ["*"] }`. */
    readonly values: Readonly<Record<string, readonly string[]>>;
}

export interface PolicyStatement {
    /** Position in the document's Statement list (0-based), for messages. */
    readonly index: number;
    readonly sid?: string;
    /** "Allow" / "Deny" as written (case preserved); "" when absent. */
    readonly effect: string;
    readonly actions: readonly string[];
    /** Present (possibly empty) only when the statement uses NotAction. */
    readonly notActions?: readonly string[];
    readonly resources: readonly string[];
    /** Present only when the statement uses NotResource. */
    readonly notResources?: readonly string[];
    readonly principal?: PrincipalSpec;
    readonly notPrincipal?: PrincipalSpec;
    /** Condition operator → condition key → values (stringified). */
    readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface PolicyDocument {
    readonly version?: string;
    readonly statements: readonly PolicyStatement[];
}

/** Case-insensitive own-property lookup for IAM element names ("Statement", "Action", …). */
function field(obj: Record<string, unknown>, name: string): unknown {
    if (name in obj) {
        return obj[name];
    }
    const lower = name.toLowerCase();
    for (const k of Object.keys(obj)) {
        if (k.toLowerCase() === lower) {
            return obj[k];
        }
    }
    return undefined;
}

function scalarStrings(v: unknown): string[] {
    return asArray(v)
        .filter((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")
        .map((x) => String(x));
}

function parsePrincipal(v: unknown): PrincipalSpec | undefined {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (typeof v === "string") {
        return { wildcard: v.trim() === "*", values: { "*": [v] } };
    }
    if (!isRecord(v)) {
        return undefined;
    }
    const values: Record<string, string[]> = {};
    let wildcard = false;
    for (const kind of Object.keys(v)) {
        const list = scalarStrings(v[kind]);
        values[kind] = list;
        if (list.some((x) => x.trim() === "*")) {
            wildcard = true;
        }
    }
    return { wildcard, values };
}

function parseConditions(v: unknown): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    if (!isRecord(v)) {
        return out;
    }
    for (const op of Object.keys(v)) {
        const block = v[op];
        if (!isRecord(block)) {
            continue;
        }
        const keys: Record<string, string[]> = {};
        for (const key of Object.keys(block)) {
            keys[key] = scalarStrings(block[key]);
        }
        out[op] = keys;
    }
    return out;
}

function parseStatement(s: Record<string, unknown>, index: number): PolicyStatement {
    const sid = field(s, "Sid");
    const effect = field(s, "Effect");
    const notAction = field(s, "NotAction");
    const notResource = field(s, "NotResource");
    return {
        index,
        sid: typeof sid === "string" ? sid : undefined,
        effect: typeof effect === "string" ? effect : "",
        actions: scalarStrings(field(s, "Action")),
        notActions: notAction === undefined || notAction === null ? undefined : scalarStrings(notAction),
        resources: scalarStrings(field(s, "Resource")),
        notResources: notResource === undefined || notResource === null ? undefined : scalarStrings(notResource),
        principal: parsePrincipal(field(s, "Principal")),
        notPrincipal: parsePrincipal(field(s, "NotPrincipal")),
        conditions: parseConditions(field(s, "Condition")),
    };
}

/**
 * Normalises a policy document given as a JSON string or an object. Returns undefined when the value
 * is missing or not a document (unparseable JSON, a number…); a document without statements gives
 * `{ statements: [] }`. Non-object statements are skipped.
 */
export function parsePolicyDocument(v: unknown): PolicyDocument | undefined {
    const doc = parseJsonish(v);
    if (!isRecord(doc)) {
        return undefined;
    }
    const version = field(doc, "Version");
    const statements: PolicyStatement[] = [];
    asArray(field(doc, "Statement")).forEach((s, i) => {
        if (isRecord(s)) {
            statements.push(parseStatement(s, i));
        }
    });
    return { version: typeof version === "string" ? version : undefined, statements };
}

/**
 * Identity-policy documents a resource carries, labelled for messages: `policy` of the IAM policy types,
 * `inlinePolicies[].policy` of a role.
 */
export function identityPolicyDocuments(type: string, props: Record<string, unknown>): { label: string; doc: unknown }[] {
    if (IAM_IDENTITY_POLICY_TYPES.has(type)) {
        return [{ label: "policy", doc: props.policy }];
    }
    if (type === IAM_ROLE_TYPE) {
        return asArray(props.inlinePolicies).map((p, i) => ({ label: `inline policy "${asString(get(p, "name")) ?? i}"`, doc: get(p, "policy") }));
    }
    return [];
}

export function isAllow(s: PolicyStatement): boolean {
    return s.effect.trim().toLowerCase() === "allow";
}

/** `*`, `*:*` or a whole service (`s3:*`, `IAM:*`). */
export function isWildcardAction(a: string): boolean {
    const t = a.trim();
    return t === "*" || /^[A-Za-z0-9-]+:\*$/.test(t) || t === "*:*";
}

/** IAM action glob match (`*` any run, `?` one character), case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
    const re = new RegExp(
        "^" + pattern.trim().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
        "i",
    );
    return re.test(action.trim());
}

/** True when the statement's Action (or NotAction complement) covers `action`. */
export function grantsAction(s: PolicyStatement, action: string): boolean {
    if (s.notActions !== undefined) {
        return !s.notActions.some((p) => actionMatches(p, action));
    }
    return s.actions.some((p) => actionMatches(p, action));
}

/** Action is `*` / `service:*`, or the statement uses NotAction (which grants everything not listed). */
export function grantsWildcardAction(s: PolicyStatement): boolean {
    return s.notActions !== undefined || s.actions.some(isWildcardAction);
}

/** Resource includes `*`, or the statement uses NotResource (everything not listed). */
export function hasWildcardResource(s: PolicyStatement): boolean {
    return s.notResources !== undefined || s.resources.some((r) => r.trim() === "*");
}

/** Principal `*` / `{AWS: "*"}`, or NotPrincipal with Allow (everyone but the listed principals). */
export function isPublicPrincipal(s: PolicyStatement): boolean {
    return (s.principal?.wildcard ?? false) || (s.notPrincipal !== undefined && isAllow(s));
}

/** All (operator, key, values) triples of the statement's Condition block. */
export function conditionEntries(s: PolicyStatement): { operator: string; key: string; values: readonly string[] }[] {
    const out: { operator: string; key: string; values: readonly string[] }[] = [];
    for (const [operator, keys] of Object.entries(s.conditions)) {
        for (const [key, values] of Object.entries(keys)) {
            out.push({ operator, key, values });
        }
    }
    return out;
}

/** AWS principals whose account is a wildcard (arn:aws:iam::*:role/x): everyone in every account. */
export function wildcardAccountPrincipals(s: PolicyStatement): string[] {
    return (principalValues(s.principal, "aws")).filter((p) => {
        const parts = p.trim().split(":");
        return parts.length >= 6 && parts[0] === "arn" && parts[2] === "iam" && /[*?]/.test(parts[4]);
    });
}

function principalValues(p: PrincipalSpec | undefined, kind: string): string[] {
    if (!p) {
        return [];
    }
    return Object.entries(p.values).filter(([k]) => k.trim().toLowerCase() === kind).flatMap(([, v]) => [...v]);
}

/**
 * Whole accounts a statement trusts: `arn:<partition>:iam::<account>:root` or a bare 12-digit account id
 * under Principal AWS. Returns the account ids.
 */
export function accountRootPrincipals(s: PolicyStatement): string[] {
    const out: string[] = [];
    for (const raw of principalValues(s.principal, "aws")) {
        const p = raw.trim();
        const m = /^arn:[a-z-]+:iam::(\d{12}):root$/i.exec(p) ?? /^(\d{12})$/.exec(p);
        if (m) {
            out.push(m[1]);
        }
    }
    return out;
}
