// Stand-in for GitHub Actions' expression language (docs.github.com "Evaluate expressions in
// workflows and actions"), as far as the project's workflows use it: the contexts a test gives
// (github, inputs, needs, steps, secrets, vars, runner, matrix, env), string, number, boolean and
// null literals, property access, ! == != < > && || and parentheses, and the functions contains,
// startsWith, endsWith, format, fromJSON, toJSON and the status checks. `==` compares strings
// case-insensitively, as GitHub does; `&&` and `||` return an operand, not a boolean. Anything
// else is refused, so a workflow cannot rely on what the stand-in does not model.

export type Contexts = Record<string, unknown>;

/** The job's status as the status functions see it. */
export interface Status {
    /** Whether an earlier step, or a job this one needs, failed. */
    readonly failed: boolean;
    readonly cancelled: boolean;
}

type Token = { kind: "num" | "str" | "id" | "op"; text: string; value?: unknown };

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < source.length) {
        const rest = source.slice(i);
        const space = /^\s+/.exec(rest);
        if (space) {
            i += space[0].length;
            continue;
        }
        const str = /^'((?:[^']|'')*)'/.exec(rest);
        if (str) {
            tokens.push({ kind: "str", text: str[0], value: str[1].replace(/''/g, "'") });
            i += str[0].length;
            continue;
        }
        const num = /^-?\d+(\.\d+)?/.exec(rest);
        if (num) {
            tokens.push({ kind: "num", text: num[0], value: Number(num[0]) });
            i += num[0].length;
            continue;
        }
        const id = /^[A-Za-z_][\w-]*/.exec(rest);
        if (id) {
            tokens.push({ kind: "id", text: id[0] });
            i += id[0].length;
            continue;
        }
        const op = /^(==|!=|<=|>=|&&|\|\||[!<>().,[\]*])/.exec(rest);
        if (op) {
            tokens.push({ kind: "op", text: op[0] });
            i += op[0].length;
            continue;
        }
        throw new Error(`stand-in: cannot read the expression "${source}" at "${rest}"`);
    }
    return tokens;
}

const truthy = (v: unknown) => !(v === false || v === 0 || v === "" || v === null || v === undefined);

function asString(v: unknown): string {
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
}

function equal(a: unknown, b: unknown): boolean {
    if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
    if (typeof a === "object" || typeof b === "object") return a === b;
    if (typeof a === typeof b) return a === b;
    // Loosely: numbers against their text, as GitHub coerces.
    return Number(a) === Number(b);
}

/** Evaluates one expression (what stands between `${{` and `}}`). */
export function evaluate(source: string, contexts: Contexts, status: Status = { failed: false, cancelled: false }) {
    const tokens = tokenize(source);
    let at = 0;
    const peek = () => tokens[at];
    const take = (text?: string) => {
        const token = tokens[at++];
        if (token === undefined || (text !== undefined && token.text !== text))
            throw new Error(`stand-in: "${source}": expected ${text ?? "more"}`);
        return token;
    };

    const functions: Record<string, (...args: unknown[]) => unknown> = {
        contains: (hay, needle) =>
            Array.isArray(hay)
                ? hay.some((item) => equal(item, needle))
                : asString(hay).toLowerCase().includes(asString(needle).toLowerCase()),
        startsWith: (s, p) => asString(s).toLowerCase().startsWith(asString(p).toLowerCase()),
        endsWith: (s, p) => asString(s).toLowerCase().endsWith(asString(p).toLowerCase()),
        format: (f, ...args) => asString(f).replace(/\{(\d+)\}/g, (_, n) => asString(args[Number(n)])),
        fromJSON: (s) => JSON.parse(asString(s)),
        toJSON: (v) => JSON.stringify(v, null, 2),
        success: () => !status.failed && !status.cancelled,
        failure: () => status.failed,
        always: () => true,
        cancelled: () => status.cancelled,
    };

    const primary = (): unknown => {
        const token = take();
        if (token.kind === "str" || token.kind === "num") return token.value;
        if (token.kind === "op" && token.text === "(") {
            const value = or();
            take(")");
            return value;
        }
        if (token.kind === "op" && token.text === "!") return !truthy(primary());
        if (token.kind !== "id") throw new Error(`stand-in: "${source}": unexpected ${token.text}`);
        if (token.text === "true") return true;
        if (token.text === "false") return false;
        if (token.text === "null") return null;
        if (peek()?.text === "(") {
            take("(");
            const args: unknown[] = [];
            while (peek()?.text !== ")") {
                args.push(or());
                if (peek()?.text === ",") take(",");
            }
            take(")");
            const fn = functions[token.text];
            if (fn === undefined) throw new Error(`stand-in: "${source}": no function ${token.text}`);
            return member(fn(...args));
        }
        if (!(token.text in contexts)) throw new Error(`stand-in: "${source}": no context ${token.text}`);
        return member(contexts[token.text]);
    };

    const member = (value: unknown): unknown => {
        while (peek()?.text === "." || peek()?.text === "[") {
            if (take().text === ".") {
                const name = take().text;
                value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[name];
            } else {
                const key = or();
                take("]");
                value =
                    value === null || value === undefined
                        ? undefined
                        : (value as Record<string, unknown>)[asString(key)];
            }
        }
        return value;
    };

    const comparison = (): unknown => {
        const left = primary();
        const op = peek()?.text;
        if (op === "==" || op === "!=") {
            take();
            const right = primary();
            return op === "==" ? equal(left, right) : !equal(left, right);
        }
        if (op === "<" || op === ">" || op === "<=" || op === ">=") {
            take();
            const [a, b] = [Number(left), Number(primary())];
            return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
        }
        return left;
    };
    const and = (): unknown => {
        let left = comparison();
        while (peek()?.text === "&&") {
            take();
            const right = comparison();
            left = truthy(left) ? right : left;
        }
        return left;
    };
    const or = (): unknown => {
        let left = and();
        while (peek()?.text === "||") {
            take();
            const right = and();
            left = truthy(left) ? left : right;
        }
        return left;
    };

    const value = or();
    if (at !== tokens.length) throw new Error(`stand-in: "${source}": unexpected ${tokens[at].text}`);
    return value;
}

/** A value of a workflow file with every `${{ }}` replaced: a lone expression keeps its type. */
export function interpolate(value: unknown, contexts: Contexts, status?: Status): unknown {
    if (typeof value === "string") {
        const lone = /^\$\{\{([\s\S]*)\}\}$/.exec(value.trim());
        if (lone && !lone[1].includes("}}")) return evaluate(lone[1], contexts, status);
        return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr) => asString(evaluate(expr, contexts, status)));
    }
    if (Array.isArray(value)) return value.map((v) => interpolate(v, contexts, status));
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, contexts, status)]));
    return value;
}

/** Whether an `if:` holds; it may be written with or without `${{ }}`, and defaults to success(). */
export function condition(source: unknown, contexts: Contexts, status: Status): boolean {
    if (source === undefined) return !status.failed && !status.cancelled;
    if (typeof source === "boolean") return source;
    const text = asString(source).trim();
    const bare = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
    const expression = bare ? bare[1] : text;
    // A condition without a status function is checked as `success() && (...)`.
    const statusCheck = /\b(success|failure|always|cancelled)\(\)/.test(expression);
    return truthy(evaluate(statusCheck ? expression : `success() && (${expression})`, contexts, status));
}

export const isTruthy = truthy;
export const toText = asString;
