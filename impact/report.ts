// The environment impact report: per stack, what a change adds, changes (field by field) and
// removes, destructive changes first, as Markdown for a pull-request comment.
import { removalDestroys, replacingFields } from "./destructive";
import { FieldChange, StackDiff } from "./diff";

const MAX_VALUE = 80;

const show = (value: unknown): string => {
    const text = JSON.stringify(value);
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
};

const field = (f: FieldChange): string =>
    f.before === undefined
        ? `\`${f.path}\`: set to \`${show(f.after)}\``
        : f.after === undefined
          ? `\`${f.path}\`: removed (was \`${show(f.before)}\`)`
          : `\`${f.path}\`: \`${show(f.before)}\` → \`${show(f.after)}\``;

/** The destructive changes of one stack, one line each. */
export function destructiveChanges(diff: StackDiff): string[] {
    const removals = diff.removed.flatMap((e) => {
        const what = removalDestroys(e);
        if (what === undefined) return [];
        // The same object under another owner: Pulumi creates it there and deletes it here.
        const moved = diff.added.find((a) => a.key === e.key);
        return [
            moved
                ? `moves \`${e.key}\` from ${e.origin} to ${moved.origin}: deleting it from ${e.origin} ${what}; move it in state first`
                : `removes \`${e.key}\` (${e.origin}): ${what}`,
        ];
    });
    const replacements = diff.changed.flatMap((c) => {
        const fields = replacingFields(c.after, c.fields);
        return fields.length > 0
            ? [`replaces \`${c.after.key}\` (${c.after.origin}): ${fields.join(", ")} cannot change in place`]
            : [];
    });
    return [...removals, ...replacements];
}

function stackSection(diff: StackDiff): string[] {
    const counts = `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed`;
    if (diff.added.length + diff.changed.length + diff.removed.length === 0)
        return [`### ${diff.stack}: no change`, ...diff.unrendered.map((u) => `- not rendered: ${u}`), ""];
    const destructive = destructiveChanges(diff);
    return [
        `### ${diff.stack}: ${counts}${destructive.length > 0 ? `, **${destructive.length} destructive**` : ""}`,
        ...(destructive.length > 0 ? ["", "**Destructive**", ...destructive.map((d) => `- ⚠️ ${d}`)] : []),
        ...(diff.added.length > 0 ? ["", "**Added**", ...diff.added.map((e) => `- \`${e.key}\` (${e.origin})`)] : []),
        ...(diff.changed.length > 0
            ? [
                  "",
                  "**Changed**",
                  ...diff.changed.flatMap((c) => [
                      `- \`${c.after.key}\` (${c.after.origin})`,
                      ...c.fields.map((f) => `  - ${field(f)}`),
                  ]),
              ]
            : []),
        ...(diff.removed.length > 0
            ? ["", "**Removed**", ...diff.removed.map((e) => `- \`${e.key}\` (${e.origin})`)]
            : []),
        ...diff.unrendered.map((u) => `- not rendered: ${u}`),
        "",
    ];
}

/** The whole report. */
export function impactReport(diffs: readonly StackDiff[], base: string, head: string): string {
    return [
        "## Environment impact",
        "",
        `What \`${head}\` changes against \`${base}\` in each environment, rendered offline with Helm as \`pulumi up\` and Argo CD would apply it (secrets redacted).`,
        "",
        ...diffs.flatMap(stackSection),
    ].join("\n");
}
