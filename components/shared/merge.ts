// Helm-style merging of values: the escape hatch (`values`) is laid over the program's own.

type Values = Record<string, unknown>;

function isMap(value: unknown): value is Values {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `overrides` merged into `base`: maps merge key by key, anything else (lists too) replaces. */
export function deepMerge(base: Values, overrides: Values): Values {
    const merged: Values = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
        const current = merged[key];
        merged[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
    }
    return merged;
}
