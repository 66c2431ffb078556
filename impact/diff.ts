// Two snapshots of a stack compared entry by entry: what a change adds, removes and changes, each
// change down to the fields, and which of them destroy something (see destructive.ts).
import { Snapshot, SnapshotEntry } from "../render/snapshot";

/** One field a change sets, removes or adds: a dotted path and its values before and after. */
export interface FieldChange {
    readonly path: string;
    readonly before?: unknown;
    readonly after?: unknown;
}

export interface StackDiff {
    readonly stack: string;
    readonly added: SnapshotEntry[];
    readonly removed: SnapshotEntry[];
    readonly changed: {
        readonly before: SnapshotEntry;
        readonly after: SnapshotEntry;
        readonly fields: FieldChange[];
    }[];
    /** Applications the report could not render, in either snapshot. */
    readonly unrendered: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The object or list a string holds as JSON, or undefined. */
function jsonIn(value: unknown): unknown {
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return undefined;
    }
}

/** The fields that differ between two values, as paths (`spec.addresses[0]`). */
export function fieldChanges(before: unknown, after: unknown, at = ""): FieldChange[] {
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    if (isRecord(before) && isRecord(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) =>
            fieldChanges(before[key], after[key], at && !at.endsWith("#") ? `${at}.${key}` : `${at}${key}`),
        );
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
        return before.flatMap((item, i) => fieldChanges(item, after[i], `${at}[${i}]`));
    // JSON kept in a string (a ConfigMap's file): compared inside, after a `#`.
    const [innerBefore, innerAfter] = [jsonIn(before), jsonIn(after)];
    if (innerBefore !== undefined && innerAfter !== undefined) return fieldChanges(innerBefore, innerAfter, `${at}#`);
    return [{ path: at, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }];
}

const byKey = (entries: readonly SnapshotEntry[]) => new Map(entries.map((e) => [`${e.origin} ${e.key}`, e]));
const sorted = (entries: SnapshotEntry[]) => entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** What changes from `base` to `head`. */
export function diffSnapshots(base: Snapshot, head: Snapshot): StackDiff {
    const before = byKey(base.entries);
    const after = byKey(head.entries);
    const changed = [...after]
        .filter(([id]) => before.has(id))
        .map(([id, entry]) => ({
            before: before.get(id)!,
            after: entry,
            fields: fieldChanges(before.get(id)!.body, entry.body),
        }))
        .filter((c) => c.fields.length > 0)
        .sort((a, b) => (a.after.key < b.after.key ? -1 : a.after.key > b.after.key ? 1 : 0));
    return {
        stack: head.stack,
        added: sorted([...after].filter(([id]) => !before.has(id)).map(([, e]) => e)),
        removed: sorted([...before].filter(([id]) => !after.has(id)).map(([, e]) => e)),
        changed,
        unrendered: [...new Set([...base.unrendered, ...head.unrendered])].sort(),
    };
}
