// What the doctor reports: one line per thing checked, what it found and, where something is
// wrong, what to do about it.

/** `ok`: as it should be; `warn`: works, but not as the README expects; `problem`: `pulumi up`
 *  (or the tests) would fail or leave the platform broken. */
export type Status = "ok" | "warn" | "problem";

export interface Finding {
    readonly status: Status;
    /** What was checked: a tool, a key, a host name, a node. */
    readonly subject: string;
    /** What was found. */
    readonly detail: string;
    /** What to do, where the status is not ok. */
    readonly fix?: string;
}

export interface Section {
    readonly title: string;
    readonly findings: readonly Finding[];
}

const LABEL: Record<Status, string> = { ok: "ok     ", warn: "warn   ", problem: "PROBLEM" };

/** The report as the terminal shows it, sections in order, then the count of what needs doing. */
export function formatReport(heading: string, sections: readonly Section[]): string {
    const lines = [heading];
    for (const section of sections) {
        lines.push("", section.title);
        for (const f of section.findings) {
            lines.push(`  ${LABEL[f.status]} ${f.subject}: ${f.detail}`);
            if (f.fix) lines.push(`          -> ${f.fix}`);
        }
    }
    const count = (status: Status) => sections.flatMap((s) => s.findings).filter((f) => f.status === status).length;
    const [problems, warnings] = [count("problem"), count("warn")];
    lines.push(
        "",
        problems === 0 && warnings === 0
            ? "Everything checked is in place."
            : `${problems} problem${problems === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}.`,
    );
    return `${lines.join("\n")}\n`;
}

/** Whether the report holds a problem: the doctor's exit status is 1 then. */
export function hasProblems(sections: readonly Section[]): boolean {
    return sections.some((s) => s.findings.some((f) => f.status === "problem"));
}
