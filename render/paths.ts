// Paths into an object as Pulumi names secret inputs and policies read properties: dotted keys
// with array indexes in brackets (`spec.template.spec.containers[0].env`).

/** The keys of a path: `a.b[0].c` -> a, b, 0, c. */
export const pathKeys = (path: string): string[] => path.split(/\.|\[(\d+)\]/).filter((part) => part);

/** The value at `path` of `value`, or undefined where any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
    return pathKeys(path).reduce<unknown>(
        (at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined),
        value,
    );
}
