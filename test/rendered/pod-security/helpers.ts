// Shared by the checks: reading manifest fields with Go's zero values, Go's sort order, the wording
// helpers of policy/helpers.go, and the Forbidden result every check returns.

export type Obj = Record<string, unknown>;

export function record(value: unknown): Obj | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function records(value: unknown): Obj[] {
    return Array.isArray(value) ? value.map((v) => record(v) ?? {}) : [];
}

/** A string field as Go decodes it: the zero value "" when unset. */
export function str(value: unknown): string {
    return typeof value === "string" ? value : "";
}

export function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : String(v))) : [];
}

/** Byte-order comparison, as Go's sort.Strings and sets.List use (not locale order). */
export function byCodeUnit(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted, de-duplicated list: Go's sets.NewString(...).List(). */
export function sortedSet(items: Iterable<string>): string[] {
    return [...new Set(items)].sort(byCodeUnit);
}

// policy/helpers.go
export function joinQuote(items: readonly string[]): string {
    return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

// policy/helpers.go
export function pluralize(singular: string, plural: string, count: number): string {
    return count === 1 ? singular : plural;
}

/** Go's %q for the printable strings annotations hold (JSON escaping matches it for those). */
export function goQuote(value: string): string {
    return JSON.stringify(value);
}

export interface Forbidden {
    readonly reason: string;
    readonly detail: string;
}

/** "pod", `container "a"` or `containers "a", "b"`, joined with " and " as upstream does. */
export function setters(pod: boolean, containers: readonly string[]): string[] {
    const result = pod ? ["pod"] : [];
    if (containers.length > 0) {
        result.push(`${pluralize("container", "containers", containers.length)} ${joinQuote(containers)}`);
    }
    return result;
}
